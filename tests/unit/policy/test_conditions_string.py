"""String condition operators, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
(StringEquals/StringNotEquals case-sensitive; the IgnoreCase forms ignore case; StringLike/StringNotLike take
multi-character ``*`` and single-character ``?`` wildcards anywhere in the string; several values for one key
are ORed; IfExists: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists;
a missing key makes a positive operator false and a negated one true). Variables:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
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
    # operator, key, policy values, context, expected
    ("StringEquals", "aws:username", "alice", {"aws:username": "alice"}, True),
    ("StringEquals", "aws:username", "alice", {"aws:username": "Alice"}, False),  # case-sensitive
    ("StringEquals", "aws:username", "alice", {"aws:username": "alice "}, False),
    ("StringEquals", "aws:username", ["bob", "alice"], {"aws:username": "alice"}, True),  # values ORed
    ("StringEquals", "aws:username", "alice", {}, False),  # missing key: positive operator fails
    ("StringEquals", "AWS:UserName", "alice", {"aws:username": "alice"}, True),  # key names fold case
    ("StringEquals", "aws:username", "alice", {"AWS:USERNAME": "alice"}, True),
    ("StringEquals", "aws:username", "a*", {"aws:username": "alice"}, False),  # no wildcards in Equals
    ("StringEquals", "aws:username", "a*", {"aws:username": "a*"}, True),
    ("StringEquals", "s3:max-keys", 10, {"s3:max-keys": "10"}, True),  # a JSON number is its text
    ("StringNotEquals", "aws:username", "alice", {"aws:username": "bob"}, True),
    ("StringNotEquals", "aws:username", "alice", {"aws:username": "alice"}, False),
    ("StringNotEquals", "aws:username", ["alice", "bob"], {"aws:username": "bob"}, False),  # matches none
    ("StringNotEquals", "aws:username", "alice", {}, True),  # missing key: negated operator holds
    ("StringEqualsIgnoreCase", "aws:username", "ALICE", {"aws:username": "alice"}, True),
    ("StringEqualsIgnoreCase", "aws:username", "alice", {"aws:username": "AlIcE"}, True),
    ("StringEqualsIgnoreCase", "aws:username", "alice", {"aws:username": "bob"}, False),
    ("StringNotEqualsIgnoreCase", "aws:username", "ALICE", {"aws:username": "alice"}, False),
    ("StringNotEqualsIgnoreCase", "aws:username", "ALICE", {"aws:username": "bob"}, True),
    ("StringNotEqualsIgnoreCase", "aws:username", "ALICE", {}, True),
    ("StringLike", "s3:prefix", "home/*", {"s3:prefix": "home/alice/x"}, True),
    ("StringLike", "s3:prefix", "home/*", {"s3:prefix": "home/"}, True),
    ("StringLike", "s3:prefix", "home/*", {"s3:prefix": "Home/alice"}, False),  # case-sensitive
    ("StringLike", "s3:prefix", "home/?", {"s3:prefix": "home/a"}, True),
    ("StringLike", "s3:prefix", "home/?", {"s3:prefix": "home/ab"}, False),
    ("StringLike", "s3:prefix", ["", "home/*"], {"s3:prefix": ""}, True),
    ("StringLike", "s3:prefix", "*", {}, False),  # even "*" needs the key
    ("StringLike", "aws:PrincipalTag/job", "*engineer*", {"aws:PrincipalTag/job": "data-engineer-2"}, True),
    ("StringNotLike", "s3:prefix", "home/*", {"s3:prefix": "public/x"}, True),
    ("StringNotLike", "s3:prefix", "home/*", {"s3:prefix": "home/x"}, False),
    ("StringNotLike", "s3:prefix", ["home/*", "public/*"], {"s3:prefix": "public/x"}, False),
    ("StringNotLike", "s3:prefix", "home/*", {}, True),
    # IfExists: a key that is not present makes the condition true (IfExists section).
    ("StringEqualsIfExists", "ec2:InstanceType", "t2.micro", {}, True),
    ("StringEqualsIfExists", "ec2:InstanceType", "t2.micro", {"ec2:InstanceType": "t2.micro"}, True),
    ("StringEqualsIfExists", "ec2:InstanceType", "t2.micro", {"ec2:InstanceType": "m5.large"}, False),
    ("StringNotEqualsIfExists", "ec2:InstanceType", "t2.micro", {"ec2:InstanceType": "t2.micro"}, False),
    ("StringNotEqualsIfExists", "ec2:InstanceType", "t2.micro", {}, True),
    ("StringLikeIfExists", "ec2:InstanceType", "t2.*", {"ec2:InstanceType": "t2.nano"}, True),
    ("StringLikeIfExists", "ec2:InstanceType", "t2.*", {"ec2:InstanceType": "m5.large"}, False),
    # Operator names are case-insensitive.
    ("stringequals", "aws:username", "alice", {"aws:username": "alice"}, True),
    ("STRINGLIKEIFEXISTS", "s3:prefix", "a*", {}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_string_operators(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected


# A single-valued operator on a multivalued key: a positive operator holds when any value matches.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
MULTIVALUED = [
    ("StringEquals", "aws:TagKeys", "team", {"aws:TagKeys": ["env", "team"]}, True),
    ("StringEquals", "aws:TagKeys", "team", {"aws:TagKeys": ["env"]}, False),
    ("StringEquals", "aws:TagKeys", "team", {"aws:TagKeys": []}, False),
    ("StringLike", "aws:TagKeys", "t*", {"aws:TagKeys": ["env", "team"]}, True),
    ("StringNotEquals", "aws:TagKeys", "team", {"aws:TagKeys": ["env", "team"]}, False),
    ("StringNotEquals", "aws:TagKeys", "team", {"aws:TagKeys": ["env"]}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), MULTIVALUED)
def test_string_operators_on_multivalued_keys(
    operator: str, key: str, values: object, context: Context, expected: bool
) -> None:
    assert holds(operator, key, values, context) is expected


# Policy variables in condition values (variables page): replaced by the request's value, literal when
# the policy has no Version 2012-10-17, and a missing key without a default matches nothing.
VARIABLES = [
    (
        "StringEquals",
        "s3:prefix",
        "home/${aws:username}",
        {"s3:prefix": "home/alice", "aws:username": "alice"},
        True,
    ),
    (
        "StringEquals",
        "s3:prefix",
        "home/${aws:username}",
        {"s3:prefix": "home/bob", "aws:username": "alice"},
        False,
    ),
    ("StringEquals", "s3:prefix", "home/${aws:username}", {"s3:prefix": "home/"}, False),
    ("StringEquals", "s3:prefix", "home/${aws:username, 'guest'}", {"s3:prefix": "home/guest"}, True),
    (
        "StringLike",
        "s3:prefix",
        "home/${aws:username}/*",
        {"s3:prefix": "home/alice/a", "aws:username": "alice"},
        True,
    ),
    # A substituted value is literal text: a user named "*" does not match everyone's prefix.
    (
        "StringLike",
        "s3:prefix",
        "home/${aws:username}/*",
        {"s3:prefix": "home/bob/a", "aws:username": "*"},
        False,
    ),
    (
        "StringLike",
        "s3:prefix",
        "home/${aws:username}/*",
        {"s3:prefix": "home/*/a", "aws:username": "*"},
        True,
    ),
    ("StringLike", "s3:prefix", "${*}", {"s3:prefix": "*"}, True),
    ("StringLike", "s3:prefix", "${*}", {"s3:prefix": "x"}, False),
    ("StringEquals", "s3:prefix", "${$}{x}", {"s3:prefix": "${x}"}, True),
    (
        "StringEqualsIgnoreCase",
        "s3:prefix",
        "HOME/${aws:username}",
        {"s3:prefix": "home/ALICE", "aws:username": "alice"},
        True,
    ),
    (
        "StringEquals",
        "aws:ResourceTag/owner",
        "${aws:PrincipalTag/owner}",
        {"aws:ResourceTag/owner": "x", "aws:PrincipalTag/owner": "x"},
        True,
    ),
    (
        "StringEquals",
        "aws:ResourceTag/owner",
        "${aws:PrincipalTag/owner}",
        {"aws:ResourceTag/owner": "x", "aws:PrincipalTag/owner": "y"},
        False,
    ),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), VARIABLES)
def test_policy_variables_in_string_values(
    operator: str, key: str, values: object, context: Context, expected: bool
) -> None:
    assert holds(operator, key, values, context) is expected


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_literal_without_version_2012(version: str | None) -> None:
    context: Context = {"s3:prefix": "${aws:username}", "aws:username": "alice"}
    assert holds("StringEquals", "s3:prefix", "${aws:username}", context, version=version)
    assert not holds(
        "StringEquals",
        "s3:prefix",
        "${aws:username}",
        {"s3:prefix": "alice", "aws:username": "alice"},
        version=version,
    )
