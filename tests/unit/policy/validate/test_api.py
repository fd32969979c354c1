"""The public surface: validate_policy never raises on bad input, Finding.to_json, size quotas, and
validate_for_iam (what IAM itself rejects)."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest

import iamd.policy.validate as validate_module
from iamd.errors import LimitExceeded, MalformedPolicyDocument
from iamd.policy.validate import Finding, validate_for_iam, validate_policy
from iamd.policy.validate.limits import MANAGED_POLICY_MAX, SCP_MAX, policy_size

GOOD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    ],
}


def text(document: dict[str, Any], indent: int | None = None) -> str:
    return json.dumps(document, indent=indent)


def test_public_names() -> None:
    assert set(validate_module.__all__) == {
        "POLICY_TYPES",
        "Finding",
        "FindingType",
        "PolicyType",
        "validate_for_iam",
        "validate_policy",
    }


def test_good_policy_has_no_findings() -> None:
    assert validate_policy(text(GOOD)) == []


def test_json_syntax_error_is_one_error_finding_with_its_position() -> None:
    (finding,) = validate_policy('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}')
    assert (finding.finding_type, finding.issue_code) == ("ERROR", "JSON_SYNTAX_ERROR")
    assert (finding.line, finding.column) == (3, 17)


@pytest.mark.parametrize(
    ("source", "code", "path"),
    [
        ("[]", "JSON_SYNTAX_ERROR", "$"),
        ('{"Statement": {"Action": "s3:*", "Resource": "*"}}', "MISSING_EFFECT", "Statement"),
        (
            '{"Statement": {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}}',
            "INVALID_EFFECT",
            "Statement.Effect",
        ),
        ('{"Version": "2020-01-01", "Statement": []}', "INVALID_VERSION", "Version"),
        ('{"Statement": {"Effect": "Allow", "Resource": "*"}}', "MISSING_ACTION", "Statement"),
        (
            '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Foo": 1}}',
            "UNKNOWN_ELEMENT",
            "Statement.Foo",
        ),
    ],
)
def test_parser_errors_become_one_finding(source: str, code: str, path: str) -> None:
    # Access Analyzer check reference: MISSING_EFFECT, INVALID_EFFECT, INVALID_VERSION, MISSING_ACTION.
    (finding,) = validate_policy(source)
    assert (finding.finding_type, finding.issue_code, finding.location_path) == ("ERROR", code, path)


def test_to_json_has_access_analyzer_shape() -> None:
    (finding,) = validate_policy(text({"Statement": GOOD["Statement"]}, 2))
    assert finding.to_json() == {
        "findingType": "WARNING",
        "issueCode": "MISSING_VERSION",
        "message": "We recommend that you specify the Version element to help you with debugging permission "
        "issues.",
        "location": {"path": "$", "line": 1, "column": 1},
    }
    assert finding.learn_more_link is not None and finding.learn_more_link.endswith(
        "general-warning-missing-version"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.message = "x"  # type: ignore[misc]
    assert isinstance(finding, Finding)


def test_unknown_policy_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown policy type"):
        validate_policy(text(GOOD), "session")  # type: ignore[arg-type]


# -- sizes: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (IAM ignores white
# space) and https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html -----------


def _big(actions: int) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": [f"s3:GetObject{i:05d}" for i in range(actions)], "Resource": "*"}
        ],
    }


def test_policy_size_ignores_white_space_outside_strings() -> None:
    assert policy_size('{ "a b" : [ 1 , "x\\" y" ] }', counts_whitespace=False) == len('{"a b":[1,"x\\" y"]}')
    assert policy_size('{ "a" }', counts_whitespace=True) == 7


def test_identity_policy_over_6144_characters_is_a_warning() -> None:
    document = _big(400)
    assert policy_size(text(document), counts_whitespace=False) > MANAGED_POLICY_MAX
    codes = {(f.finding_type, f.issue_code) for f in validate_policy(text(document))}
    assert ("WARNING", "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA") in codes


def test_white_space_does_not_push_an_identity_policy_over_its_quota() -> None:
    document = _big(250)
    padded = text(document, indent=40)
    assert len(padded) > MANAGED_POLICY_MAX > policy_size(padded, counts_whitespace=False)
    assert "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" not in {f.issue_code for f in validate_policy(padded)}


def test_scp_counts_every_character() -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    padded = text(document, indent=2) + " " * SCP_MAX
    codes = {(f.finding_type, f.issue_code) for f in validate_policy(padded, "scp")}
    assert ("ERROR", "POLICY_SIZE_EXCEEDS_SCP_QUOTA") in codes


def test_rcp_counts_every_character() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
    }
    padded = text(document, indent=2) + " " * 5_120
    codes = {(f.finding_type, f.issue_code) for f in validate_policy(padded, "rcp")}
    assert ("ERROR", "POLICY_SIZE_EXCEEDS_RCP_QUOTA") in codes


def _trust_with(principals: int) -> dict[str, Any]:
    accounts = [f"arn:aws:iam::{100000000000 + i}:root" for i in range(principals)]
    statement = {"Effect": "Allow", "Principal": {"AWS": accounts}, "Action": "sts:AssumeRole"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_trust_policy_over_2048_characters() -> None:
    # Role trust policy length: 2,048 characters by default (reference_iam-quotas.html).
    document = text(_trust_with(80))
    codes = {(f.finding_type, f.issue_code) for f in validate_policy(document, "trust")}
    assert ("WARNING", "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA") in codes
    with pytest.raises(LimitExceeded, match="Cannot exceed quota for ACLSizePerRole: 2048"):
        validate_for_iam(document, "trust")
    validate_for_iam(text(_trust_with(10)), "trust")


# -- validate_for_iam ---------------------------------------------------------------------------------------


def test_iam_accepts_a_good_policy_and_unknown_actions() -> None:
    validate_for_iam(text(GOOD))
    unknown = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:Nope", "Resource": "*"}],
    }
    validate_for_iam(text(unknown))  # IAM stores actions it does not know


@pytest.mark.parametrize(
    ("source", "policy_type", "message"),
    [
        ("{", "identity", "Syntax errors in policy."),
        (
            text({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}),
            "identity",
            "Policy document should not specify a principal.",
        ),
        (
            text({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
            "identity",
            "Policy statement must contain resources.",
        ),
        (
            text({"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}),
            "identity",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            text(
                {
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "s3:*"}
                    ]
                }
            ),
            "trust",
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            text(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Resource": "*",
                        }
                    ]
                }
            ),
            "trust",
            "Has prohibited field Resource",
        ),
        (
            text({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}] * 2}),
            "identity",
            "Statement IDs (SID) in a single policy must be unique.",
        ),
    ],
)
def test_iam_rejects_malformed_documents(source: str, policy_type: Any, message: str) -> None:
    # Messages as IAM answers CreatePolicy / PutRolePolicy / CreateRole with MalformedPolicyDocument.
    with pytest.raises(MalformedPolicyDocument) as raised:
        validate_for_iam(source, policy_type)
    assert raised.value.message == message


def test_iam_rejects_oversized_inline_policy_with_limit_exceeded() -> None:
    # A user's inline policies hold at most 2,048 characters (reference_iam-quotas.html).
    with pytest.raises(LimitExceeded, match="Cannot exceed quota for PolicySize: 2048"):
        validate_for_iam(text(_big(150)), max_size=2048)


def test_a_typical_policy_validates_in_well_under_10_ms() -> None:
    document = text(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": "arn:aws:s3:::b/*",
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::b",
                    "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
                },
            ],
        },
        indent=2,
    )
    validate_policy(document)  # the catalog loads once
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        validate_policy(document)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.010


def test_learn_more_links_point_at_access_analyzer_checks_only() -> None:
    from iamd.policy.validate.findings import CATALOG_DEPENDENT_CODES, IAMD_CODES, learn_more_link

    reference = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
    )
    assert learn_more_link("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE") == (
        f"{reference}#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
    )
    # Downgraded catalog findings still link to Access Analyzer's ERROR section of the same check.
    assert learn_more_link("WARNING", "INVALID_SERVICE") == (
        f"{reference}#access-analyzer-reference-policy-checks-error-invalid-service"
    )
    assert all(learn_more_link("WARNING", code) is None for code in IAMD_CODES)
    assert learn_more_link("ERROR", "UNKNOWN_ELEMENT") is None
    assert all(learn_more_link("WARNING", code) is not None for code in CATALOG_DEPENDENT_CODES)
