"""Condition blocks: keys (do they exist?), operators against the key's data type, single- vs multivalued
keys, and the values each operator family can read. Whether keys apply to the statement's actions is
:mod:`iamd.policy.validate.applicability`.

Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html, and Access Analyzer's
check reference for codes and messages.
"""

from __future__ import annotations

import base64
import binascii
import re

from iamd import catalog
from iamd.catalog import ConditionKeyInfo
from iamd.policy.ast import ConditionClause, Location, PolicyDocument, Statement
from iamd.policy.conditions import lookup_operator
from iamd.policy.conditions.date import parse_instant
from iamd.policy.conditions.ip import parse_network
from iamd.policy.conditions.numeric import parse_number
from iamd.policy.jsonpos import JsonObject
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings
from iamd.policy.validate.network import check_network_values

# Operator families each key data type accepts. ARN keys also take String operators (AWS recommends ARN
# operators); aws:EpochTime is documented as Date or Numeric.
_FAMILIES_FOR_TYPE: dict[str, frozenset[str]] = {
    "String": frozenset({"String"}),
    "ARN": frozenset({"Arn", "String"}),
    "Numeric": frozenset({"Numeric"}),
    "Date": frozenset({"Date"}),
    "Bool": frozenset({"Bool"}),
    "IPAddress": frozenset({"IpAddress"}),
    "Binary": frozenset({"Binary"}),
}
_OPERATOR_TYPE_NAMES = {
    "String": "String",
    "Arn": "ARN",
    "Numeric": "Numeric",
    "Date": "Date",
    "Bool": "Bool",
    "IpAddress": "IPAddress",
    "Binary": "Binary",
}
_EPOCH_TIME = "aws:epochtime"
_TAG_KEYS = ("aws:requesttag", "aws:resourcetag", "aws:principaltag")
_VARIABLE = re.compile(r"\$\{[^}]*\}")
# ISO 8601 extended dates (optionally with a time) and epoch seconds resolve as authors expect.
_RECOMMENDED_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}([T ].*)?|-?\d+(\.\d+)?)$")


def check_conditions(subject: Subject, statement: Statement, findings: Findings) -> None:
    document = subject.document
    _check_key_case(subject, statement, findings)
    for clause in statement.conditions:
        op = lookup_operator(clause.base_operator)
        if op is None:
            continue
        family = op.family
        _check_operator_shape(clause, family, findings)
        _check_values(document, clause, family, findings)
        check_network_values(clause, findings)
        info = _check_key(clause, findings)
        if info is not None and family != "Null":
            _check_type(clause, info, family, findings)
            _check_qualifier(clause, info, findings)


def _check_key_case(subject: Subject, statement: Statement, findings: Findings) -> None:
    raw = subject.raw((*statement.location.path, "Condition"))
    if not isinstance(raw, JsonObject):
        return
    for operator, block in raw.pairs:
        if not isinstance(block, JsonObject):
            continue
        spellings: dict[str, str] = {}
        for key in block.keys():  # noqa: SIM118 (JsonObject keeps duplicate keys)
            first = spellings.setdefault(key.lower(), key)
            if first != key:
                findings.error(
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    f"The condition key {key} appears more than once with different capitalization in the "
                    "same condition block. Remove the duplicate condition keys.",
                    (*statement.location.path, "Condition", operator, key),
                )


