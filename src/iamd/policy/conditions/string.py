"""String operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).

StringEquals/StringNotEquals are case-sensitive; the IgnoreCase forms fold case; StringLike/StringNotLike
take ``*`` and ``?`` wildcards (case-sensitive).
"""

from __future__ import annotations

from iamd.policy.conditions.registry import Matcher, Prepared, register
from iamd.policy.glob import Glob, Part


def _same(value: str, policy: Prepared) -> bool:
    return bool(value == policy)


def _build_equals(prepared: tuple[Prepared, ...]) -> Matcher:
    allowed = frozenset(prepared)
    return allowed.__contains__


def _same_folded(value: str, policy: Prepared) -> bool:
    return bool(value.casefold() == policy)


def _build_equals_folded(prepared: tuple[Prepared, ...]) -> Matcher:
    allowed = frozenset(prepared)
    return lambda value: value.casefold() in allowed


def _like(value: str, policy: Prepared) -> bool:
    assert isinstance(policy, Glob)
    return policy.match(value)


def _identity(text: str) -> str:
    return text


def _fold(text: str) -> str:
    return text.casefold()


def _glob(text: str) -> Glob:
    return Glob.compile(text)


def _glob_of_parts(parts: list[Part]) -> Glob:
    return Glob(parts)


for _name, _negated in (("StringEquals", False), ("StringNotEquals", True)):
    register(_name, "String", negated=_negated, prepare=_identity, test=_same, build=_build_equals)
for _name, _negated in (("StringEqualsIgnoreCase", False), ("StringNotEqualsIgnoreCase", True)):
    register(_name, "String", negated=_negated, prepare=_fold, test=_same_folded, build=_build_equals_folded)
for _name, _negated in (("StringLike", False), ("StringNotLike", True)):
    register(
        _name,
        "String",
        negated=_negated,
        prepare=_glob,
        test=_like,
        wildcards=True,
        prepare_parts=_glob_of_parts,
    )
