"""Validator fuzzing: any text, and any structurally plausible policy, gives a list of findings, never an
exception (IAM answers malformed input with MalformedPolicyDocument, never a server error:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html#API_CreatePolicy_Errors).
Derandomized, no example database, a generous deadline for a loaded 2-core machine."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamd.errors import IamdError
from iamd.policy.validate import POLICY_TYPES, PolicyType, validate_for_iam, validate_policy

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = [
    "*",
    "s3:GetObject",
    "s3:Get*",
    "iam:PassRole",
    "sts:AssumeRole",
    "ec2:*",
    "s4:Nope",
    "GetObject",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:iam::*:role/*",
    "arn:aws-moon:S3::1:x",
    "arn:",
    "${aws:username}",
    "${",
    "${}",
    "111122223333",
    "AROAEXAMPLEEXAMPLE12",
    "ec2.amazonaws.com",
    "accounts.google.com",
    "2020-01-01",
    "20200101",
    "203.0.113.5/24",
    "::1/200",
    "true",
    "maybe",
    "",
]
KEYS = [
    "aws:username",
    "aws:TagKeys",
    "aws:SourceIp",
    "aws:CurrentTime",
    "s3:prefix",
    "aws:RequestTag/",
    "nokey",
]
OPERATORS = [
    "StringEquals",
    "StringLike",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "BinaryEquals",
    "ArnLike",
    "Null",
    "StringEqualsIfExists",
]
strings = st.sampled_from(WORDS) | st.text(max_size=12)
values = strings | st.lists(strings, max_size=4)
conditions = st.dictionaries(
    st.sampled_from(OPERATORS),
    st.dictionaries(st.sampled_from(KEYS), values | st.integers() | st.booleans(), max_size=3),
    max_size=3,
)
principals = st.just("*") | st.dictionaries(
    st.sampled_from(["AWS", "Service", "Federated"]), values, max_size=3
)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    statement[draw(st.sampled_from(["Action", "NotAction"]))] = draw(values)
    if draw(st.booleans()):
        statement[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(values)
    if draw(st.booleans()):
        statement[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = draw(principals)
    if draw(st.booleans()):
        statement["Condition"] = draw(conditions)
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["A", "B", "a-b", ""]))
    return statement


documents = st.fixed_dictionaries(
    {"Statement": st.lists(statements(), max_size=4)},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"])},
)


@FUZZ
@given(documents, st.sampled_from(POLICY_TYPES))
def test_plausible_policies_give_findings_never_exceptions(
    document: dict[str, Any], policy_type: PolicyType
) -> None:
    text = json.dumps(document, indent=1)
    findings = validate_policy(text, policy_type)
    assert all(f.path is not None and f.finding_type for f in findings)
    with contextlib.suppress(IamdError):  # MalformedPolicyDocument or LimitExceeded: IAM's answers
        validate_for_iam(text, policy_type)


@FUZZ
@given(st.text(max_size=60) | st.sampled_from(['{"Statement": ', "[]", "1", '{"Version": "2012-10-17"}']))
def test_text_that_is_not_a_policy_object_gives_one_error(text: str) -> None:
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    findings = validate_policy(text)
    if not isinstance(parsed, dict):
        assert [f.finding_type for f in findings] == ["ERROR"]
