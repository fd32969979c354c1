"""The ForAllValues / ForAnyValue set qualifiers, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- ForAllValues: "returns true if every context key value in the request matches at least one context key
  value in the policy. It also returns true if there are no context keys in the request, or if the context
  key value resolves to a null data set, such as an empty string."
- ForAnyValue: "returns true if at least one context key value in the request matches at least one context
  key value in the policy"; with no key in the request it returns false.
- Negated operators under a qualifier apply per request value (ForAllValues:StringNotEquals holds when no
  request value is any policy value).
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
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": ["env"]}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": ["env", "team"]}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": ["env", "cost"]}, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": []}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env"], {"aws:TagKeys": "env"}, True),  # single value
    ("ForAllValues:StringLike", "aws:TagKeys", ["env*"], {"aws:TagKeys": ["env1", "env2"]}, True),
    ("ForAllValues:StringLike", "aws:TagKeys", ["env*"], {"aws:TagKeys": ["env1", "team"]}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": ["cost", "team"]}, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": ["cost"]}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": []}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"], {}, False),
    ("ForAnyValue:StringLike", "aws:TagKeys", ["t*"], {"aws:TagKeys": ["env", "team"]}, True),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["secret"], {"aws:TagKeys": ["env", "team"]}, True),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["secret"], {"aws:TagKeys": ["env", "secret"]}, False),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["secret"], {"aws:TagKeys": ["env", "secret"]}, True),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["secret"], {"aws:TagKeys": ["secret"]}, False),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["secret"], {}, False),
    ("ForAllValues:NumericLessThan", "k", "10", {"k": ["1", "2", "9"]}, True),
    ("ForAllValues:NumericLessThan", "k", "10", {"k": ["1", "20"]}, False),
    ("ForAnyValue:NumericGreaterThan", "k", "10", {"k": ["1", "20"]}, True),
    ("ForAnyValue:IpAddress", "k", "203.0.113.0/24", {"k": ["192.0.2.1", "203.0.113.9"]}, True),
    (
        "ForAllValues:ArnLike",
        "k",
        "arn:aws:iam::*:role/*",
        {"k": ["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"]},
        True,
    ),
    ("ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", ["ENV"], {"aws:TagKeys": ["env", "Env"]}, True),
    ("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["env"], {}, True),
    ("ForAllValues:StringEqualsIfExists", "aws:TagKeys", ["env"], {"aws:TagKeys": ["x"]}, False),
    ("foranyvalue:stringequals", "AWS:TAGKEYS", ["env"], {"aws:tagkeys": ["env"]}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_set_qualifiers(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
