"""Condition findings: keys, operators against key types, qualifiers, values; one row per case.

AA = https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
OPS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamd.policy.validate import PolicyType, validate_policy

AA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
OPS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
MULTI = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html"
)
VARS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
SAR_S3 = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"


def cond(
    condition: dict[str, Any],
    action: Any = "s3:GetObject",
    resource: Any = "arn:aws:s3:::bucket/*",
    version: str = "2012-10-17",
) -> str:
    body = {"Effect": "Allow", "Action": action, "Resource": resource, "Condition": condition}
    return json.dumps({"Version": version, "Statement": [body]})


def trust(condition: dict[str, Any], federated: str) -> str:
    body = {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


P = "Statement[0].Condition"
# (id, source, document, policy type, expected (type, code, path) or None, code that must then be absent)
CASES: list[tuple[str, str, str, PolicyType, tuple[str, str, str] | None, str]] = [
    (
        "NumericEquals with a date",
        OPS,
        cond({"NumericLessThan": {"s3:max-keys": "2020-01-01T00:00:00Z"}}, "s3:ListBucket", "arn:aws:s3:::b"),
        "identity",
        ("WARNING", "TYPE_MISMATCH_NUMBER", f"{P}.NumericLessThan.s3:max-keys"),
        "",
    ),
    (
        "Date operator with a non-date",
        OPS,
        cond({"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH_DATE", f"{P}.DateGreaterThan.aws:CurrentTime"),
        "",
    ),
    (
        "Date operator with ISO date",
        OPS,
        cond({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}),
        "identity",
        None,
        "TYPE_MISMATCH_DATE",
    ),
    (
        "Numeric operator on a Date key",
        KEYS,
        cond({"NumericLessThan": {"aws:CurrentTime": "100"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH", f"{P}.NumericLessThan.aws:CurrentTime"),
        "",
    ),
    (
        "aws:EpochTime takes Numeric operators",
        KEYS,
        cond({"NumericLessThan": {"aws:EpochTime": "100"}}),
        "identity",
        None,
        "TYPE_MISMATCH",
    ),
    (
        "String operator on an IP key",
        KEYS,
        cond({"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH", f"{P}.StringEquals.aws:SourceIp"),
        "",
    ),
    (
        "String operator on an ARN key",
        KEYS,
        cond({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}),
        "identity",
        None,
        "TYPE_MISMATCH",
    ),
    (
        "several upper bounds",
        AA,
        cond({"NumericLessThan": {"s3:max-keys": ["10", "20"]}}, "s3:ListBucket", "arn:aws:s3:::b"),
        "identity",
        ("SUGGESTION", "REDUNDANT_CONDITION_VALUE_NUM", f"{P}.NumericLessThan.s3:max-keys"),
        "",
    ),
    (
        "several exact numbers",
        OPS,
        cond({"NumericEquals": {"s3:max-keys": ["10", "20"]}}, "s3:ListBucket", "arn:aws:s3:::b"),
        "identity",
        None,
        "REDUNDANT_CONDITION_VALUE_NUM",
    ),
    (
        "Bool with a non-boolean",
        OPS,
        cond({"Bool": {"aws:SecureTransport": "yes"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH_BOOLEAN", f"{P}.Bool.aws:SecureTransport"),
        "",
    ),
    (
        "Bool with two values",
        AA,
        cond({"Bool": {"aws:SecureTransport": ["true", "false"]}}),
        "identity",
        ("ERROR", "INVALID_CONDITION_MULTIPLE_BOOLEAN", f"{P}.Bool.aws:SecureTransport"),
        "",
    ),
    (
        "IpAddress with a bad CIDR",
        OPS,
        cond({"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH_IP_RANGE", f"{P}.IpAddress.aws:SourceIp"),
        "",
    ),
    (
        "IpAddress with host bits set",
        AA,
        cond({"IpAddress": {"aws:SourceIp": "203.0.113.5/24"}}),
        "identity",
        ("SUGGESTION", "IMPROVE_IP_RANGE", f"{P}.IpAddress.aws:SourceIp"),
        "",
    ),
    (
        "IPv6 CIDR",
        OPS,
        cond({"IpAddress": {"aws:SourceIp": ["2001:db8::/32", "203.0.113.0/24"]}}),
        "identity",
        None,
        "TYPE_MISMATCH_IP_RANGE",
    ),
    (
        "BinaryEquals with non-base64 text",
        OPS,
        cond({"BinaryEquals": {"s3:x-amz-content-sha256": "not base64!"}}),
        "identity",
        ("WARNING", "TYPE_MISMATCH_STRING", f"{P}.BinaryEquals.s3:x-amz-content-sha256"),
        "",
    ),
    (
        "aws:SourceIp with only private ranges",
        KEYS,
        cond({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}),
        "identity",
        ("ERROR", "PRIVATE_IP_ADDRESS", f"{P}.IpAddress.aws:SourceIp"),
        "",
    ),
    (
        "aws:SourceIp NotIpAddress with only private ranges",
        KEYS,
        cond({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        "identity",
        ("ERROR", "PRIVATE_NOT_IP_ADDRESS", f"{P}.NotIpAddress.aws:SourceIp"),
        "",
    ),
    (
        "aws:SourceIp with private and public ranges",
        KEYS,
        cond({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}),
        "identity",
        ("SUGGESTION", "PRIVATE_IP_ADDRESS_SUBSET", f"{P}.IpAddress.aws:SourceIp"),
        "",
    ),
    (
        "aws:VpcSourceIp takes private ranges",
        KEYS,
        cond({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}),
        "identity",
        None,
        "PRIVATE_IP_ADDRESS",
    ),
    (
        "malformed VPC id",
        AA,
        cond({"StringEquals": {"aws:SourceVpc": "vpc-123"}}),
        "identity",
        ("ERROR", "INVALID_VPC_FORMAT", f"{P}.StringEquals.aws:SourceVpc"),
        "",
    ),
    (
        "VPC id of 17 characters",
        AA,
        cond({"StringEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}}),
        "identity",
        None,
        "INVALID_VPC_FORMAT",
    ),
    (
        "malformed VPC endpoint id",
        AA,
        cond({"StringEquals": {"aws:SourceVpce": "vpc-1a2b3c4d"}}),
        "identity",
        ("ERROR", "INVALID_VPCE_FORMAT", f"{P}.StringEquals.aws:SourceVpce"),
        "",
    ),
    (
        "wildcard with StringEquals",
        AA,
        cond({"StringEquals": {"aws:PrincipalTag/team": "dev*"}}),
        "identity",
        ("WARNING", "WILDCARD_WITHOUT_LIKE_OPERATOR", f"{P}.StringEquals.aws:PrincipalTag/team"),
        "",
    ),
    (
        "wildcard with StringLike",
        OPS,
        cond({"StringLike": {"aws:PrincipalTag/team": "dev*"}}),
        "identity",
        None,
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
    ),
    (
        "multivalued key without qualifier",
        MULTI,
        cond({"StringEquals": {"aws:TagKeys": "team"}}),
        "identity",
        ("WARNING", "MISSING_QUALIFIER", f"{P}.StringEquals.aws:TagKeys"),
        "",
    ),
    (
        "multivalued key with ForAllValues",
        MULTI,
        cond({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}),
        "identity",
        None,
        "MISSING_QUALIFIER",
    ),
    (
        "ForAllValues on a single-valued key",
        MULTI,
        cond({"ForAllValues:StringEquals": {"aws:username": "alice"}}),
        "identity",
        (
            "SECURITY_WARNING",
            "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            f"{P}.ForAllValues:StringEquals.aws:username",
        ),
        "",
    ),
    (
        "ForAnyValue on a single-valued key",
        MULTI,
        cond({"ForAnyValue:StringEquals": {"aws:username": "alice"}}),
        "identity",
        ("WARNING", "FORANYVALUE_WITH_SINGLE_VALUED_KEY", f"{P}.ForAnyValue:StringEquals.aws:username"),
        "",
    ),
    (
        "Null with IfExists",
        AA,
        cond({"NullIfExists": {"aws:username": "true"}}),
        "identity",
        # The parser refuses the operator outright (AA names this NULL_WITH_IF_EXISTS).
        ("ERROR", "INVALID_CONDITION_OPERATOR", f"{P}.NullIfExists"),
        "",
    ),
    (
        "Null with a qualifier",
        AA,
        cond({"ForAllValues:Null": {"aws:TagKeys": "true"}}),
        "identity",
        ("SUGGESTION", "NULL_WITH_QUALIFIER", f"{P}.ForAllValues:Null.aws:TagKeys"),
        "",
    ),
    (
        "empty value list",
        AA,
        cond({"StringEquals": {"aws:username": []}}),
        "identity",
        ("SUGGESTION", "EMPTY_ARRAY_CONDITION", f"{P}.StringEquals.aws:username"),
        "",
    ),
    (
        "empty value list with ForAllValues",
        AA,
        cond({"ForAllValues:StringEquals": {"aws:TagKeys": []}}),
        "identity",
        ("SUGGESTION", "EMPTY_ARRAY_CONDITION_FORALLVALUES", f"{P}.ForAllValues:StringEquals.aws:TagKeys"),
        "",
    ),
    (
        "empty value list with ForAnyValue",
        AA,
        cond({"ForAnyValue:StringEquals": {"aws:TagKeys": []}}),
        "identity",
        ("SUGGESTION", "EMPTY_ARRAY_CONDITION_FORANYVALUE", f"{P}.ForAnyValue:StringEquals.aws:TagKeys"),
        "",
    ),
    (
        "empty value list with IfExists",
        AA,
        cond({"StringEqualsIfExists": {"aws:username": []}}),
        "identity",
        ("SUGGESTION", "EMPTY_ARRAY_CONDITION_IFEXISTS", f"{P}.StringEqualsIfExists.aws:username"),
        "",
    ),
    (
        "condition key without a service prefix",
        AA,
        cond({"StringEquals": {"username": "alice"}}),
        "identity",
        ("ERROR", "INVALID_CONDITION_KEY_FORMAT", f"{P}.StringEquals.username"),
        "",
    ),
    (
        "unknown global key",
        AA,
        cond({"StringEquals": {"aws:UserName2": "alice"}}),
        "identity",
        ("WARNING", "INVALID_GLOBAL_CONDITION_KEY", f"{P}.StringEquals.aws:UserName2"),
        "",
    ),
    (
        "global keys are case-insensitive",
        KEYS,
        cond({"StringEquals": {"AWS:USERNAME": "alice"}}),
        "identity",
        None,
        "INVALID_GLOBAL_CONDITION_KEY",
    ),
    (
        "unknown service key",
        AA,
        cond({"StringEquals": {"s3:nosuchkey": "x"}}),
        "identity",
        ("WARNING", "INVALID_SERVICE_CONDITION_KEY", f"{P}.StringEquals.s3:nosuchkey"),
        "",
    ),
    (
        "deprecated aws:ARN",
        AA,
        cond({"ArnEquals": {"aws:ARN": "arn:aws:iam::111122223333:role/x"}}),
        "identity",
        ("WARNING", "DEPRECATED_GLOBAL_CONDITION_KEY", f"{P}.ArnEquals.aws:ARN"),
        "",
    ),
    (
        "tag key missing",
        AA,
        cond({"StringEquals": {"aws:RequestTag/": "x"}}),
        "identity",
        ("ERROR", "MISSING_TAG_KEY_IN_CONDITION", f"{P}.StringEquals.aws:RequestTag/"),
        "",
    ),
    (
        "tag key given",
        KEYS,
        cond({"StringEquals": {"aws:ResourceTag/team": "x"}}),
        "identity",
        None,
        "MISSING_TAG_KEY_IN_CONDITION",
    ),
    (
        "key that does not apply to the action",
        SAR_S3,
        cond(
            {"StringLike": {"s3:prefix": "home/*"}},
            ["s3:ListBucket", "s3:GetObject"],
            ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        ),
        "identity",
        ("WARNING", "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", f"{P}.StringLike.s3:prefix"),
        "",
    ),
    (
        "key that applies to the action",
        SAR_S3,
        cond({"StringLike": {"s3:prefix": "home/*"}}, "s3:ListBucket", "arn:aws:s3:::b"),
        "identity",
        None,
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    ),
    (
        "cross-service key applies everywhere",
        KEYS,
        cond({"ArnEquals": {"ec2:SourceInstanceARN": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}}),
        "identity",
        None,
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    ),
    (
        "Allow on a service without resource tags",
        AA,
        cond(
            {"StringEquals": {"aws:ResourceTag/team": "x"}},
            ["ec2:StartInstances", "cloudshell:CreateSession"],
            "*",
        ),
        "identity",
        (
            "SUGGESTION",
            "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
            f"{P}.StringEquals.aws:ResourceTag/team",
        ),
        "",
    ),
    (
        "Deny on a service without resource tags",
        AA,
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Deny",
                    "Action": "cloudshell:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": "x"}},
                },
            }
        ),
        "identity",
        (
            "SECURITY_WARNING",
            "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
            "Statement.Condition.StringEquals.aws:ResourceTag/team",
        ),
        "",
    ),
    (
        "resource tags on EC2",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html",
        cond({"StringEquals": {"aws:ResourceTag/team": "x"}}, "ec2:StartInstances", "*"),
        "identity",
        None,
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    ),
    (
        "variable with a Numeric operator",
        AA,
        cond({"NumericLessThan": {"s3:max-keys": "${aws:username}"}}, "s3:ListBucket", "arn:aws:s3:::b"),
        "identity",
        ("ERROR", "INVALID_VARIABLE_FOR_OPERATOR", f"{P}.NumericLessThan.s3:max-keys"),
        "",
    ),
    (
        "variable with a String operator",
        VARS,
        cond({"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}),
        "identity",
        None,
        "INVALID_VARIABLE_FOR_OPERATOR",
    ),
    (
        "variables are text under 2008-10-17",
        VARS,
        cond({"NumericLessThan": {"s3:max-keys": "${x}"}}, "s3:ListBucket", "arn:aws:s3:::b", "2008-10-17"),
        "identity",
        None,
        "INVALID_VARIABLE_FOR_OPERATOR",
    ),
    (
        "same key twice with different case",
        AA,
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",'
        '"Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}}}',
        "identity",
        ("ERROR", "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "Statement.Condition.StringEquals.AWS:UserName"),
        "",
    ),
    (
        "OIDC provider keys are known",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html",
        trust({"StringEquals": {"accounts.google.com:aud": "123"}}, "accounts.google.com"),
        "trust",
        None,
        "INVALID_SERVICE_CONDITION_KEY",
    ),
    (
        "EKS OIDC keys are provider keys",
        "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
        trust(
            {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:a:b"}},
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        ),
        "trust",
        None,
        "INVALID_SERVICE_CONDITION_KEY",
    ),
]


@pytest.mark.parametrize(
    ("case_id", "source", "text", "policy_type", "expected", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_condition_findings(
    case_id: str,
    source: str,
    text: str,
    policy_type: PolicyType,
    expected: tuple[str, str, str] | None,
    code: str,
) -> None:
    findings = validate_policy(text, policy_type)
    reported = {(f.finding_type, f.issue_code, f.location_path) for f in findings}
    if expected is None:
        assert code not in {f.issue_code for f in findings}, f"{case_id}: {sorted(reported)} ({source})"
    else:
        assert expected in reported, f"{case_id}: {sorted(reported)} ({source})"
