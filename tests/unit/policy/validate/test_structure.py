"""Per-policy-type structure, Version, Sid and empty-element findings, one case per row with its source.

AA = https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from iamd.policy.validate import PolicyType, validate_policy

AA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
PRINCIPAL_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
SCP_DOC = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"
RCP_DOC = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"

ALLOW_GET = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
ANYONE = {"AWS": "arn:aws:iam::111122223333:root"}
TRUST = {"Effect": "Allow", "Principal": ANYONE, "Action": "sts:AssumeRole"}
RCP_DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
}


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return json.dumps(body, indent=2)


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    text: str
    policy_type: PolicyType = "identity"
    expect: tuple[tuple[str, str, str], ...] = ()  # (findingType, issueCode, path) that must be reported
    absent: tuple[str, ...] = field(default=())  # issue codes that must not be reported


CASES = [
    Case(
        "missing version", AA, policy(ALLOW_GET, version=None), expect=(("WARNING", "MISSING_VERSION", "$"),)
    ),
    Case("2008 version is valid", AA, policy(ALLOW_GET, version="2008-10-17"), absent=("MISSING_VERSION",)),
    Case(
        "principal in identity policy",
        PRINCIPAL_DOC,
        policy({**ALLOW_GET, "Principal": "*"}),
        expect=(("ERROR", "UNSUPPORTED_PRINCIPAL", "Statement[0].Principal"),),
    ),
    Case(
        "notprincipal in boundary",
        PRINCIPAL_DOC,
        policy({**ALLOW_GET, "NotPrincipal": ANYONE}),
        "boundary",
        expect=(("ERROR", "UNSUPPORTED_PRINCIPAL", "Statement[0].NotPrincipal"),),
    ),
    Case(
        "identity statement without resource",
        AA,
        policy({"Effect": "Allow", "Action": "s3:GetObject"}),
        expect=(("ERROR", "MISSING_RESOURCE", "Statement[0]"),),
    ),
    Case(
        "resource policy without principal",
        AA,
        policy(ALLOW_GET),
        "resource",
        expect=(("ERROR", "MISSING_PRINCIPAL", "Statement[0]"),),
    ),
    Case(
        "resource policy with principal and resource",
        PRINCIPAL_DOC,
        policy({**ALLOW_GET, "Principal": ANYONE}),
        "resource",
        absent=("MISSING_PRINCIPAL", "MISSING_RESOURCE", "UNSUPPORTED_PRINCIPAL"),
    ),
    Case("trust policy accepted", PRINCIPAL_DOC, policy(TRUST), "trust", absent=("MISSING_RESOURCE",)),
    Case(
        "trust policy without principal",
        AA,
        policy({"Effect": "Allow", "Action": "sts:AssumeRole"}),
        "trust",
        expect=(("ERROR", "MISSING_PRINCIPAL", "Statement[0]"),),
    ),
    Case(
        "trust policy with resource",
        AA,
        policy({**TRUST, "Resource": "*"}),
        "trust",
        expect=(("ERROR", "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", "Statement[0].Resource"),),
    ),
    Case(
        "trust policy with notprincipal",
        AA,
        policy({"Effect": "Deny", "NotPrincipal": ANYONE, "Action": "sts:AssumeRole"}),
        "trust",
        expect=(("ERROR", "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", "Statement[0].NotPrincipal"),),
    ),
    Case(
        "trust policy granting a non-STS action",
        # IAM: "AssumeRole policy may only specify STS AssumeRole actions."
        PRINCIPAL_DOC,
        policy({**TRUST, "Action": ["sts:AssumeRole", "sts:TagSession", "s3:GetObject"]}),
        "trust",
        expect=(("ERROR", "ROLE_TRUST_POLICY_UNSUPPORTED_ACTION", "Statement[0].Action[2]"),),
    ),
    Case(
        "trust policy wildcard sts:AssumeRole*",
        PRINCIPAL_DOC,
        policy({**TRUST, "Action": "sts:AssumeRole*"}),
        "trust",
        absent=("ROLE_TRUST_POLICY_UNSUPPORTED_ACTION",),
    ),
    Case(
        "SAML action for a service principal",
        AA,
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRoleWithSAML",
            }
        ),
        "trust",
        expect=(("ERROR", "MISMATCHED_ACTION_FOR_PRINCIPAL", "Statement[0].Action"),),
    ),
    Case(
        "web identity action for a SAML provider",
        AA,
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/idp"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ),
        "trust",
        expect=(("ERROR", "MISMATCHED_ACTION_FOR_PRINCIPAL", "Statement[0].Action"),),
    ),
    Case(
        "SAML action for a SAML provider",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/idp"},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            }
        ),
        "trust",
        absent=("MISMATCHED_ACTION_FOR_PRINCIPAL",),
    ),
    Case(
        "Roles Anywhere without sts:TagSession",
        "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": "rolesanywhere.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        ),
        "trust",
        expect=(("ERROR", "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", "Statement[0].Action"),),
    ),
    Case(
        "scp with principal",
        SCP_DOC,
        policy({**ALLOW_GET, "Principal": "*"}),
        "scp",
        expect=(("ERROR", "SCP_SYNTAX_ERROR_PRINCIPAL", "Statement[0].Principal"),),
    ),
    Case(
        "scp deny with condition and notresource",
        SCP_DOC,
        policy(
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "NotResource": "arn:aws:s3:::logs/*",
                "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ),
        "scp",
        absent=("SCP_SYNTAX_ERROR_PRINCIPAL", "MISSING_RESOURCE"),
    ),
    Case("rcp deny accepted", RCP_DOC, policy(RCP_DENY), "rcp", absent=("RCP_SYNTAX_ERROR_ALLOW",)),
    Case(
        "rcp needs a version",
        RCP_DOC,
        policy(RCP_DENY, version=None),
        "rcp",
        expect=(("ERROR", "RCP_SYNTAX_ERROR_VERSION", "$"),),
    ),
    Case(
        "rcp allow other than RCPFullAWSAccess",
        RCP_DOC,
        policy({**RCP_DENY, "Effect": "Allow"}),
        "rcp",
        expect=(("ERROR", "RCP_SYNTAX_ERROR_ALLOW", "Statement[0].Effect"),),
    ),
    Case(
        "RCPFullAWSAccess itself",
        RCP_DOC,
        policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
        "rcp",
        absent=("RCP_SYNTAX_ERROR_ALLOW",),
    ),
    Case(
        "rcp principal other than *",
        RCP_DOC,
        policy({**RCP_DENY, "Principal": ANYONE}),
        "rcp",
        expect=(("ERROR", "RCP_SYNTAX_ERROR_PRINCIPAL", "Statement[0].Principal"),),
    ),
    Case(
        "rcp with NotPrincipal",
        RCP_DOC,
        policy({**{k: v for k, v in RCP_DENY.items() if k != "Principal"}, "NotPrincipal": ANYONE}),
        "rcp",
        expect=(("ERROR", "RCP_SYNTAX_ERROR_NOTPRINCIPAL", "Statement[0].NotPrincipal"),),
    ),
    Case(
        "rcp with NotAction",
        RCP_DOC,
        policy({"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}),
        "rcp",
        expect=(("ERROR", "RCP_SYNTAX_ERROR_NOTACTION", "Statement[0].NotAction"),),
    ),
    Case(
        "rcp on a service RCPs do not cover",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html",
        policy({**RCP_DENY, "Action": "ec2:RunInstances"}),
        "rcp",
        expect=(("WARNING", "RCP_UNSUPPORTED_SERVICE", "Statement[0].Action"),),
    ),
    Case(
        "duplicate sids in identity policy",
        # IAM: "Statement IDs (SID) in a single policy must be unique."
        AA,
        policy({**ALLOW_GET, "Sid": "One"}, {**ALLOW_GET, "Sid": "One"}),
        expect=(("ERROR", "UNIQUE_SIDS_REQUIRED", "Statement[1].Sid"),),
    ),
    Case(
        "duplicate sids in resource policy",
        AA,
        policy(
            {**ALLOW_GET, "Principal": ANYONE, "Sid": "a b"}, {**ALLOW_GET, "Principal": ANYONE, "Sid": "a b"}
        ),
        "resource",
        expect=(("WARNING", "UNIQUE_SIDS_RECOMMENDED", "Statement[1].Sid"),),
        absent=("UNSUPPORTED_SID",),
    ),
    Case(
        "non-alphanumeric sid in identity policy",
        AA,
        policy({**ALLOW_GET, "Sid": "read-objects"}),
        expect=(("ERROR", "UNSUPPORTED_SID", "Statement[0].Sid"),),
    ),
    Case(
        "empty sid",
        AA,
        policy({**ALLOW_GET, "Sid": ""}),
        expect=(("SUGGESTION", "EMPTY_SID_VALUE", "Statement[0].Sid"),),
    ),
    Case(
        "empty action array",
        AA,
        policy({**ALLOW_GET, "Action": []}),
        expect=(("SUGGESTION", "EMPTY_ARRAY_ACTION", "Statement[0].Action"),),
    ),
    Case(
        "empty resource array",
        AA,
        policy({**ALLOW_GET, "Resource": []}),
        expect=(("SUGGESTION", "EMPTY_ARRAY_RESOURCE", "Statement[0].Resource"),),
    ),
    Case(
        "empty principal object",
        AA,
        policy({**ALLOW_GET, "Principal": {}}),
        "resource",
        expect=(("SUGGESTION", "EMPTY_OBJECT_PRINCIPAL", "Statement[0].Principal"),),
    ),
    Case(
        "empty principal array",
        AA,
        policy({**ALLOW_GET, "Principal": {"AWS": []}}),
        "resource",
        expect=(("SUGGESTION", "EMPTY_ARRAY_PRINCIPAL", "Statement[0].Principal"),),
    ),
    Case(
        "empty condition object",
        AA,
        policy({**ALLOW_GET, "Condition": {}}),
        expect=(("SUGGESTION", "EMPTY_OBJECT_CONDITION", "Statement[0].Condition"),),
    ),
    Case(
        "identical statements apart from Sid",
        AA,
        policy({**ALLOW_GET, "Sid": "One"}, {**ALLOW_GET, "Sid": "Two"}),
        expect=(("SUGGESTION", "REDUNDANT_STATEMENT", "Statement[1]"),),
    ),
    Case(
        "statements differing in effect",
        AA,
        policy(ALLOW_GET, {**ALLOW_GET, "Effect": "Deny"}),
        absent=("REDUNDANT_STATEMENT",),
    ),
    Case(
        "empty statement array",
        AA,
        json.dumps({"Version": "2012-10-17", "Statement": []}),
        expect=(("ERROR", "MISSING_STATEMENT", "Statement"),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_structure_findings(case: Case) -> None:
    findings = validate_policy(case.text, case.policy_type)
    reported = {(f.finding_type, f.issue_code, f.location_path) for f in findings}
    for expected in case.expect:
        assert expected in reported, f"{expected} not in {sorted(reported)} ({case.source})"
    codes = {f.issue_code for f in findings}
    for code in case.absent:
        assert code not in codes, f"unexpected {code} ({case.source})"


def test_findings_carry_line_and_column_of_the_element() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Principal": "*",\n'
    text += '    "Action": "s3:GetObject", "Resource": "*"}\n}'
    (finding,) = [f for f in validate_policy(text) if f.issue_code == "UNSUPPORTED_PRINCIPAL"]
    assert (finding.line, finding.column) == (3, 49)
    assert finding.path == ("Statement", "Principal")
