"""Policy variables as written: where they may stand, and whether they are well formed.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html (variables work in
the Resource element and in condition values, only under Version 2012-10-17; ``${key, 'default'}`` gives a
default; ``${*}``, ``${?}``, ``${$}`` stand for the characters) and Access Analyzer's variable checks.
"""

from __future__ import annotations

import re

from iamd.policy.ast import Statement, Text
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings

_VARIABLE = re.compile(r"\$\{([^}]*)(\}?)")
_DEFAULT = re.compile(r"^([^,\s]+)\s*,\s*(.*)$")


def check_variables(subject: Subject, statement: Statement, findings: Findings) -> None:
    document = subject.document
    where_allowed: list[Text] = [
        *(statement.resource or ()),
        *(statement.not_resource or ()),
        *(value for clause in statement.conditions for value in clause.values),
    ]
    if not document.variables_enabled:
        for text in where_allowed:
            if _looks_like_variable(text.value):
                findings.error(
                    "VARIABLE_UNSUPPORTED_IN_VERSION",
                    "To include variables in your policy, use the policy version 2012-10-17 or later.",
                    text.location,
                )
        return
    for text in (*(statement.action or ()), *(statement.not_action or ())):
        if _looks_like_variable(text.value):
            findings.error(
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                "Policy variables are supported in the Resource and Condition elements. Remove the policy "
                f"variable {text.value} from this element.",
                text.location,
            )
    for text in where_allowed:
        if "${" in text.value:
            _check_syntax(text, findings)


def _looks_like_variable(value: str) -> bool:
    return re.search(r"\$\{[^}*?$]", value) is not None


def _check_syntax(text: Text, findings: Findings) -> None:
    for match in _VARIABLE.finditer(text.value):
        inner, closed = match.group(1), match.group(2)
        if not closed:
            findings.error(
                "MISSING_BRACE_IN_VARIABLE",
                "The policy variable is missing a closing curly brace. Add } after the variable text.",
                text.location,
            )
            return
        if inner in ("*", "?", "$"):
            continue
        if not inner.strip():
            findings.error(
                "EMPTY_VARIABLE",
                "Empty policy variable. Remove the ${ } variable structure or provide a variable within "
                "the structure.",
                text.location,
            )
            continue
        default = _DEFAULT.match(inner)
        if default is not None:
            quoted = default.group(2)
            if len(quoted) < 2 or not (quoted.startswith("'") and quoted.endswith("'")):
                findings.error(
                    "MISSING_QUOTE_IN_VARIABLE",
                    "The policy variable default value must begin and end with a single quote. Add the "
                    "missing quote.",
                    text.location,
                )
        elif " " in inner:
            findings.error(
                "UNSUPPORTED_SPACE_IN_VARIABLE",
                "A space is not supported within the policy variable text. Remove the space.",
                text.location,
            )
