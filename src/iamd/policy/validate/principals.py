"""Principal values: what each principal type accepts.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
(AWS: an account ID, an account/user/role/assumed-role/federated-user ARN, or "*"; no other wildcards;
Service: a service principal such as ``ec2.amazonaws.com``; Federated: a SAML or OIDC provider ARN or a web
identity provider name; CanonicalUser: an S3 canonical user ID). IAM rejects others with
``Invalid principal in policy: "AWS":"value"``. Unique IDs (AROA..., AIDA...) are what AWS writes into a
policy when the role or user it named is deleted; Access Analyzer warns about them.
"""

from __future__ import annotations

import re

from iamd.policy.ast import PrincipalEntry, PrincipalSpec, Statement
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_AWS_ARN = re.compile(
    r"^arn:aws[a-z-]*:(iam::(\d{12}|aws):(root|user/.+|role/.+|federated-user/.+)"
    r"|sts::\d{12}:(assumed-role/.+|federated-user/.+))$"
)
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$")
_FEDERATED_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)/.+$")
_CANONICAL_USER = re.compile(r"^[0-9a-f]{64}$")
_UNIQUE_ROLE_ID = re.compile(r"^AROA[A-Z0-9]{12,}$")
_UNIQUE_USER_ID = re.compile(r"^AIDA[A-Z0-9]{12,}$")


def check_principals(subject: Subject, statement: Statement, findings: Findings) -> None:
    for spec in (statement.principal, statement.not_principal):
        if spec is not None:
            _check_spec(spec, findings)


def _check_spec(spec: PrincipalSpec, findings: Findings) -> None:
    for entry in spec.entries:
        value = entry.value
        if entry.kind == "AWS":
            _check_aws(entry, findings)
        elif entry.kind == "Service":
            if value != "*" and not _SERVICE.match(value):
                findings.error(
                    "INVALID_SERVICE_PRINCIPAL_FORMAT",
                    "The service principal does not match the expected format. Use the format "
                    "service-name.amazonaws.com.",
                    entry.location,
                )
        elif entry.kind == "Federated":
            if not (_FEDERATED_ARN.match(value) or ("." in value and " " not in value and ":" not in value)):
                findings.error(
                    "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
                    "The principal value specifies a federated principal that does not match the expected "
                    "format. Update the federated principal to a domain name or a SAML metadata ARN.",
                    entry.location,
                )
        elif entry.kind == "CanonicalUser" and not _CANONICAL_USER.match(value):
            _invalid(entry, findings)


def _check_aws(entry: PrincipalEntry, findings: Findings) -> None:
    value = entry.value
    if value == "*" or _ACCOUNT_ID.match(value):
        return
    if _UNIQUE_ROLE_ID.match(value):
        findings.warning(
            "INVALID_ROLE_REFERENCE",
            f"The Principal element includes the IAM role ID {value}. We recommend that you use a role ARN "
            "instead.",
            entry.location,
        )
        return
    if _UNIQUE_USER_ID.match(value):
        findings.warning(
            "INVALID_USER_REFERENCE",
            f"The Principal element includes the IAM user ID {value}. We recommend that you use a user ARN "
            "instead.",
            entry.location,
        )
        return
    if "*" in value or "?" in value:
        findings.error(
            "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            "Wildcards (*, ?) are not supported with the principal key AWS. Replace the wildcard with a "
            "valid principal value.",
            entry.location,
        )
        return
    if not _AWS_ARN.match(value):
        _invalid(entry, findings)


def _invalid(entry: PrincipalEntry, findings: Findings) -> None:
    # IAM's own wording, so that validate_for_iam can answer with it unchanged.
    findings.error(
        "INVALID_PRINCIPAL_FORMAT",
        f'Invalid principal in policy: "{entry.kind}":"{entry.value}"',
        entry.location,
    )
