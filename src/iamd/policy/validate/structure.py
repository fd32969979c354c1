"""Rules on the elements a statement may or must have, per policy type, plus Version, Sid and empty elements.

Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html (no Principal in
identity policies, required in resource-based and trust policies),
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html and
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html,
and Access Analyzer's check reference for the codes and messages.
"""

from __future__ import annotations

import re

import orjson

from iamd.policy import jsonpos
from iamd.policy.ast import Effect, Statement
from iamd.policy.jsonpos import JsonObject
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings

# Actions a role trust policy may grant (IAM rejects others: "AssumeRole policy may only specify STS
# AssumeRole actions."); https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
_SID_ALPHANUMERIC = re.compile(r"^[A-Za-z0-9]*$")
# IAM (identity, boundary, trust) and Organizations require alphanumeric, unique Sids; resource-based
# policies of other services accept more (S3 allows spaces) and only recommend uniqueness.
_STRICT_SID_TYPES = frozenset({"identity", "boundary", "trust", "scp", "rcp"})


def check_structure(subject: Subject, findings: Findings) -> None:
    document = subject.document
    if document.version is None:
        if subject.policy_type == "rcp":
            findings.error(
                "RCP_SYNTAX_ERROR_VERSION",
                'Resource control policies must contain the Version element with the value "2012-10-17".',
                document.location,
            )
        else:
            findings.warning(
                "MISSING_VERSION",
                "We recommend that you specify the Version element to help you with debugging permission "
                "issues.",
                document.location,
            )
    raw_statements = subject.raw(("Statement",))
    if isinstance(raw_statements, list) and not raw_statements:
        findings.error("MISSING_STATEMENT", "Add a statement to the policy", ("Statement",))
    _check_sids(subject, findings)
    _check_redundant_statements(subject, findings)
    for statement in document.statements:
        _check_empty_elements(subject, statement, findings)
        _RULES[subject.policy_type](subject, statement, findings)


def _check_sids(subject: Subject, findings: Findings) -> None:
    strict = subject.policy_type in _STRICT_SID_TYPES
    seen: set[str] = set()
    for statement in subject.document.statements:
        sid = statement.sid
        if sid is None:
            continue
        where = (*statement.location.path, "Sid")
        if sid == "":
            findings.suggestion(
                "EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.", where
            )
            continue
        if strict and not _SID_ALPHANUMERIC.match(sid):
            findings.error(
                "UNSUPPORTED_SID",
                "Update the characters in the Sid element to use one of the following character types: "
                "[a-z, A-Z, 0-9]",
                where,
            )
        if sid in seen:
            if strict:
                findings.error(
                    "UNIQUE_SIDS_REQUIRED",
                    "Duplicate statement IDs are not supported for this policy type. Update the Sid value "
                    f"{sid}.",
                    where,
                )
            else:
                findings.warning(
                    "UNIQUE_SIDS_RECOMMENDED",
                    "We recommend that you use statement IDs that are unique to your policy. Update the "
                    f"Sid value {sid}.",
                    where,
                )
        seen.add(sid)


def _check_redundant_statements(subject: Subject, findings: Findings) -> None:
    """A statement identical to an earlier one, Sid aside."""
    seen: set[bytes] = set()
    for statement in subject.document.statements:
        raw = subject.statement_raw(statement)
        if raw is None:
            continue
        plain = jsonpos.to_plain(JsonObject([(k, v) for k, v in raw.pairs if k != "Sid"]))
        key = orjson.dumps(plain, option=orjson.OPT_SORT_KEYS)
        if key in seen:
            findings.suggestion(
                "REDUNDANT_STATEMENT",
                "The statements are redundant because they provide identical permissions. Update the "
                "policy to remove the redundant statement.",
                statement.location,
            )
        seen.add(key)


def _check_empty_elements(subject: Subject, statement: Statement, findings: Findings) -> None:
    raw = subject.statement_raw(statement)
    if raw is None:
        return
    path = statement.location.path
    for element, code, what in (
        ("Action", "EMPTY_ARRAY_ACTION", "actions"),
        ("NotAction", "EMPTY_ARRAY_ACTION", "actions"),
        ("Resource", "EMPTY_ARRAY_RESOURCE", "resources"),
        ("NotResource", "EMPTY_ARRAY_RESOURCE", "resources"),
    ):
        if raw.get(element) == []:
            findings.suggestion(
                code,
                f"This statement includes no {what} and does not affect the policy. Specify {what}.",
                (*path, element),
            )
    for element in ("Principal", "NotPrincipal"):
        value = raw.get(element)
        if isinstance(value, JsonObject):
            if not value.pairs:
                findings.suggestion(
                    "EMPTY_OBJECT_PRINCIPAL",
                    "This statement includes no principals and does not affect the policy. Specify "
                    "principals.",
                    (*path, element),
                )
            elif any(v == [] for _, v in value.pairs):
                findings.suggestion(
                    "EMPTY_ARRAY_PRINCIPAL",
                    "This statement includes no principals and does not affect the policy. Specify "
                    "principals.",
                    (*path, element),
                )
    condition = raw.get("Condition")
    if isinstance(condition, JsonObject) and (
        not condition.pairs or any(isinstance(b, JsonObject) and not b.pairs for _, b in condition.pairs)
    ):
        findings.suggestion(
            "EMPTY_OBJECT_CONDITION",
            "This condition block is empty and it does not affect the policy. Specify conditions.",
            (*path, "Condition"),
        )


