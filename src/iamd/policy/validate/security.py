"""Security warnings: statements that grant more than their author likely meant.

Sources: Access Analyzer's security warnings (Allow with NotPrincipal, the iam:PassRole family, OIDC
principals without conditions) in
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html, and the
cautions in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html and
reference_policies_elements_notresource.html (Allow with NotAction/NotResource grants everything not listed).
"""

from __future__ import annotations

from iamd.policy.ast import Effect, PrincipalSpec, Statement
from iamd.policy.validate.actions import glob_regex
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings

_PASS_ROLE = "iam:PassRole"
_PASSED_TO_SERVICE = "iam:passedtoservice"
_GITHUB = "token.actions.githubusercontent.com"


def _covers(patterns: list[str], action: str) -> bool:
    lowered = action.lower()
    return any(
        glob_regex(p).match(action) if ("*" in p or "?" in p) else p.lower() == lowered for p in patterns
    )


def _broad_resource(value: str) -> bool:
    """``*``, or an ARN whose resource part ends in a wildcard (every role of an account)."""
    return value == "*" or value.endswith(("/*", ":*"))


def check_security(subject: Subject, statement: Statement, findings: Findings) -> None:
    if statement.effect is not Effect.ALLOW:
        return
    if statement.not_principal is not None:
        findings.security(
            "ALLOW_WITH_NOT_PRINCIPAL",
            "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal "
            "instead.",
            statement.not_principal.location,
        )
    broad_resource = statement.not_resource is not None or any(
        r.value == "*" for r in statement.resource or ()
    )
    if statement.not_action is not None and broad_resource:
        findings.security(
            "ALLOW_WITH_NOT_ACTION",
            "Using Allow with NotAction on all resources grants every action of every service except "
            "those listed, including actions AWS adds later. We recommend that you list the allowed "
            "actions instead.",
            (*statement.location.path, "NotAction"),
        )
    if statement.not_resource is not None:
        findings.security(
            "ALLOW_WITH_NOT_RESOURCE",
            "Using Allow with NotResource grants the actions on every resource except those listed, "
            "including resources created later. We recommend that you list the allowed resources instead.",
            (*statement.location.path, "NotResource"),
        )
    _check_pass_role(statement, findings)
    if subject.policy_type in ("resource", "trust"):
        _check_public_principal(statement, findings)
    if subject.policy_type == "resource" and statement.principal is not None:
        _check_service_principal(statement, statement.principal, findings)
    if subject.policy_type == "trust" and statement.principal is not None:
        _check_federated(statement, statement.principal, findings)


def _check_pass_role(statement: Statement, findings: Findings) -> None:
    if any(c.key.lower() == _PASSED_TO_SERVICE for c in statement.conditions):
        return
    where = (*statement.location.path, "Action" if statement.action is not None else "NotAction")
    if statement.action is not None:
        actions = [a.value for a in statement.action]
        if not _covers(actions, _PASS_ROLE):
            return
        exact = any(a.lower() == _PASS_ROLE.lower() for a in actions)
        if statement.not_resource is not None:
            findings.security(
                "PASS_ROLE_WITH_NOT_RESOURCE" if exact else "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
                "Using the iam:PassRole action with NotResource can be overly permissive because it can "
                "allow iam:PassRole permissions on multiple resources. We recommend that you specify "
                "resource ARNs instead.",
                where,
            )
        elif any(_broad_resource(r.value) for r in statement.resource or ()):
            findings.security(
                "PASS_ROLE_WITH_STAR_IN_RESOURCE" if exact else "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
                "Using the iam:PassRole action with wildcards (*) in the resource can be overly "
                "permissive because it allows iam:PassRole permissions on multiple resources. We "
                "recommend that you specify resource ARNs or add the iam:PassedToService condition key to "
                "your statement.",
                where,
            )
        return
    if statement.not_action is not None and not _covers([a.value for a in statement.not_action], _PASS_ROLE):
        if statement.not_resource is not None:
            findings.security(
                "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
                "Using NotAction with NotResource can be overly permissive because it can allow "
                "iam:PassRole permissions on multiple resources. We recommend that you specify resource "
                "ARNs instead.",
                where,
            )
        elif any(_broad_resource(r.value) for r in statement.resource or ()):
            findings.security(
                "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
                "Using a resource with wildcards (*) and NotAction can be overly permissive because it "
                "allows iam:PassRole permissions on all resources. We recommend that you specify resource "
                "ARNs or add the iam:PassedToService condition key to your statement.",
                where,
            )


def _check_public_principal(statement: Statement, findings: Findings) -> None:
    spec = statement.principal
    if spec is None or statement.conditions:
        return
    if spec.anyone or any(e.kind == "AWS" and e.value == "*" for e in spec.entries):
        findings.security(
            "PRINCIPAL_STAR_WITHOUT_CONDITION",
            'Allowing "Principal": "*" without a condition grants access to anyone, including anonymous '
            "callers and every AWS account. We recommend that you add conditions such as "
            "aws:PrincipalOrgID or aws:SourceAccount, or name the principals.",
            spec.location,
        )


# Keys that tie a service principal's access to the resource or account it acts for (confused deputy):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
_SOURCE_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"})


def _check_service_principal(statement: Statement, spec: PrincipalSpec, findings: Findings) -> None:
    if any(c.key.lower() in _SOURCE_KEYS for c in statement.conditions):
        return
    for entry in spec.entries:
        if entry.kind == "Service":
            findings.security(
                "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
                "Granting access to a service principal without specifying a source is overly permissive. "
                "Use aws:SourceArn or aws:SourceAccount condition key and scope access to a specific source "
                "to grant fine-grained access.",
                entry.location,
            )


def _check_federated(statement: Statement, spec: PrincipalSpec, findings: Findings) -> None:
    keys = [c.key.lower() for c in statement.conditions]
    for entry in spec.entries:
        if entry.kind != "Federated" or (entry.value.startswith("arn:") and ":saml-provider/" in entry.value):
            continue
        provider = entry.value.split("oidc-provider/", 1)[-1].lower()
        if "." not in provider:
            continue  # cognito-identity.amazonaws.com and named providers are handled below
        if provider.startswith(_GITHUB):
            if not any(k == f"{_GITHUB}:sub" for k in keys):
                findings.security(
                    "MISSING_GITHUB_REPO_CONDITION_KEY",
                    "Granting a federated GitHub principal permissions without a condition key can allow "
                    "more sources to assume the role than you intended. Add the "
                    "token.actions.githubusercontent.com:sub condition key and specify the branch and "
                    "repository name in the value.",
                    entry.location,
                )
        elif not any(k.startswith(provider + ":") for k in keys):
            findings.security(
                "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                "Using an Open ID Connect principal without a condition can be overly permissive. Add "
                "condition keys with a prefix that matches your federated OIDC principals to ensure that "
                "only the intended identity provider assumes the role.",
                entry.location,
            )
