"""Numeric operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric).

Integers and decimals compare by value. A context value that is not a number matches nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from iamd.policy.conditions.registry import INVALID, Prepared, register


def parse_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number


def _prepare(text: str) -> Prepared:
    number = parse_number(text)
    return INVALID if number is None else number


def _tester(compare: Callable[[Decimal, Decimal], bool]) -> Callable[[str, Prepared], bool]:
    def test(value: str, policy: Prepared) -> bool:
        if policy is INVALID:
            return False
        number = parse_number(value)
        return number is not None and compare(number, policy)

    return test


for _name, _compare, _negated in (
    ("NumericEquals", operator.eq, False),
    ("NumericNotEquals", operator.eq, True),
    ("NumericLessThan", operator.lt, False),
    ("NumericLessThanEquals", operator.le, False),
    ("NumericGreaterThan", operator.gt, False),
    ("NumericGreaterThanEquals", operator.ge, False),
):
    register(_name, "Numeric", negated=_negated, prepare=_prepare, test=_tester(_compare))
