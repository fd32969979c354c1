"""Security warnings, one row per case with its source.

AA = https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamd.policy.validate import PolicyType, validate_policy

AA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
NOT_ACTION = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"
NOT_RESOURCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"
PRINCIPAL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
ROLE_ARN = "arn:aws:iam::111122223333:role/app"


def doc(**statement: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]})


# (id, source, document, policy type, expected (type, code, path) or None, code that must then be absent)
CASES: list[tuple[str, str, str, PolicyType, tuple[str, str, str] | None, str]] = [
    (
        "PassRole on *",
        AA,
        doc(Action="iam:PassRole", Resource="*"),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "Statement[0].Action"),
        "",
    ),
    (
        "PassRole on every role of an account",
        AA,
        doc(Action="iam:PassRole", Resource="arn:aws:iam::111122223333:role/*"),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "Statement[0].Action"),
        "",
    ),
    (
        "PassRole on one role",
        AA,
        doc(Action="iam:PassRole", Resource=ROLE_ARN),
        "identity",
        None,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
    ),
    (
        "PassRole on * limited by iam:PassedToService",
        AA,
        doc(
            Action="iam:PassRole",
            Resource="*",
            Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        ),
        "identity",
        None,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
    ),
    (
        "iam:* on *",
        AA,
        doc(Action="iam:*", Resource="*"),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Statement[0].Action"),
        "",
    ),
    (
        "PassRole with NotResource",
        AA,
        doc(Action="iam:PassRole", NotResource=ROLE_ARN),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_NOT_RESOURCE", "Statement[0].Action"),
        "",
    ),
    (
        "iam:Pass* with NotResource",
        AA,
        doc(Action="iam:Pass*", NotResource=ROLE_ARN),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Statement[0].Action"),
        "",
    ),
    (
        "NotAction not excluding PassRole, on *",
        AA,
        doc(NotAction="s3:*", Resource="*"),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Statement[0].NotAction"),
        "",
    ),
    (
        "NotAction with NotResource",
        AA,
        doc(NotAction="s3:*", NotResource=ROLE_ARN),
        "identity",
        ("SECURITY_WARNING", "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Statement[0].NotAction"),
        "",
    ),
    (
        "Allow with NotAction on all resources",
        NOT_ACTION,
        doc(NotAction="iam:*", Resource="*"),
        "identity",
        ("SECURITY_WARNING", "ALLOW_WITH_NOT_ACTION", "Statement[0].NotAction"),
        "",
    ),
    (
        "Allow with NotAction on one bucket is narrow",
        NOT_ACTION,
        doc(NotAction="s3:DeleteBucket", Resource="arn:aws:s3:::bucket"),
        "identity",
        None,
        "ALLOW_WITH_NOT_ACTION",
    ),
    (
        "Allow with NotResource",
        NOT_RESOURCE,
        doc(Action="s3:*", NotResource="arn:aws:s3:::secret/*"),
        "identity",
        ("SECURITY_WARNING", "ALLOW_WITH_NOT_RESOURCE", "Statement[0].NotResource"),
        "",
    ),
    (
        "Deny with NotResource is fine",
        NOT_RESOURCE,
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::b"}],
            }
        ),
        "identity",
        None,
        "ALLOW_WITH_NOT_RESOURCE",
    ),
    (
        "Allow with NotPrincipal",
        AA,
        doc(NotPrincipal={"AWS": ROLE_ARN}, Action="s3:GetObject", Resource="arn:aws:s3:::b/*"),
        "resource",
        ("SECURITY_WARNING", "ALLOW_WITH_NOT_PRINCIPAL", "Statement[0].NotPrincipal"),
        "",
    ),
    (
        "public principal without condition",
        PRINCIPAL,
        doc(Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::b/*"),
        "resource",
        ("SECURITY_WARNING", "PRINCIPAL_STAR_WITHOUT_CONDITION", "Statement[0].Principal"),
        "",
    ),
    (
        "AWS * principal without condition",
        PRINCIPAL,
        doc(Principal={"AWS": "*"}, Action="s3:GetObject", Resource="arn:aws:s3:::b/*"),
        "resource",
        ("SECURITY_WARNING", "PRINCIPAL_STAR_WITHOUT_CONDITION", "Statement[0].Principal"),
        "",
    ),
    (
        "public principal restricted to the organization",
        PRINCIPAL,
        doc(
            Principal="*",
            Action="s3:GetObject",
            Resource="arn:aws:s3:::b/*",
            Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        ),
        "resource",
        None,
        "PRINCIPAL_STAR_WITHOUT_CONDITION",
    ),
    (
        "service principal without a source condition",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        doc(
            Principal={"Service": "cloudtrail.amazonaws.com"},
            Action="s3:PutObject",
            Resource="arn:aws:s3:::b/*",
        ),
        "resource",
        ("SECURITY_WARNING", "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal.Service"),
        "",
    ),
    (
        "service principal limited to a source account",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        doc(
            Principal={"Service": "cloudtrail.amazonaws.com"},
            Action="s3:PutObject",
            Resource="arn:aws:s3:::b/*",
            Condition={"StringEquals": {"aws:SourceAccount": "111122223333"}},
        ),
        "resource",
        None,
        "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
    ),
    (
        "GitHub OIDC without sub",
        AA,
        doc(
            Principal={
                "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
            },
            Action="sts:AssumeRoleWithWebIdentity",
            Condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
        ),
        "trust",
        ("SECURITY_WARNING", "MISSING_GITHUB_REPO_CONDITION_KEY", "Statement[0].Principal.Federated"),
        "",
    ),
    (
        "GitHub OIDC with sub",
        AA,
        doc(
            Principal={
                "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
            },
            Action="sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/repo:ref:refs/heads/main"}
            },
        ),
        "trust",
        None,
        "MISSING_GITHUB_REPO_CONDITION_KEY",
    ),
    (
        "OIDC provider without condition",
        AA,
        doc(
            Principal={"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.example.com"},
            Action="sts:AssumeRoleWithWebIdentity",
        ),
        "trust",
        ("SECURITY_WARNING", "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", "Statement[0].Principal.Federated"),
        "",
    ),
]


@pytest.mark.parametrize(
    ("case_id", "source", "text", "policy_type", "expected", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_security_findings(
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
