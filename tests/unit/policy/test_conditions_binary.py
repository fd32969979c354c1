"""The BinaryEquals condition operator, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
("compares the value of the specified key byte for byte against a base-64 encoded representation of the
binary value in the policy"; the context value is given base-64 encoded too, per the evaluation request spec).
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


QmluYXJ5 = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="  # the documentation's example value
CASES = [
    ("BinaryEquals", "key", QmluYXJ5, {"key": QmluYXJ5}, True),
    ("BinaryEquals", "key", QmluYXJ5, {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NQ=="}, False),
    ("BinaryEquals", "key", "AAEC", {"key": "AAEC"}, True),
    ("BinaryEquals", "key", "AAEC", {"key": "AAED"}, False),
    ("BinaryEquals", "key", ["AAED", "AAEC"], {"key": "AAEC"}, True),
    ("BinaryEquals", "key", "AAEC", {}, False),
    ("BinaryEquals", "key", "AAEC", {"key": "not base64!"}, False),
    ("BinaryEquals", "key", "not base64!", {"key": "not base64!"}, False),  # unreadable policy value
    ("BinaryEqualsIfExists", "key", "AAEC", {}, True),
    ("BinaryEqualsIfExists", "key", "AAEC", {"key": "AAED"}, False),
    ("binaryequals", "KEY", "AAEC", {"key": "AAEC"}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_binary_equals(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