def _check_operator_shape(clause: ConditionClause, family: str, findings: Findings) -> None:
    if family == "Null" and clause.qualifier is not None:
        findings.suggestion(
            "NULL_WITH_QUALIFIER",
            "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers "
            "because they always return a true or false respectively.",
            clause.location,
        )
    if not clause.values:
        if clause.qualifier == "ForAllValues":
            code, text = (
                "EMPTY_ARRAY_CONDITION_FORALLVALUES",
                f"The ForAllValues prefix with an empty condition key matches only if the key {clause.key} "
                "is missing from the request context. To determine if the request context is empty, we "
                "recommend that you use the Null condition operator with the value of true instead.",
            )
        elif clause.qualifier == "ForAnyValue":
            code, text = (
                "EMPTY_ARRAY_CONDITION_FORANYVALUE",
                f"The ForAnyValue prefix with an empty condition key {clause.key} never matches the "
                "request context and it does not affect the policy. Specify conditions.",
            )
        elif clause.if_exists:
            code, text = (
                "EMPTY_ARRAY_CONDITION_IFEXISTS",
                f"The IfExists suffix with an empty condition key matches only if the key {clause.key} is "
                "missing from the request context. To determine if the request context is empty, we "
                "recommend that you use the Null condition operator with the value of true instead.",
            )
        else:
            code, text = (
                "EMPTY_ARRAY_CONDITION",
                f"There are no values for the condition key {clause.key} and it does not affect the "
                "policy. Specify conditions.",
            )
        findings.suggestion(code, text, clause.location)


def _check_values(document: PolicyDocument, clause: ConditionClause, family: str, findings: Findings) -> None:
    op_name = clause.operator
    if family == "Bool" and len(clause.values) > 1:
        findings.error(
            "INVALID_CONDITION_MULTIPLE_BOOLEAN",
            "The condition key does not support multiple Boolean values. Use a single Boolean value.",
            clause.location,
        )
    _check_redundant_bounds(clause, family, findings)
    for value in clause.values:
        text = value.value
        if document.variables_enabled and _VARIABLE.search(text):
            if family not in ("String", "Arn"):
                findings.error(
                    "INVALID_VARIABLE_FOR_OPERATOR",
                    "Policy variables can only be used with String and ARN operators.",
                    value.location,
                )
            continue
        if family == "Numeric" and parse_number(text) is None:
            findings.warning(
                "TYPE_MISMATCH_NUMBER",
                f"Add a valid numeric value for the condition operator {op_name}.",
                value.location,
            )
        elif family == "Date" and parse_instant(text) is None:
            findings.warning(
                "TYPE_MISMATCH_DATE",
                "The date condition operator is used with an invalid value. Specify a valid date using "
                "YYYY-MM-DD or other ISO 8601 date/time format.",
                value.location,
            )
        elif family == "Date" and _surprising_date(text.strip()):
            findings.warning(
                "INVALID_DATE_VALUE",
                f"The date {text} might not resolve as expected. We recommend that you use the YYYY-MM-DD "
                "format.",
                value.location,
            )
        elif family in ("Bool", "Null") and text.lower() not in ("true", "false"):
            findings.warning(
                "TYPE_MISMATCH_BOOLEAN",
                f"Add a valid Boolean value (true or false) for the condition operator {op_name}.",
                value.location,
            )
        elif family == "IpAddress":
            _check_ip(text, op_name, value.location, findings)
        elif family == "Binary" and not _is_base64(text):
            findings.warning(
                "TYPE_MISMATCH_STRING",
                f"Add a valid base64-encoded string value for the condition operator {op_name}.",
                value.location,
            )
        elif family in ("String", "Arn") and not _like(clause) and ("*" in text or "?" in text):
            findings.warning(
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), "
                "update the condition operator to include Like.",
                value.location,
            )


def _check_redundant_bounds(clause: ConditionClause, family: str, findings: Findings) -> None:
    """Several bounds for one LessThan/GreaterThan operator: values are ORed, so only the loosest counts."""
    base = clause.base_operator.lower()
    if family not in ("Numeric", "Date") or len(clause.values) < 2 or "than" not in base:
        return
    loosest = "greatest" if "lessthan" in base else "least"
    findings.suggestion(
        "REDUNDANT_CONDITION_VALUE_NUM",
        f"Multiple values in {clause.operator} are redundant. Replace with the {loosest} single value for "
        f"{clause.key}.",
        clause.location,
    )


def _surprising_date(text: str) -> bool:
    """ISO 8601 basic format (``20200101T000000Z``) or eight digits that read as a date but are taken as
    epoch seconds (``20200101`` is 1970-08-23)."""
    if not _RECOMMENDED_DATE.match(text):
        return True
    return len(text) == 8 and text.isdigit() and text[:2] in ("19", "20") and "01" <= text[4:6] <= "12"


