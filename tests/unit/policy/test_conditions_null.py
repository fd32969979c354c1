"""The Null condition operator, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
("Use a Null condition operator to check if a condition key is absent at the time of authorization. In
the policy statement, use either true (the key doesn't exist — it is null) or false (the key exists and
its value is not null)").
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
    ("Null", "aws:TokenIssueTime", "true", {}, True),
    ("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2020-06-01T00:00:00Z"}, False),
    ("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "2020-06-01T00:00:00Z"}, True),
    ("Null", "aws:TokenIssueTime", "false", {}, False),
    ("Null", "aws:TokenIssueTime", True, {}, True),  # JSON Boolean
    ("Null", "aws:TokenIssueTime", False, {"aws:TokenIssueTime": "x"}, True),
    ("Null", "AWS:TOKENISSUETIME", "true", {"aws:tokenissuetime": "x"}, False),  # key names fold case
    ("Null", "aws:TagKeys", "false", {"aws:TagKeys": ["a"]}, True),
    ("Null", "aws:ResourceTag/env", "true", {"aws:ResourceTag/team": "x"}, True),
    ("Null", "aws:TokenIssueTime", "maybe", {}, False),  # neither true nor false: never holds
    ("null", "aws:TokenIssueTime", "TRUE", {}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_null_operator(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
