"""ARN condition operators, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
(ArnEquals, ArnLike, ArnNotEquals, ArnNotLike: case-sensitive matching of the ARN; "Each of the six
colon-delimited components of the ARN is checked separately and each can include multi-character match
wildcards (*) or single-character match wildcards (?)"). Example key aws:SourceArn:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
Variables stay literal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
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


TOPIC = "arn:aws:sns:us-east-1:123456789012:my-topic"
ROLE = "arn:aws:iam::123456789012:role/admin"
CASES = [
    ("ArnEquals", "aws:SourceArn", TOPIC, {"aws:SourceArn": TOPIC}, True),
    ("ArnEquals", "aws:SourceArn", TOPIC, {"aws:SourceArn": TOPIC.upper()}, False),  # case-sensitive
    ("ArnEquals", "aws:SourceArn", TOPIC, {"aws:SourceArn": TOPIC + "2"}, False),
    ("ArnEquals", "aws:SourceArn", "arn:aws:sns:*:123456789012:my-topic", {"aws:SourceArn": TOPIC}, True),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:*", {"aws:SourceArn": TOPIC}, True),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:*:my-topic", {"aws:SourceArn": TOPIC}, True),
    (
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:sns:us-east-?:123456789012:my-topic",
        {"aws:SourceArn": TOPIC},
        True,
    ),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-west-2:123456789012:*", {"aws:SourceArn": TOPIC}, False),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", {"aws:SourceArn": "arn:aws:s3:::bucket/a/b"}, True),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", {"aws:SourceArn": "arn:aws:s3:::bucket/a:b"}, True),
    # A * inside one component does not reach across the colons that separate components.
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:my-topic", {"aws:SourceArn": TOPIC}, False),
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/*", {"aws:PrincipalArn": ROLE}, True),
    (
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::*:role/*",
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/x"},
        False,
    ),
    ("ArnLike", "aws:SourceArn", "*", {"aws:SourceArn": TOPIC}, True),
    (
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:sns:us-east-1:123456789012:*",
        {"aws:SourceArn": "not-an-arn"},
        False,
    ),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:*", {}, False),
    ("ArnLike", "aws:SourceArn", ["arn:aws:sqs:*:*:*", "arn:aws:sns:*:*:*"], {"aws:SourceArn": TOPIC}, True),
    ("ArnNotEquals", "aws:SourceArn", TOPIC, {"aws:SourceArn": TOPIC}, False),
    ("ArnNotEquals", "aws:SourceArn", TOPIC, {"aws:SourceArn": TOPIC + "2"}, True),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:*", {"aws:SourceArn": TOPIC}, False),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sqs:*:*:*", {"aws:SourceArn": TOPIC}, True),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sqs:*:*:*", {}, True),
    ("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sqs:*:*:*", {}, True),
    ("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sqs:*:*:*", {"aws:SourceArn": TOPIC}, False),
    ("arnlike", "AWS:SOURCEARN", "arn:aws:sns:*:*:*", {"aws:sourcearn": TOPIC}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_arn_operators(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected


VARIABLES = [
    (
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "alice",
        "arn:aws:iam::123456789012:user/alice",
        True,
    ),
    (
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "alice",
        "arn:aws:iam::123456789012:user/bob",
        False,
    ),
    # A substituted value is literal: a user name "*" must not turn the pattern into a wildcard.
    (
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "*",
        "arn:aws:iam::123456789012:user/bob",
        False,
    ),
    (
        "ArnEquals",
        "aws:PrincipalArn",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "b?b",
        "arn:aws:iam::123456789012:user/bob",
        False,
    ),
]


@pytest.mark.parametrize(("operator", "key", "pattern", "username", "arn", "expected"), VARIABLES)
def test_arn_values_with_variables(
    operator: str, key: str, pattern: str, username: str, arn: str, expected: bool
) -> None:
    assert holds(operator, key, pattern, {key: arn, "aws:username": username}) is expected