def _like(clause: ConditionClause) -> bool:
    return clause.base_operator.lower().endswith("like")


def _check_ip(text: str, op_name: str, location: Location, findings: Findings) -> None:
    network = parse_network(text)
    if network is None:
        findings.warning(
            "TYPE_MISMATCH_IP_RANGE",
            f"The condition operator {op_name} is used with an invalid IP range value. Specify the IP "
            "range in standard CIDR format.",
            location,
        )
        return
    if "/" in text and str(network) != text.strip().lower() and network.compressed != text.strip():
        findings.suggestion(
            "IMPROVE_IP_RANGE",
            "The non-zero bits in the IP address after the masked bits are ignored. Replace address with "
            f"{network}.",
            location,
        )


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# -- keys --------------------------------------------------------------------------------------------


def _check_key(clause: ConditionClause, findings: Findings) -> ConditionKeyInfo | None:
    key = clause.key
    prefix, sep, rest = key.partition(":")
    if not sep or not prefix or not rest:
        findings.error(
            "INVALID_CONDITION_KEY_FORMAT",
            "The condition key format is not valid. Use the format service:keyname.",
            clause.location,
        )
        return None
    lowered = key.lower()
    if prefix.lower() == "aws":
        if lowered in _TAG_KEYS or any(lowered == f"{t}/" for t in _TAG_KEYS):
            findings.error(
                "MISSING_TAG_KEY_IN_CONDITION",
                f"The condition key {key} must include a tag key to control access based on tags. Use the "
                f"format {key.rstrip('/')}/tag-key and specify a key name for tag-key.",
                clause.location,
            )
            return None
        deprecated = catalog.deprecated_global_key(key)
        if deprecated is not None:
            findings.warning(
                "DEPRECATED_GLOBAL_CONDITION_KEY",
                "We recommend that you update aws:ARN to use the newer condition key aws:PrincipalArn.",
                clause.location,
            )
            return deprecated
        info = catalog.global_condition_key(key)
        if info is None:
            findings.warning(
                "INVALID_GLOBAL_CONDITION_KEY",
                f"The condition key {key} does not exist. Use a valid condition key.",
                clause.location,
            )
        return info
    info = catalog.condition_key(key)
    if info is None and not catalog.is_provider_key(key):
        findings.warning(
            "INVALID_SERVICE_CONDITION_KEY",
            f"The condition key {key} does not exist in the service {prefix}. Use a valid condition key.",
            clause.location,
        )
    return info


def _check_type(clause: ConditionClause, info: ConditionKeyInfo, family: str, findings: Findings) -> None:
    allowed = _FAMILIES_FOR_TYPE.get(info.base_type)
    if allowed is None or family in allowed:
        return
    if clause.key.lower() == _EPOCH_TIME and family == "Numeric":
        return
    suggestion = _OPERATOR_TYPE_NAMES[next(iter(sorted(allowed)))] if len(allowed) == 1 else "ARN"
    findings.warning(
        "TYPE_MISMATCH",
        f"Use the operator type {suggestion} instead of operator {clause.operator} for the condition key "
        f"{clause.key}.",
        clause.location,
    )


def _check_qualifier(clause: ConditionClause, info: ConditionKeyInfo, findings: Findings) -> None:
    if info.multivalued and clause.qualifier is None:
        findings.warning(
            "MISSING_QUALIFIER",
            f"The request context key {clause.key} has multiple values. Use the ForAllValues or "
            "ForAnyValue condition key qualifiers in your policy.",
            clause.location,
        )
    elif not info.multivalued and clause.qualifier == "ForAllValues":
        findings.security(
            "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            f"Using ForAllValues qualifier with the single-valued condition key {clause.key} can be overly "
            "permissive. We recommend that you remove ForAllValues:.",
            clause.location,
        )
    elif not info.multivalued and clause.qualifier == "ForAnyValue":
        findings.warning(
            "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
            f"The condition key {clause.key} is single-valued; ForAnyValue: has no effect on it. We "
            "recommend that you remove ForAnyValue:.",
            clause.location,
        )
