"""The condition operator registry: each family module registers its operators by name.

An :class:`Operator` knows only how one context value compares with one policy value, in the positive
sense. Negation, ``IfExists``, the ``ForAnyValue``/``ForAllValues`` qualifiers and missing keys are the
same for every family and live in :mod:`iamd.policy.conditions.clause`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iamd.policy.glob import Part

Prepared = Any  # a family's parsed form of one policy value
INVALID = object()  # prepare() result for a policy value the family cannot read

Matcher = Callable[[str], bool]


def _any_of(test: Callable[[str, Prepared], bool]) -> Callable[[tuple[Prepared, ...]], Matcher]:
    def build(prepared: tuple[Prepared, ...]) -> Matcher:
        return lambda value: any(test(value, p) for p in prepared)

    return build


@dataclass(frozen=True, slots=True)
class Operator:
    name: str  # canonical spelling, e.g. "StringNotLike"
    family: str  # "String", "Numeric", "Date", "Bool", "Binary", "IpAddress", "Arn", "Null"
    negated: bool  # True for the Not forms: the clause holds when the positive test fails
    prepare: Callable[[str], Prepared]  # policy value → prepared form, or INVALID
    test: Callable[[str, Prepared], bool]  # context value x prepared policy value → positive match
    build: Callable[[tuple[Prepared, ...]], Matcher]  # prepared values → "does any match this value?"
    wildcards: bool = False  # values may hold * and ? (StringLike, ArnLike)
    allows_if_exists: bool = True
    # For wildcard families: prepare a value from wildcard parts, where text substituted from a policy
    # variable is a literal part (a user named "*" matches only "*").
    prepare_parts: Callable[[list[Part]], Prepared] | None = None


_REGISTRY: dict[str, Operator] = {}


def register(
    name: str,
    family: str,
    *,
    negated: bool,
    prepare: Callable[[str], Prepared],
    test: Callable[[str, Prepared], bool],
    build: Callable[[tuple[Prepared, ...]], Matcher] | None = None,
    wildcards: bool = False,
    allows_if_exists: bool = True,
    prepare_parts: Callable[[list[Part]], Prepared] | None = None,
) -> Operator:
    op = Operator(
        name=name,
        family=family,
        negated=negated,
        prepare=prepare,
        test=test,
        build=build or _any_of(test),
        wildcards=wildcards,
        allows_if_exists=allows_if_exists,
        prepare_parts=prepare_parts,
    )
    _REGISTRY[name.lower()] = op
    return op


def lookup_operator(name: str) -> Operator | None:
    """The operator named ``name`` (without qualifier or IfExists), matched case-insensitively."""
    return _REGISTRY.get(name.lower())


def all_operators() -> list[Operator]:
    return list(_REGISTRY.values())
