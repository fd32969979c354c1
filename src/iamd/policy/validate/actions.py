"""Resolve a statement's actions against the catalog: unknown services and actions, wildcards that match
nothing, redundant entries.

Action names and service prefixes are case-insensitive
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
IAM rejects an action without a service prefix ("Actions/Conditions must be prefaced by a vendor, e.g., iam,
sdb, ec2, etc."); it accepts actions the catalog does not know, so those are WARNINGs here.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from iamd import catalog
from iamd.catalog import ActionInfo
from iamd.policy.ast import Text
from iamd.policy.validate.findings import Findings

_ACTION_FORMAT = re.compile(r"^[A-Za-z0-9*?_.-]+:[A-Za-z0-9*?_.-]+$")


@dataclass(frozen=True, slots=True)
class ResolvedAction:
    """One Action entry and the catalog actions it stands for."""

    text: Text
    service: str  # lower-cased prefix, "" for "*"
    wildcard: bool
    matches: tuple[ActionInfo, ...]  # empty when unknown or the service is wildcarded
    known_service: bool


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@functools.lru_cache(maxsize=4096)
def glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.IGNORECASE | re.DOTALL
    )


@functools.lru_cache(maxsize=8192)
def _expand(service: str, name: str) -> tuple[ActionInfo, ...]:
    svc = catalog.service(service)
    if svc is None:
        return ()
    if not has_wildcard(name):
        found = svc.action(name)
        return (found,) if found else ()
    regex = glob_regex(name)
    return tuple(info for info in svc.actions.values() if regex.match(info.name))


def resolve_actions(
    actions: tuple[Text, ...], findings: Findings, *, report: bool = True
) -> list[ResolvedAction]:
    """Each entry with the catalog actions it matches; report format problems and unknown names."""
    resolved: list[ResolvedAction] = []
    for text in actions:
        value = text.value
        if value == "*":
            resolved.append(ResolvedAction(text, "", True, (), True))
            continue
        if not _ACTION_FORMAT.match(value):
            if report:
                findings.error(
                    "INVALID_ACTION",
                    f"The action {value} is not valid: actions must be prefaced by a service prefix, for "
                    "example s3:GetObject.",
                    text.location,
                )
            continue
        prefix, _, name = value.partition(":")
        if has_wildcard(prefix):
            if report:
                findings.suggestion(
                    "WILDCARD_IN_SERVICE_NAME",
                    "Avoid using wildcards (*, ?) in the service name because it might grant unintended "
                    "access to other AWS services with similar names.",
                    text.location,
                )
            resolved.append(ResolvedAction(text, prefix.lower(), True, (), False))
            continue
        known = catalog.is_known_service(prefix)
        matches = _expand(prefix.lower(), name) if known else ()
        resolved.append(ResolvedAction(text, prefix.lower(), has_wildcard(name), matches, known))
        if report:
            _report_unknown(value, prefix, name, known, matches, text, findings)
    return resolved


def _report_unknown(
    value: str,
    prefix: str,
    name: str,
    known: bool,
    matches: tuple[ActionInfo, ...],
    text: Text,
    findings: Findings,
) -> None:
    if not known:
        service_hint = _close_service(prefix.lower())
        hint = f" Did you mean {service_hint}?" if service_hint else " Use a valid service name."
        findings.warning(
            "INVALID_SERVICE",
            f"The service {prefix} specified in the action does not exist.{hint}",
            text.location,
        )
        return
    if matches:
        return
    if has_wildcard(name):
        findings.warning(
            "INVALID_ACTION",
            f"The action {value} does not match any action of the service {prefix}.",
            text.location,
        )
        return
    close = _close_action(prefix.lower(), name)
    hint = f" Did you mean {prefix.lower()}:{close}?" if close else ""
    findings.warning("INVALID_ACTION", f"The action {value} does not exist.{hint}", text.location)


@functools.lru_cache(maxsize=1024)
def _close_service(prefix: str) -> str | None:
    close = difflib.get_close_matches(prefix, catalog.service_titles().keys(), n=1)
    return close[0] if close else None


@functools.lru_cache(maxsize=4096)
def _close_action(prefix: str, name: str) -> str | None:
    svc = catalog.service(prefix)
    names = [info.name for info in svc.actions.values()] if svc else []
    close = difflib.get_close_matches(name, names, n=1)
    return close[0] if close else None


def check_redundant_actions(resolved: list[ResolvedAction], findings: Findings) -> None:
    """An entry already covered by another entry of the same list (a duplicate, or matched by a wildcard)."""
    by_service: dict[str, list[ResolvedAction]] = {}
    for entry in resolved:
        if entry.wildcard:
            # "*" and wildcarded service prefixes may cover any service.
            key = entry.service if entry.service and not has_wildcard(entry.service) else "*"
            by_service.setdefault(key, []).append(entry)
    seen: set[str] = set()
    for entry in resolved:
        value = entry.text.value
        lowered = value.lower()
        covered_by = value if lowered in seen else None
        seen.add(lowered)
        if covered_by is None:
            candidates = [*by_service.get(entry.service, ()), *by_service.get("*", ())]
            covered_by = _covering(entry, candidates)
        if covered_by is not None:
            findings.suggestion(
                "REDUNDANT_ACTION",
                f"The action {value} is redundant because {covered_by} provides the same permissions. "
                f"Update the policy to remove the redundant action such as: {value}.",
                entry.text.location,
            )


def _covering(entry: ResolvedAction, wildcards: list[ResolvedAction]) -> str | None:
    value = entry.text.value
    for other in wildcards:
        other_value = other.text.value
        if other is entry or other_value.lower() == value.lower():
            continue
        # A wildcard entry is redundant only when the other is strictly broader.
        if glob_regex(other_value).match(value) and not (
            entry.wildcard and glob_regex(value).match(other_value)
        ):
            return other_value
    return None
