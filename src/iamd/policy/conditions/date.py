"""Date operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date).

Both sides may be ISO 8601 (``2020-06-01T00:00:00Z``, ``2020-06-01``, with fractions or offsets) or epoch
seconds; they compare as instants. A value that is neither matches nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import UTC, datetime

from iamd.policy.conditions.registry import INVALID, Prepared, register


def parse_instant(text: str) -> float | None:
    """Seconds since the epoch for an ISO 8601 date/time or an epoch number; None if neither."""
    text = text.strip()
    if not text:
        return None
    if text.lstrip("-").replace(".", "", 1).isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _prepare(text: str) -> Prepared:
    instant = parse_instant(text)
    return INVALID if instant is None else instant


def _tester(compare: Callable[[float, float], bool]) -> Callable[[str, Prepared], bool]:
    def test(value: str, policy: Prepared) -> bool:
        if policy is INVALID:
            return False
        instant = parse_instant(value)
        return instant is not None and compare(instant, policy)

    return test


for _name, _compare, _negated in (
    ("DateEquals", operator.eq, False),
    ("DateNotEquals", operator.eq, True),
    ("DateLessThan", operator.lt, False),
    ("DateLessThanEquals", operator.le, False),
    ("DateGreaterThan", operator.gt, False),
    ("DateGreaterThanEquals", operator.ge, False),
):
    register(_name, "Date", negated=_negated, prepare=_prepare, test=_tester(_compare))
