"""The Bool condition operator, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
(Bool with "true"/"false", e.g. aws:SecureTransport; a Boolean may be written as a JSON Boolean or a
string), and the aws:MultiFactorAuthPresent guidance ("use BoolIfExists ... the key is not present" for
long-term credentials):
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
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
    ("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "true"}, True),
    ("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "false"}, False),
    ("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "true"}, True),  # JSON Boolean
    ("Bool", "aws:SecureTransport", False, {"aws:SecureTransport": "false"}, True),
    ("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": "true"}, False),
    ("Bool", "aws:SecureTransport", "True", {"aws:SecureTransport": "true"}, True),
    ("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "TRUE"}, True),
    ("Bool", "aws:SecureTransport", "true", {}, False),
    ("Bool", "aws:SecureTransport", "false", {}, False),  # missing is not false
    ("Bool", "aws:SecureTransport", "yes", {"aws:SecureTransport": "true"}, False),
    ("Bool", "aws:SecureTransport", ["true", "false"], {"aws:SecureTransport": "false"}, True),
    # The documented MFA pattern: Deny when BoolIfExists aws:MultiFactorAuthPresent is false.
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", {}, True),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", {"aws:MultiFactorAuthPresent": "false"}, True),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", {"aws:MultiFactorAuthPresent": "true"}, False),
    ("bool", "AWS:SECURETRANSPORT", "true", {"aws:securetransport": "true"}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_bool_operator(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
