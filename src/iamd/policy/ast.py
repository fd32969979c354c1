"""The typed, immutable model of a policy document, as written (nothing resolved or compiled yet).

Every element keeps its JSON path and source position so that validators and error messages can point at
it. Values are kept as AWS reads them: condition values become strings (``10`` → ``"10"``,
``true`` → ``"true"``), single strings become one-element tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from iamd.policy.jsonpos import JsonPath, Position

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


class Effect(Enum):
    ALLOW = "Allow"
    DENY = "Deny"


Qualifier = Literal["ForAnyValue", "ForAllValues"]
PrincipalKind = Literal["AWS", "Service", "Federated", "CanonicalUser"]


@dataclass(frozen=True, slots=True)
class Location:
    path: JsonPath
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """One string of a list element (an action, a resource, a principal), with where it stands."""

    value: str
    location: Location


@dataclass(frozen=True, slots=True)
class PrincipalEntry:
    kind: PrincipalKind
    value: str
    location: Location


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """``"Principal": "*"`` (``anyone`` with no entries) or a mapping of kinds to identifiers."""

    anyone: bool
    entries: tuple[PrincipalEntry, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One ``operator: {key: values}`` pair of a Condition block."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    base_operator: str  # as written without qualifier and IfExists, e.g. "StringLike"
    qualifier: Qualifier | None
    if_exists: bool
    key: str  # as written; matching is case-insensitive
    values: tuple[Text, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    sid: str | None
    effect: Effect
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    action: tuple[Text, ...] | None
    not_action: tuple[Text, ...] | None
    resource: tuple[Text, ...] | None
    not_resource: tuple[Text, ...] | None
    conditions: tuple[ConditionClause, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    statement_is_list: bool
    location: Location

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17; otherwise ``${...}`` is text."""
        return self.version == VERSION_2012
