"""The validation pipeline: read the JSON with positions, parse, run every check, order the findings."""

from __future__ import annotations

from iamd.policy import jsonpos
from iamd.policy.errors import PolicySyntaxError
from iamd.policy.parse import parse_policy
from iamd.policy.validate.conditions import check_conditions
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import POLICY_TYPES, Finding, Findings, PolicyType
from iamd.policy.validate.limits import check_size
from iamd.policy.validate.principals import check_principals
from iamd.policy.validate.security import check_security
from iamd.policy.validate.statements import check_statement_catalog
from iamd.policy.validate.structure import check_structure
from iamd.policy.validate.trust import check_trust_actions
from iamd.policy.validate.variables import check_variables


def validate_policy(text: str, policy_type: PolicyType = "identity") -> list[Finding]:
    """Every finding for one policy document, in the order of the elements they concern."""
    if policy_type not in POLICY_TYPES:
        raise ValueError(f"unknown policy type {policy_type!r}; expected one of {', '.join(POLICY_TYPES)}")
    try:
        located = jsonpos.loads(text)
    except jsonpos.JsonSyntaxError as exc:
        findings = Findings(None)
        findings.add(
            "ERROR",
            "JSON_SYNTAX_ERROR",
            f"Fix the JSON syntax error at line {exc.position.line} column {exc.position.column}: "
            f"{exc.reason}.",
            (),
            position=exc.position,
        )
        return findings.items
    findings = Findings(located)
    try:
        document = parse_policy(located)
    except PolicySyntaxError as exc:
        findings.add("ERROR", exc.issue_code, exc.message, exc.path, position=exc.position)
        return findings.items
    subject = Subject(document, policy_type, located, text)
    check_structure(subject, findings)
    for statement in document.statements:
        check_statement_catalog(subject, statement, findings)
        check_conditions(subject, statement, findings)
        check_security(subject, statement, findings)
        check_principals(subject, statement, findings)
        check_variables(subject, statement, findings)
        check_trust_actions(subject, statement, findings)
    check_size(text, policy_type, findings)
    # Reading order: by position in the text (a stable sort keeps each element's findings together).
    return sorted(findings.items, key=lambda f: (f.line or 0, f.column or 0))