# -- per policy type ---------------------------------------------------------------------------------


def _has_principal(statement: Statement) -> bool:
    return statement.principal is not None or statement.not_principal is not None


def _has_resource(statement: Statement) -> bool:
    return statement.resource is not None or statement.not_resource is not None


def _missing_resource(statement: Statement, findings: Findings) -> None:
    if not _has_resource(statement):
        findings.error(
            "MISSING_RESOURCE",
            "Add a Resource or NotResource element to the policy statement.",
            statement.location,
        )


def _missing_principal(statement: Statement, findings: Findings) -> None:
    if not _has_principal(statement):
        findings.error(
            "MISSING_PRINCIPAL", "Add a Principal element to the policy statement.", statement.location
        )


def _identity_rules(subject: Subject, statement: Statement, findings: Findings) -> None:
    for spec in (statement.principal, statement.not_principal):
        if spec is not None:
            findings.error(
                "UNSUPPORTED_PRINCIPAL",
                f"The policy type {subject.type_label} does not support the Principal element. Remove the "
                "Principal element.",
                spec.location,
            )
    _missing_resource(statement, findings)


def _resource_rules(subject: Subject, statement: Statement, findings: Findings) -> None:
    _missing_principal(statement, findings)
    _missing_resource(statement, findings)


def _trust_rules(subject: Subject, statement: Statement, findings: Findings) -> None:
    _missing_principal(statement, findings)
    if statement.not_principal is not None:
        findings.error(
            "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
            "Role trust policies do not support NotPrincipal. Update the policy to use a Principal "
            "element instead.",
            statement.not_principal.location,
        )
    for element in (statement.resource, statement.not_resource):
        if element is not None:
            findings.error(
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
                "Role trust policies apply to the role that they are attached to. You cannot specify a "
                "resource. Remove the Resource or NotResource element.",
                element[0].location if element else statement.location,
            )
    for action in statement.action or ():
        if not _is_trust_action(action.value):
            findings.error(
                "ROLE_TRUST_POLICY_UNSUPPORTED_ACTION",
                f"The action {action.value} is not supported in a role trust policy. Role trust policies "
                "grant sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, "
                "sts:TagSession, sts:SetSourceIdentity and sts:SetContext.",
                action.location,
            )


def _is_trust_action(action: str) -> bool:
    lowered = action.lower()
    if lowered in TRUST_ACTIONS or lowered == "*":
        return True
    if "*" in lowered or "?" in lowered:
        pattern = re.compile(
            "^" + re.escape(lowered).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.DOTALL
        )
        return any(pattern.match(name) for name in TRUST_ACTIONS)
    return False


def _scp_rules(subject: Subject, statement: Statement, findings: Findings) -> None:
    for spec in (statement.principal, statement.not_principal):
        if spec is not None:
            findings.error(
                "SCP_SYNTAX_ERROR_PRINCIPAL",
                "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
                spec.location,
            )
    _missing_resource(statement, findings)


def _rcp_rules(subject: Subject, statement: Statement, findings: Findings) -> None:
    _missing_principal(statement, findings)
    _missing_resource(statement, findings)
    if statement.not_principal is not None:
        findings.error(
            "RCP_SYNTAX_ERROR_NOTPRINCIPAL",
            'RCPs do not support the NotPrincipal element. Use Principal "*" with conditions instead.',
            statement.not_principal.location,
        )
    principal = statement.principal
    if principal is not None and not _is_everyone(
        principal.anyone, [(e.kind, e.value) for e in principal.entries]
    ):
        findings.error(
            "RCP_SYNTAX_ERROR_PRINCIPAL",
            'RCPs support only "*" in the Principal element. Use conditions such as aws:PrincipalArn to '
            "select principals.",
            principal.location,
        )
    if statement.not_action is not None:
        findings.error(
            "RCP_SYNTAX_ERROR_NOTACTION",
            "RCPs do not support the NotAction element. Update the policy to use Action instead.",
            (*statement.location.path, "NotAction"),
        )
    if statement.effect is Effect.ALLOW and not _is_full_access(statement):
        findings.error(
            "RCP_SYNTAX_ERROR_ALLOW",
            "The effect Allow is supported only for the RCPFullAWSAccess policy. Update the effect to Deny.",
            (*statement.location.path, "Effect"),
        )


def _is_everyone(anyone: bool, entries: list[tuple[str, str]]) -> bool:
    return anyone or (bool(entries) and all(kind == "AWS" and value == "*" for kind, value in entries))


def _is_full_access(statement: Statement) -> bool:
    """RCPFullAWSAccess: Allow, Principal "*", Action "*", Resource "*", no condition."""
    return (
        statement.action is not None
        and [a.value for a in statement.action] == ["*"]
        and statement.resource is not None
        and [r.value for r in statement.resource] == ["*"]
        and not statement.conditions
    )


_RULES = {
    "identity": _identity_rules,
    "boundary": _identity_rules,
    "resource": _resource_rules,
    "trust": _trust_rules,
    "scp": _scp_rules,
    "rcp": _rcp_rules,
}
