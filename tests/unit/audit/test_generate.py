"""Policy generation from used actions, as Access Analyzer generates from CloudTrail
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from iamd.audit.generate import generate_policy
from iamd.audit.retention import parse_age


def used(action: str, resource: str, error: str | None = None, enforced: bool = True) -> dict[str, Any]:
    event: dict[str, Any] = {
        "additionalEventData": {
            "iamdDecision": {"action": action, "resource": resource, "enforced": enforced}
        }
    }
    if error is not None:
        event["errorCode"] = error
    return event


def test_actions_grouped_by_resources() -> None:
    user = "arn:aws:iam::123456789012:user/alice"
    events = [
        used("iam:GetUser", user),
        used("iam:ListUserTags", user),
        used("iam:GetUser", user),
        used("iam:ListUsers", "arn:aws:iam::123456789012:user/"),
        used("iam:DeleteUser", user, error="AccessDenied"),  # denied: not used
        used("iam:CreateRole", "arn:aws:iam::123456789012:role/r", enforced=False),  # audit mode: used
        {"eventName": "GetCallerIdentity"},  # needs no permission
    ]
    assert generate_policy(events) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "arn:aws:iam::123456789012:role/r"},
            {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUserTags"], "Resource": user},
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "arn:aws:iam::123456789012:user/"},
        ],
    }


def test_nothing_used_is_an_empty_policy() -> None:
    assert generate_policy([]) == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.parametrize(
    ("text", "age"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("30m", timedelta(minutes=30))],
)
def test_parse_age(text: str, age: timedelta) -> None:
    assert parse_age(text) == age


def test_parse_age_refuses_other_forms() -> None:
    with pytest.raises(ValueError, match="not an age"):
        parse_age("7 days")
