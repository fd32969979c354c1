"""Date condition operators, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
("You must use one of the W3C implementations of the ISO 8601 date formats or use epoch (UNIX) time";
DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals).
Example key aws:CurrentTime / aws:EpochTime:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-currenttime
"""

from __future__ import annotations

import pytest

from iamd.policy import parse_policy
from iamd.policy.conditions.clause import compile_clause
from iamd.policy.request import Principal, Request

PRINCIPAL = Principal("user", "arn:aws:iam::111122223333:user/alice", "111122223333")

Context = dict[str, str | list[str]]


def holds(
    operator: str, key: str, values: object, context: Context, *, version: str | None = "2012-10-17"
) -> bool:
    """Parse a one-clause Condition and run its compiled predicate against ``context``."""
    document: dict[str, object] = {
        "Statement": {"Effect": "Allow", "Action": "*", "Condition": {operator: {key: values}}},
    }
    if version is not None:
        document["Version"] = version
    parsed = parse_policy(document)
    predicate = compile_clause(parsed.statements[0].conditions[0], variables_enabled=parsed.variables_enabled)
    # Request.build lower-cases key names: condition key names match case-insensitively.
    values_as_given = {k: v if isinstance(v, str) else tuple(v) for k, v in context.items()}
    return predicate(Request.build(PRINCIPAL, "s3:GetObject", "*", None, values_as_given).context)


NOON = "2020-06-01T12:00:00Z"
NOON_EPOCH = "1591012800"
CASES = [
    ("DateEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON}, True),
    ("DateEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON_EPOCH}, True),  # ISO vs epoch
    ("DateEquals", "aws:EpochTime", NOON_EPOCH, {"aws:EpochTime": NOON}, True),
    (
        "DateEquals",
        "aws:CurrentTime",
        NOON,
        {"aws:CurrentTime": "2020-06-01T14:00:00+02:00"},
        True,
    ),  # offsets
    ("DateEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-06-01T12:00:00.000Z"}, True),
    ("DateEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-06-01T12:00:01Z"}, False),
    ("DateEquals", "aws:CurrentTime", "2020-06-01", {"aws:CurrentTime": "2020-06-01T00:00:00Z"}, True),
    ("DateEquals", "aws:CurrentTime", NOON, {}, False),
    ("DateEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "yesterday"}, False),
    ("DateEquals", "aws:CurrentTime", "not a date", {"aws:CurrentTime": NOON}, False),
    ("DateNotEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2021-01-01T00:00:00Z"}, True),
    ("DateNotEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON_EPOCH}, False),
    ("DateNotEquals", "aws:CurrentTime", NOON, {}, True),
    ("DateLessThan", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-06-01T11:59:59Z"}, True),
    ("DateLessThan", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON}, False),
    ("DateLessThan", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2019-12-31"}, True),
    ("DateLessThanEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON}, True),
    ("DateLessThanEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-06-01T12:00:01Z"}, False),
    ("DateGreaterThan", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-06-01T12:00:01Z"}, True),
    ("DateGreaterThan", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON}, False),
    ("DateGreaterThan", "aws:EpochTime", 1591012800, {"aws:EpochTime": "1591012801"}, True),  # JSON number
    ("DateGreaterThanEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": NOON}, True),
    ("DateGreaterThanEquals", "aws:CurrentTime", NOON, {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, False),
    # aws:TokenIssueTime with DateGreaterThan, the documented "credentials issued after" pattern.
    ("DateGreaterThan", "aws:TokenIssueTime", "2020-06-01T00:00:00Z", {"aws:TokenIssueTime": NOON}, True),
    ("DateLessThanIfExists", "aws:TokenIssueTime", NOON, {}, True),
    (
        "DateLessThanIfExists",
        "aws:TokenIssueTime",
        NOON,
        {"aws:TokenIssueTime": "2030-01-01T00:00:00Z"},
        False,
    ),
    (
        "DateLessThan",
        "aws:CurrentTime",
        ["2000-01-01T00:00:00Z", "2030-01-01T00:00:00Z"],
        {"aws:CurrentTime": NOON},
        True,
    ),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_date_operators(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
