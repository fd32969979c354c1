"""Numeric condition operators, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
(NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan,
NumericGreaterThanEquals; the policy value may be a JSON number or a string; a missing key makes the
positive operators false and NumericNotEquals true; IfExists holds when the key is missing).
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


CASES = [
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, True),
    ("NumericEquals", "s3:max-keys", 10, {"s3:max-keys": "10"}, True),  # a JSON number works the same
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "10.0"}, True),  # compared by value
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "11"}, False),
    ("NumericEquals", "s3:max-keys", ["5", "10"], {"s3:max-keys": "5"}, True),
    ("NumericEquals", "s3:max-keys", "10", {}, False),
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "ten"}, False),  # not a number: no match
    ("NumericEquals", "s3:max-keys", "ten", {"s3:max-keys": "10"}, False),  # bad policy value: no match
    ("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "11"}, True),
    ("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, False),
    ("NumericNotEquals", "s3:max-keys", ["10", "11"], {"s3:max-keys": "11"}, False),
    ("NumericNotEquals", "s3:max-keys", "10", {}, True),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "9"}, True),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "10"}, False),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "-3"}, True),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "9.99"}, True),
    ("NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, True),
    ("NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "11"}, False),
    ("NumericGreaterThan", "s3:max-keys", "10", {"s3:max-keys": "11"}, True),
    ("NumericGreaterThan", "s3:max-keys", "10", {"s3:max-keys": "10"}, False),
    ("NumericGreaterThan", "s3:max-keys", "1.5", {"s3:max-keys": "2"}, True),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, True),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", {"s3:max-keys": "9"}, False),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", {}, False),
    # Numbers beyond 64 bits still compare exactly.
    ("NumericLessThan", "k", "18446744073709551617", {"k": "18446744073709551616"}, True),
    ("NumericLessThanIfExists", "s3:max-keys", "10", {}, True),
    ("NumericLessThanIfExists", "s3:max-keys", "10", {"s3:max-keys": "20"}, False),
    ("numericlessthan", "s3:max-keys", "10", {"S3:Max-Keys": "1"}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_numeric_operators(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
