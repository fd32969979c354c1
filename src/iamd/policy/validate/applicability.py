"""Condition keys against the statement's actions: service keys that an action does not support, and tag
keys (aws:ResourceTag/…, aws:RequestTag/…, aws:TagKeys) on services that never set them.

Which keys an action supports comes from the Service Authorization Reference (its own keys and those of its
resource types). A service that authorizes no action with a tag key never puts it in the request context,
so a condition on it fails for that service's actions: an Allow grants them nothing, and a Deny does not
deny them. Codes and messages are Access Analyzer's
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

import functools
import re

from iamd import catalog
from iamd.catalog import ActionInfo
from iamd.catalog.model import compile_key_template, has_placeholder
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


@functools.lru_cache(maxsize=8192)
def _applicable_keys(action: ActionInfo) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The condition keys that apply to an action, split into literal names and placeholder patterns."""
    svc = catalog.service(action.service)
    names = svc.condition_keys_of(action) if svc else action.condition_keys
    literal = frozenset(n.lower() for n in names if not has_placeholder(n))
    patterns = tuple(compile_key_template(n) for n in names if has_placeholder(n))
    return literal, patterns


def _applies(action: ActionInfo, key: str) -> bool:
    literal, patterns = _applicable_keys(action)
    return key.lower() in literal or any(p.match(key) for p in patterns)


def check_keys_apply(statement: Statement, actions: list[ResolvedAction], findings: Findings) -> None:
    """Service condition keys that some of the statement's (exact) actions do not support."""
    concrete = [a.matches[0] for a in actions if not a.wildcard and len(a.matches) == 1]
    if not concrete:
        return
    for clause in statement.conditions:
        prefix = clause.key.partition(":")[0].lower()
        if prefix == "aws" or not catalog.is_known_service(prefix) or catalog.cross_service_key(clause.key):
            continue
        if catalog.condition_key(clause.key) is None:
            continue  # already reported as unknown
        unsupported = [a.full_name for a in concrete if a.service == prefix and not _applies(a, clause.key)]
        if unsupported:
            findings.warning(
                "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                f"The following actions: {', '.join(unsupported)} are not supported by the condition key "
                f"{clause.key}. The condition will not be evaluated for these actions. We recommend that "
                "you move these actions to a different statement without this condition key.",
                clause.location,
            )
