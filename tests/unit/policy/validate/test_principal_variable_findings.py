"""Principal values, policy variables and date values; one row per case with its source.

AA = https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamd.policy.validate import PolicyType, validate_policy

AA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
PRINCIPAL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
VARS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
OPS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"


def trust(principal: Any) -> str:
    body = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


def identity(version: str = "2012-10-17", **statement: Any) -> str:
    body = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", **statement}
    return json.dumps({"Version": version, "Statement": [body]})


CANONICAL_USER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
P = "Statement[0].Principal"
R = "Statement[0].Resource"
# (id, source, document, policy type, expected (type, code, path) or None, code that must then be absent)
CASES: list[tuple[str, str, str, PolicyType, tuple[str, str, str] | None, str]] = [
    (
        "account id, root, role, assumed-role session",
        PRINCIPAL,
        trust(
            {
                "AWS": [
                    "111122223333",
                    "arn:aws:iam::111122223333:root",
                    "arn:aws:iam::111122223333:role/path/app",
                    "arn:aws:sts::111122223333:assumed-role/app/session",
                ]
            }
        ),
        "trust",
        None,
        "INVALID_PRINCIPAL_FORMAT",
    ),
    (
        "AWS principal that is neither account nor ARN",
        # IAM: Invalid principal in policy: "AWS":"bob"
        PRINCIPAL,
        trust({"AWS": "bob"}),
        "trust",
        ("ERROR", "INVALID_PRINCIPAL_FORMAT", f"{P}.AWS"),
        "",
    ),
    (
        "wildcard inside a principal ARN",
        PRINCIPAL,
        trust({"AWS": "arn:aws:iam::111122223333:role/*"}),
        "trust",
        ("ERROR", "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", f"{P}.AWS"),
        "",
    ),
    (
        "role unique id",
        AA,
        trust({"AWS": "AROAEXAMPLEEXAMPLE123"}),
        "trust",
        ("WARNING", "INVALID_ROLE_REFERENCE", f"{P}.AWS"),
        "",
    ),
    (
        "user unique id",
        AA,
        trust({"AWS": "AIDAEXAMPLEEXAMPLE123"}),
        "trust",
        ("WARNING", "INVALID_USER_REFERENCE", f"{P}.AWS"),
        "",
    ),
    (
        "service principal",
        PRINCIPAL,
        trust({"Service": "ec2.amazonaws.com"}),
        "trust",
        None,
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
    ),
    (
        "service principal without a domain",
        AA,
        trust({"Service": "ec2"}),
        "trust",
        ("ERROR", "INVALID_SERVICE_PRINCIPAL_FORMAT", f"{P}.Service"),
        "",
    ),
    (
        "SAML provider and web identity provider",
        PRINCIPAL,
        trust(
            {"Federated": ["arn:aws:iam::111122223333:saml-provider/idp", "cognito-identity.amazonaws.com"]}
        ),
        "trust",
        None,
        "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
    ),
    (
        "federated principal of the wrong form",
        AA,
        trust({"Federated": "my idp"}),
        "trust",
        ("ERROR", "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", f"{P}.Federated"),
        "",
    ),
    (
        "canonical user id",
        PRINCIPAL,
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"CanonicalUser": CANONICAL_USER},
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::b/*",
                    }
                ],
            }
        ),
        "resource",
        None,
        "INVALID_PRINCIPAL_FORMAT",
    ),
    (
        "variable in Resource",
        VARS,
        identity(Resource="arn:aws:s3:::b/${aws:username}/*"),
        "identity",
        None,
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    ),
    (
        "variable with a default",
        VARS,
        identity(Resource="arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*"),
        "identity",
        None,
        "MISSING_QUOTE_IN_VARIABLE",
    ),
    (
        "escaped wildcard characters",
        VARS,
        identity(Resource="arn:aws:s3:::b/${*}/${?}/${$}"),
        "identity",
        None,
        "EMPTY_VARIABLE",
    ),
    (
        "variable in Action",
        VARS,
        identity(Action="s3:${aws:username}"),
        "identity",
        ("ERROR", "VARIABLE_UNSUPPORTED_IN_ELEMENT", "Statement[0].Action"),
        "",
    ),
    (
        "variable under 2008-10-17",
        VARS,
        identity(version="2008-10-17", Resource="arn:aws:s3:::b/${aws:username}/*"),
        "identity",
        ("ERROR", "VARIABLE_UNSUPPORTED_IN_VERSION", R),
        "",
    ),
    (
        "missing closing brace",
        AA,
        identity(Resource="arn:aws:s3:::b/${aws:username/*"),
        "identity",
        ("ERROR", "MISSING_BRACE_IN_VARIABLE", R),
        "",
    ),
    (
        "empty variable",
        AA,
        identity(Resource="arn:aws:s3:::b/${}/*"),
        "identity",
        ("ERROR", "EMPTY_VARIABLE", R),
        "",
    ),
    (
        "space in variable",
        AA,
        identity(Resource="arn:aws:s3:::b/${ aws:username}/*"),
        "identity",
        ("ERROR", "UNSUPPORTED_SPACE_IN_VARIABLE", R),
        "",
    ),
    (
        "default without quotes",
        AA,
        identity(Resource="arn:aws:s3:::b/${aws:username, nobody}/*"),
        "identity",
        ("ERROR", "MISSING_QUOTE_IN_VARIABLE", R),
        "",
    ),
    (
        "date in ISO basic format",
        AA,
        identity(Condition={"DateLessThan": {"aws:CurrentTime": "20300101T000000Z"}}),
        "identity",
        ("WARNING", "INVALID_DATE_VALUE", "Statement[0].Condition.DateLessThan.aws:CurrentTime"),
        "",
    ),
    (
        "eight digits read as epoch seconds",
        OPS,
        identity(Condition={"DateLessThan": {"aws:CurrentTime": "20300101"}}),
        "identity",
        ("WARNING", "INVALID_DATE_VALUE", "Statement[0].Condition.DateLessThan.aws:CurrentTime"),
        "",
    ),
    (
        "epoch seconds",
        OPS,
        identity(Condition={"DateLessThan": {"aws:CurrentTime": "1893456000"}}),
        "identity",
        None,
        "INVALID_DATE_VALUE",
    ),
]


@pytest.mark.parametrize(
    ("case_id", "source", "text", "policy_type", "expected", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_principal_and_variable_findings(
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
