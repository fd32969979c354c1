"""The policy parser (iamd.policy.parse): every grammar element, and each malformed form's error.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html (one page per
element: _version, _id, _statement, _sid, _effect, _principal, _notprincipal, _action, _notaction,
_resource, _notresource, _condition). Condition values are compared as text by every operator family, and
AWS's own examples write numbers and Booleans either bare or quoted —
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html.
Issue codes follow Access Analyzer's naming —
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamd.policy import PolicySyntaxError, parse_policy
from iamd.policy.ast import Effect
from iamd.policy.errors import render_path
from iamd.policy.jsonpos import Position, loads
from iamd.policy.parse import split_operator

ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def doc(*statements: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


# -- grammar elements ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "expected", "variables"),
    [("2012-10-17", "2012-10-17", True), ("2008-10-17", "2008-10-17", False), (None, None, False)],
)
def test_version(version: str | None, expected: str | None, variables: bool) -> None:
    # _version page: 2012-10-17 or 2008-10-17; without Version, variables are literal text.
    source: dict[str, Any] = {"Statement": [ALLOW_ALL]}
    if version is not None:
        source["Version"] = version
    parsed = parse_policy(source)
    assert parsed.version == expected
    assert parsed.variables_enabled is variables


def test_id_and_sid() -> None:
    parsed = parse_policy(doc({**ALLOW_ALL, "Sid": "First"}, {**ALLOW_ALL}, Id="policy-1"))
    assert parsed.id == "policy-1"
    assert [s.sid for s in parsed.statements] == ["First", None]
    assert [s.index for s in parsed.statements] == [0, 1]


def test_statement_as_object_or_array() -> None:
    # _statement page: "The Statement element can contain a single statement or an array of statements".
    single = parse_policy({"Version": "2012-10-17", "Statement": ALLOW_ALL})
    many = parse_policy(doc(ALLOW_ALL, ALLOW_ALL))
    assert not single.statement_is_list and len(single.statements) == 1
    assert single.statements[0].location.path == ("Statement",)
    assert many.statement_is_list and len(many.statements) == 2
    assert many.statements[1].location.path == ("Statement", 1)


@pytest.mark.parametrize(("effect", "expected"), [("Allow", Effect.ALLOW), ("Deny", Effect.DENY)])
def test_effect(effect: str, expected: Effect) -> None:
    assert parse_policy(doc({**ALLOW_ALL, "Effect": effect})).statements[0].effect is expected


@pytest.mark.parametrize(
    ("element", "value", "expected"),
    [
        ("Action", "s3:GetObject", ["s3:GetObject"]),
        ("Action", ["s3:Get*", "ec2:*"], ["s3:Get*", "ec2:*"]),
        ("Action", [], []),
        ("NotAction", "iam:*", ["iam:*"]),
        ("Resource", "arn:aws:s3:::b/*", ["arn:aws:s3:::b/*"]),
        ("NotResource", ["arn:aws:s3:::b", "arn:aws:s3:::c"], ["arn:aws:s3:::b", "arn:aws:s3:::c"]),
    ],
)
def test_string_list_elements(element: str, value: object, expected: list[str]) -> None:
    statement: dict[str, Any] = {"Effect": "Allow", element: value}
    if not element.endswith("Action"):
        statement["Action"] = "*"
    parsed = parse_policy(doc(statement)).statements[0]
    key = {
        "Action": "action",
        "NotAction": "not_action",
        "Resource": "resource",
        "NotResource": "not_resource",
    }
    texts = getattr(parsed, key[element])
    assert [t.value for t in texts] == expected
    for i, text in enumerate(texts):
        suffix = (i,) if isinstance(value, list) else ()
        assert text.location.path == ("Statement", 0, element, *suffix)


def test_resource_is_optional() -> None:
    # Resource-based policies (trust policies) omit it; whether that is allowed is a validator finding.
    parsed = parse_policy(doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*"})).statements[
        0
    ]
    assert parsed.resource is None and parsed.not_resource is None


PRINCIPALS = [
    ("*", True, []),
    ({"AWS": "*"}, False, [("AWS", "*")]),
    ({"AWS": "123456789012"}, False, [("AWS", "123456789012")]),
    (
        {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/alice"]},
        False,
        [("AWS", "arn:aws:iam::123456789012:root"), ("AWS", "arn:aws:iam::123456789012:user/alice")],
    ),
    ({"Service": ["ec2.amazonaws.com"]}, False, [("Service", "ec2.amazonaws.com")]),
    (
        {"Federated": "cognito-identity.amazonaws.com"},
        False,
        [("Federated", "cognito-identity.amazonaws.com")],
    ),
    (
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbace"},
        False,
        [("CanonicalUser", "79a59df900b949e55d96a1e698fbace")],
    ),
    (
        {"AWS": "arn:aws:sts::123456789012:assumed-role/r/s", "Service": "s3.amazonaws.com"},
        False,
        [("AWS", "arn:aws:sts::123456789012:assumed-role/r/s"), ("Service", "s3.amazonaws.com")],
    ),
]


@pytest.mark.parametrize("element", ["Principal", "NotPrincipal"])
@pytest.mark.parametrize(("value", "anyone", "entries"), PRINCIPALS)
def test_principal_forms(element: str, value: object, anyone: bool, entries: list[tuple[str, str]]) -> None:
    # _principal page: "*", AWS (accounts, root, users, roles, sessions), Service, Federated, CanonicalUser.
    parsed = parse_policy(doc({**ALLOW_ALL, element: value})).statements[0]
    spec = parsed.principal if element == "Principal" else parsed.not_principal
    assert spec is not None
    assert spec.anyone is anyone
    assert [(e.kind, e.value) for e in spec.entries] == entries


def test_condition_clauses() -> None:
    condition = {
        "StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": ["red", "blue"]},
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "env*"},
        "forallvalues:stringequals": {"aws:TagKeys": ["a"]},
        "NumericLessThanEquals": {"s3:max-keys": 10},
        "Bool": {"aws:SecureTransport": False},
    }
    clauses = parse_policy(doc({**ALLOW_ALL, "Condition": condition})).statements[0].conditions
    summary = [
        (c.operator, c.base_operator, c.qualifier, c.if_exists, c.key, [v.value for v in c.values])
        for c in clauses
    ]
    assert summary == [
        ("StringEquals", "StringEquals", None, False, "aws:username", ["alice"]),
        ("StringEquals", "StringEquals", None, False, "aws:PrincipalTag/team", ["red", "blue"]),
        ("ForAnyValue:StringLikeIfExists", "StringLike", "ForAnyValue", True, "aws:TagKeys", ["env*"]),
        ("forallvalues:stringequals", "stringequals", "ForAllValues", False, "aws:TagKeys", ["a"]),
        ("NumericLessThanEquals", "NumericLessThanEquals", None, False, "s3:max-keys", ["10"]),
        ("Bool", "Bool", None, False, "aws:SecureTransport", ["false"]),
    ]
    assert clauses[1].values[1].location.path == (
        "Statement",
        0,
        "Condition",
        "StringEquals",
        "aws:PrincipalTag/team",
        1,
    )
    assert clauses[0].location.path == ("Statement", 0, "Condition", "StringEquals", "aws:username")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10", ["10"]),  # JSON text: numbers keep their source spelling
        ("10.50", ["10.50"]),
        ("-1e3", ["-1e3"]),
        ("true", ["true"]),
        ("false", ["false"]),
        ('"true"', ["true"]),
        ('[1, "2", true]', ["1", "2", "true"]),
        ("[]", []),
    ],
)
def test_condition_values_become_strings(raw: str, expected: list[str]) -> None:
    statement = '{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": ' + raw + "}}}"
    text = '{"Version": "2012-10-17", "Statement": ' + statement + "}"
    clause = parse_policy(text).statements[0].conditions[0]
    assert [v.value for v in clause.values] == expected


@pytest.mark.parametrize(("value", "expected"), [(10, "10"), (2.5, "2.5"), (True, "true"), (False, "false")])
def test_python_condition_values_become_strings(value: object, expected: str) -> None:
    clause = (
        parse_policy(doc({**ALLOW_ALL, "Condition": {"NumericEquals": {"k": value}}}))
        .statements[0]
        .conditions[0]
    )
    assert [v.value for v in clause.values] == [expected]


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", (None, "StringEquals", False)),
        ("StringEqualsIfExists", (None, "StringEquals", True)),
        ("ForAnyValue:StringLike", ("ForAnyValue", "StringLike", False)),
        ("ForAllValues:ArnLikeIfExists", ("ForAllValues", "ArnLike", True)),
        ("FORANYVALUE:StringEquals", ("ForAnyValue", "StringEquals", False)),
        ("numericequalsifexists", (None, "numericequals", True)),
        ("IfExists", (None, "IfExists", False)),
        ("Sometimes:StringEquals", (None, "Sometimes:StringEquals", False)),
    ],
)
def test_split_operator(operator: str, expected: tuple[str | None, str, bool]) -> None:
    assert split_operator(operator) == expected


def test_text_positions_are_recorded() -> None:
    text = (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [{\n'
        '    "Effect": "Allow",\n'
        '    "Action": ["s3:GetObject"]\n'
        "  }]\n"
        "}"
    )
    parsed = parse_policy(text)
    statement = parsed.statements[0]
    assert statement.location.position == Position(3, 17)
    assert statement.action is not None
    assert statement.action[0].location.position == Position(5, 16)


def test_python_input_has_no_positions() -> None:
    parsed = parse_policy(doc(ALLOW_ALL))
    assert parsed.statements[0].location.position is None


def test_embedded_policy_reports_full_paths_and_file_positions() -> None:
    text = '{"policies": {"identity": [\n {"Statement": {"Effect": "Maybe", "Action": "*"}}\n]}}'
    located = loads(text)
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(located, ("policies", "identity", 0))
    assert info.value.issue_code == "INVALID_EFFECT"
    assert info.value.path == ("policies", "identity", 0, "Statement", "Effect")
    assert info.value.position == Position(2, 27)
    assert render_path(info.value.path) == "policies.identity[0].Statement.Effect"


# -- malformed documents ---------------------------------------------------------------------------------

# (document text, issue_code, path, (line, column)). Every document is on several lines so that the
# position says where the fault is, not just "line 1".
MALFORMED = [
    ('{\n"Version": "2012-10-17",\n"Statement": [\n', "JSON_SYNTAX_ERROR", (), (4, 1)),
    ('{"Version": "2012-10-17",\n "Statement": [],\n}', "JSON_SYNTAX_ERROR", (), (3, 1)),
    ("[\n]", "JSON_SYNTAX_ERROR", (), (1, 1)),
    ('\n"text"', "JSON_SYNTAX_ERROR", (), (2, 1)),
    ('{"Version": "2012-10-17"}', "MISSING_STATEMENT", (), (1, 1)),
    ('{\n"Version": "2012-10-17",\n"Statement": "Allow"}', "INVALID_STATEMENT", ("Statement",), (3, 14)),
    (
        '{\n"Version": "2012-10-17",\n"Statement": [\n  "Allow"\n]}',
        "INVALID_STATEMENT",
        ("Statement", 0),
        (4, 3),
    ),
    ('{\n"Version": "2012-10-18",\n"Statement": []}', "INVALID_VERSION", ("Version",), (2, 12)),
    ('{\n"Version": 2012,\n"Statement": []}', "INVALID_VERSION", ("Version",), (2, 12)),
    ('{\n"Id": 7,\n"Statement": []}', "INVALID_ID", ("Id",), (2, 7)),
    ('{\n"Statement": [],\n"Extra": 1}', "UNKNOWN_ELEMENT", ("Extra",), (3, 10)),
    ('{\n"Statement": [],\n"Statement": []}', "DUPLICATE_ELEMENT", ("Statement",), (3, 14)),
    ('{"Statement": [{\n  "Action": "*"\n}]}', "MISSING_EFFECT", ("Statement", 0), (1, 16)),
    (
        '{"Statement": [{\n  "Effect": "allow",\n  "Action": "*"}]}',
        "INVALID_EFFECT",
        ("Statement", 0, "Effect"),
        (2, 13),
    ),
    (
        '{"Statement": [{\n  "Effect": true,\n  "Action": "*"}]}',
        "INVALID_EFFECT",
        ("Statement", 0, "Effect"),
        (2, 13),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow",\n  "Sid": 1,\n  "Action": "*"}]}',
        "INVALID_SID",
        ("Statement", 0, "Sid"),
        (3, 10),
    ),
    ('{"Statement": [{\n  "Effect": "Allow"}]}', "MISSING_ACTION", ("Statement", 0), (1, 16)),
    (
        '{"Statement": [{\n  "Effect": "Allow",\n  "Action": "*",\n  "NotAction": "s3:*"}]}',
        "ACTION_AND_NOTACTION",
        ("Statement", 0, "NotAction"),
        (4, 16),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Resource": "*",\n  "NotResource": "x"}]}',
        "RESOURCE_AND_NOTRESOURCE",
        ("Statement", 0, "NotResource"),
        (4, 18),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Principal": "*",\n'
            '  "NotPrincipal": "*"}]}'
        ),
        "PRINCIPAL_AND_NOTPRINCIPAL",
        ("Statement", 0, "NotPrincipal"),
        (4, 19),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow",\n  "Action": 5}]}',
        "INVALID_TYPE",
        ("Statement", 0, "Action"),
        (3, 13),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow",\n  "Action": ["s3:GetObject",\n    null]}]}',
        "INVALID_TYPE",
        ("Statement", 0, "Action", 1),
        (4, 5),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Resource": {"a": 1}}]}',
        "INVALID_TYPE",
        ("Statement", 0, "Resource"),
        (3, 15),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Bogus": 1}]}',
        "UNKNOWN_ELEMENT",
        ("Statement", 0, "Bogus"),
        (3, 12),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Action": "s3:*"}]}',
        "DUPLICATE_ELEMENT",
        ("Statement", 0, "Action"),
        (3, 13),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Principal": ["*"]}]}',
        "INVALID_PRINCIPAL",
        ("Statement", 0, "Principal"),
        (3, 16),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Principal": {"Users": "x"}}]}',
        "INVALID_PRINCIPAL",
        ("Statement", 0, "Principal", "Users"),
        (3, 26),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Principal": {"AWS": 123456789012}}]}',
        "INVALID_TYPE",
        ("Statement", 0, "Principal", "AWS"),
        (3, 24),
    ),
    (
        '{"Statement": [{\n  "Effect": "Allow", "Action": "*",\n  "Condition": ["StringEquals"]}]}',
        "INVALID_CONDITION",
        ("Statement", 0, "Condition"),
        (3, 16),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Condition": {\n'
            '    "StringEquals": "x"}}]}'
        ),
        "INVALID_CONDITION",
        ("Statement", 0, "Condition", "StringEquals"),
        (4, 21),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Condition": {\n'
            '    "StringEqualz": {"k": "v"}}}]}'
        ),
        "INVALID_CONDITION_OPERATOR",
        ("Statement", 0, "Condition", "StringEqualz"),
        (4, 21),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Condition": {\n'
            '    "ForSomeValues:StringEquals": {"k": "v"}}}]}'
        ),
        "INVALID_CONDITION_OPERATOR",
        ("Statement", 0, "Condition", "ForSomeValues:StringEquals"),
        (4, 35),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Condition": {"StringEquals": {\n'
            '    "k": null}}}]}'
        ),
        "INVALID_CONDITION_VALUE",
        ("Statement", 0, "Condition", "StringEquals", "k"),
        (4, 10),
    ),
    (
        (
            '{"Statement": [{\n'
            '  "Effect": "Allow", "Action": "*",\n'
            '  "Condition": {"StringEquals": {\n'
            '    "k": ["a", {"b": 1}]}}}]}'
        ),
        "INVALID_CONDITION_VALUE",
        ("Statement", 0, "Condition", "StringEquals", "k", 1),
        (4, 16),
    ),
]


@pytest.mark.parametrize(("text", "code", "path", "line_column"), MALFORMED)
def test_malformed_text_raises_with_code_path_and_position(
    text: str, code: str, path: tuple[str | int, ...], line_column: tuple[int, int]
) -> None:
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text)
    error = info.value
    assert error.issue_code == code
    assert error.path == path
    assert error.position == Position(*line_column)
    assert error.message
    assert f"line {line_column[0]}, column {line_column[1]}" in str(error)


# Plain Python dicts cannot hold duplicate keys, and have no JSON syntax to get wrong.
PYTHON_MALFORMED = [m for m in MALFORMED if m[1] not in ("JSON_SYNTAX_ERROR", "DUPLICATE_ELEMENT")]


@pytest.mark.parametrize(("text", "code", "path", "line_column"), PYTHON_MALFORMED)
def test_malformed_python_input_raises_the_same_code(
    text: str, code: str, path: tuple[str | int, ...], line_column: tuple[int, int]
) -> None:
    value = json.loads(text)
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(value)
    assert info.value.issue_code == code
    assert info.value.path == path
    assert info.value.position is None


def test_policy_syntax_error_is_a_malformed_policy_document() -> None:
    # IAM's error for a bad policy is MalformedPolicyDocument (HTTP 400):
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html#API_CreatePolicy_Errors
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy("{")
    assert info.value.code == "MalformedPolicyDocument"
    assert info.value.status == 400


@pytest.mark.parametrize("operator", ["NullIfExists", "ForAnyValue:NullIfExists"])
def test_null_takes_no_ifexists_suffix(operator: str) -> None:
    # "You can add IfExists to the end of any condition operator name except the Null condition":
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(doc({**ALLOW_ALL, "Condition": {operator: {"aws:TokenIssueTime": "true"}}}))
    assert info.value.issue_code == "INVALID_CONDITION_OPERATOR"


def test_deeply_nested_python_input_raises_policy_syntax_error() -> None:
    # Already-parsed input may come from any JSON library; the parser must answer with its one error type.
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(PolicySyntaxError):
        parse_policy({"Version": "2012-10-17", "Statement": nested})
