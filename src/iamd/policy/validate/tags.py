"""Tag condition keys (aws:ResourceTag/…, aws:RequestTag/…, aws:TagKeys) on services that do not support them.

A service that authorizes no action with a tag key never puts it in the request context, so a condition on it
fails for that service's actions: an Allow grants them nothing, and a Deny does not deny them. Whether a
service supports a key comes from the Service Authorization Reference (the keys listed for its actions and
resource types). Codes and messages are Access Analyzer's
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

import functools

from iamd import catalog
from iamd.catalog.model import compile_key_template
from iamd.policy.ast import Effect, Statement
from iamd.policy.validate.actions import ResolvedAction, has_wildcard
from iamd.policy.validate.findings import Findings

_TAG_KEY_TEMPLATES = ("aws:ResourceTag/${TagKey}", "aws:RequestTag/${TagKey}", "aws:TagKeys")
_TAG_KEY_PATTERNS = tuple((t, compile_key_template(t)) for t in _TAG_KEY_TEMPLATES)


def _template_of(key: str) -> str | None:
    for template, pattern in _TAG_KEY_PATTERNS:
        if pattern.match(key):
            return template
    return None


@functools.lru_cache(maxsize=4096)
def service_supports(service: str, template: str) -> bool:
    """Does any action or resource type of ``service`` list the tag key ``template``? (True when unknown.)"""
    svc = catalog.service(service)
    if svc is None:
        return True
    wanted = template.lower()
    for action in svc.actions.values():
        if any(k.lower() == wanted for k in action.condition_keys):
            return True
        if any(k.lower() == wanted for rt in action.resource_types for k in rt.condition_keys):
            return True
    return any(k.lower() == wanted for rt in svc.resource_types.values() for k in rt.condition_keys)


def check_tag_keys(statement: Statement, actions: list[ResolvedAction], findings: Findings) -> None:
    services = sorted(
        {a.service for a in actions if a.service and not has_wildcard(a.service) and a.known_service}
    )
    if not services:
        return
    for clause in statement.conditions:
        template = _template_of(clause.key)
        if template is None:
            continue
        unsupported = [s for s in services if not service_supports(s, template)]
        if not unsupported:
            continue
        names = ", ".join(unsupported)
        if statement.effect is Effect.DENY:
            findings.security(
                "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
                f"Using the effect Deny with the tag condition key {clause.key} and actions for services "
                f"with the following prefixes can be overly permissive: {names}. Actions for the listed "
                "services are not denied by this statement. We recommend that you move these actions to a "
                "different statement without this condition key.",
                clause.location,
            )
        else:
            findings.suggestion(
                "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
                f"Using the effect Allow with the tag condition key {clause.key} and actions for services "
                f"with the following prefixes does not affect the policy: {names}. Actions for the listed "
                "service are not allowed by this statement. We recommend that you move these actions to a "
                "different statement without this condition key.",
                clause.location,
            )
