"""Role trust policies: actions that do not fit their principals.

A SAML provider assumes a role with sts:AssumeRoleWithSAML, an OIDC provider with
sts:AssumeRoleWithWebIdentity (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html);
IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession
(https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html). Codes and messages are Access
Analyzer's (access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

from iamd.policy.ast import PrincipalEntry, Statement
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings

_WITH_SAML = "sts:assumerolewithsaml"
_WITH_WEB_IDENTITY = "sts:assumerolewithwebidentity"
_ROLES_ANYWHERE = "rolesanywhere.amazonaws.com"
_ROLES_ANYWHERE_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")


def _is_saml(entry: PrincipalEntry) -> bool:
    return entry.kind == "Federated" and ":saml-provider/" in entry.value


def _is_web_identity(entry: PrincipalEntry) -> bool:
    return entry.kind == "Federated" and not _is_saml(entry)


def check_trust_actions(subject: Subject, statement: Statement, findings: Findings) -> None:
    if subject.policy_type != "trust" or statement.principal is None or statement.action is None:
        return
    entries = statement.principal.entries
    if not entries:
        return
    for action in statement.action:
        lowered = action.value.lower()
        if lowered == _WITH_SAML:
            wrong = [e.value for e in entries if not _is_saml(e)]
        elif lowered == _WITH_WEB_IDENTITY:
            wrong = [e.value for e in entries if not _is_web_identity(e)]
        else:
            continue
        if wrong and len(wrong) == len(entries):
            findings.error(
                "MISMATCHED_ACTION_FOR_PRINCIPAL",
                f"The {action.value} action is invalid with the following principal(s): {', '.join(wrong)}. "
                "Use a SAML provider principal with the sts:AssumeRoleWithSAML action or use an OIDC "
                "provider principal with the sts:AssumeRoleWithWebIdentity action. Ensure the provider is "
                "Federated if you use either of the two options.",
                action.location,
            )
    if any(e.kind == "Service" and e.value.lower() == _ROLES_ANYWHERE for e in entries):
        granted = {a.value.lower() for a in statement.action}
        if "sts:*" not in granted and "*" not in granted:
            missing = [name for name in _ROLES_ANYWHERE_ACTIONS if name.lower() not in granted]
            if missing:
                findings.error(
                    "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
                    "The rolesanywhere.amazonaws.com service principal requires the sts:AssumeRole, "
                    "sts:SetSourceIdentity, and sts:TagSession permissions to assume a role. Add the "
                    f"missing permissions to the policy: {', '.join(missing)}.",
                    (*statement.location.path, "Action"),
                )
