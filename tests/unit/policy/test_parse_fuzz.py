"""Parser fuzzing: whatever arrives, ``parse_policy`` answers with a document or PolicySyntaxError, quickly.

Why: IAM answers any malformed policy with MalformedPolicyDocument (HTTP 400), never a server error —
https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html#API_PutUserPolicy_Errors — and
iamd's own rule is that no client mistake yields a traceback (shared/DESIGN.md, Non-negotiables).
Runs are derandomized and use no example database, so CI sees the same inputs every time; the deadline
is generous (a loaded 2-core machine) but catches a parser that hangs or goes quadratic.
"""

from __future__ import annotations

import contextlib
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamd.policy import PolicySyntaxError, compile_json, parse_policy
from iamd.policy.ast import PolicyDocument

FUZZ = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)

# Names the parser looks for, so that random objects reach past the first checks.
ELEMENTS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource"]
OPERATORS = ["StringEquals", "ForAnyValue:StringLike", "NumericLessThanIfExists", "Null", "Bool", "IpAddress"]
VERSIONS = ["2012-10-17", "2008-10-17"]
VALUES = [
    "Allow",
    "Deny",
    "*",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "aws:username",
    "s3:GetObject",
]
GRAMMAR_WORDS = [
    "Version", "Id", "Statement", "Condition", *ELEMENTS, *OPERATORS, *VERSIONS, *VALUES,
    "arn:aws:s3:::bucket/*", "${aws:username}",
]  # fmt: skip

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(GRAMMAR_WORDS)
)
KEYS = st.sampled_from(GRAMMAR_WORDS) | st.text(max_size=10)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=40,
)


@st.composite
def policy_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A document built from the grammar's own parts, each of which may be swapped for junk."""

    def maybe(good: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(good, good, good, JSON_VALUES))

    def strings() -> st.SearchStrategy[Any]:
        return st.sampled_from(GRAMMAR_WORDS) | st.lists(st.sampled_from(GRAMMAR_WORDS), max_size=3)

    statement: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(ELEMENTS), max_size=7, unique=True)):
        statement[key] = maybe(strings())
    if draw(st.booleans()):
        operator = draw(st.sampled_from(OPERATORS) | st.text(max_size=12))
        statement["Condition"] = maybe(
            st.just({operator: maybe(st.dictionaries(KEYS, strings(), max_size=2))})
        )
    document: dict[str, Any] = {
        "Statement": maybe(st.just(statement) | st.lists(st.just(statement), max_size=2))
    }
    if draw(st.booleans()):
        document["Version"] = maybe(st.sampled_from(VERSIONS))
    return document


def parse_or_syntax_error(source: object) -> None:
    try:
        result = parse_policy(source)
    except PolicySyntaxError as error:
        assert error.issue_code and error.message
        return
    assert isinstance(result, PolicyDocument)


@FUZZ
@given(JSON_VALUES)
def test_any_json_value_as_python(value: object) -> None:
    parse_or_syntax_error(value)


@FUZZ
@given(JSON_VALUES)
def test_any_json_value_as_text(value: object) -> None:
    parse_or_syntax_error(json.dumps(value))


@FUZZ
@given(policy_shaped())
def test_policy_shaped_values_as_python_and_text(document: dict[str, Any]) -> None:
    parse_or_syntax_error(document)
    parse_or_syntax_error(json.dumps(document, indent=2))


@FUZZ
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    parse_or_syntax_error(text)


VALID = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "A",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": "arn:aws:s3:::b/${aws:username}/*",
                "Condition": {
                    "IpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                    "Bool": {"aws:SecureTransport": True},
                },
            }
        ],
    },
    indent=1,
)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 3), st.text(max_size=3)), max_size=4))
def test_corrupted_valid_text(edits: list[tuple[int, int, str]]) -> None:
    """A valid policy with a few characters deleted or inserted: typos, truncation, stray quotes."""
    text = VALID
    for at, delete, insert in edits:
        text = text[:at] + insert + text[at + delete :]
    parse_or_syntax_error(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "{" * 100_000,
        '{"Statement": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '"' + "a" * 1_000_000,
        '{"Statement": [' + ",".join(['{"Effect": "Allow", "Action": "*"}'] * 20_000) + "]}",
        '{"Statement": {"Effect": "Allow", "Action": "' + "*?" * 100_000 + '"}}',
    ],
    ids=["open-arrays", "open-objects", "deep-arrays", "long-string", "many-statements", "long-wildcard"],
)
def test_large_inputs_finish_quickly(text: str) -> None:
    start = time.perf_counter()
    parse_or_syntax_error(text)
    assert time.perf_counter() - start < 10


# compile_json is how iamd compiles documents that arrive already parsed (by json.loads, for example).
# Values json.loads can produce: any integer (no 64-bit limit) and lone surrogates from "\ud800" escapes.
PYTHON_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.fixed_dictionaries({"Version": st.just("2012-10-17"), "Statement": PYTHON_JSON}))
def test_compile_json_only_raises_policy_syntax_error(document: dict[str, Any]) -> None:
    with contextlib.suppress(PolicySyntaxError):
        compile_json(document, with_principals=True)


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"NumericLessThan": {"k": 10**30}}}},
        {"Statement": {"Sid": "\ud800", "Effect": "Allow", "Action": "*"}},
    ],
    ids=["integer-beyond-64-bits", "lone-surrogate"],
)
def test_compile_json_accepts_what_json_loads_produces(document: dict[str, Any]) -> None:
    # Both come from valid JSON texts (RFC 8259 allows any number and "\ud800" escapes); parse_policy
    # reads both, so compiling them must not fail with orjson's TypeError.
    parse_policy(document)
    compile_json(document, with_principals=False)
