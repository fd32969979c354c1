"""``iamd audit generate-policy``: a policy with exactly the actions and resources a principal used, as
IAM Access Analyzer generates one from CloudTrail
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html).

"Used" means authorized and carried out: events without an error whose recorded decision names the
action and resource. Under ``--auth-mode audit`` calls the policies would have denied still run, so their
actions are included: that is how the mode shows what an application really needs. A role's ARN also
matches the sessions of that role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, or_, select

from iamd.store.audit_events import audit_events

_ROLE = re.compile(r"^arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[^/]+)$")


def principal_events(
    connection: Connection, principal_arn: str, since: datetime | None
) -> Iterable[dict[str, Any]]:
    c = audit_events.c
    matches = [c.principal_arn == principal_arn]
    role = _ROLE.match(principal_arn)
    if role is not None:
        prefix = f"arn:{role['partition']}:sts::{role['account']}:assumed-role/{role['name']}/"
        matches.append(c.principal_arn.startswith(prefix, autoescape=True))
    query = select(c.record).where(or_(*matches), c.error_code.is_(None)).order_by(c.seq)
    if since is not None:
        query = query.where(c.event_time >= since)
    for row in connection.execute(query):
        yield orjson.loads(row.record)


def generate_policy(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    used: dict[str, set[str]] = {}
    for event in events:
        decision = (event.get("additionalEventData") or {}).get("iamdDecision") or {}
        action, resource = decision.get("action"), decision.get("resource")
        if event.get("errorCode") is None and action and resource:
            used.setdefault(action, set()).add(resource)
    # One statement per distinct set of resources, its actions together.
    by_resources: dict[tuple[str, ...], list[str]] = {}
    for action, resources in sorted(used.items()):
        by_resources.setdefault(tuple(sorted(resources)), []).append(action)
    statements = [
        {
            "Effect": "Allow",
            "Action": actions if len(actions) > 1 else actions[0],
            "Resource": list(resources) if len(resources) > 1 else resources[0],
        }
        for resources, actions in sorted(by_resources.items(), key=lambda item: item[1])
    ]
    return {"Version": "2012-10-17", "Statement": statements}
