"""The positional JSON reader (iamd.policy.jsonpos): values, positions, duplicate keys, errors.

JSON grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259). Why positions and duplicate keys matter:
IAM Access Analyzer's ValidatePolicy reports each finding with a location (path plus line/column span) and
flags duplicate keys — https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicy.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html.
"""

from __future__ import annotations

import json

import pytest

from iamd.policy.jsonpos import (
    JsonNumber,
    JsonObject,
    JsonSyntaxError,
    Position,
    from_plain,
    loads,
    to_plain,
)

VALUES = [
    ("{}", {}),
    ("[]", []),
    ('"x"', "x"),
    ("true", True),
    ("false", False),
    ("null", None),
    ("0", 0),
    ("-0", 0),
    ("10", 10),
    ("1.5", 1.5),
    ("1e3", 1000.0),
    ("-2.5E-2", -0.025),
    (' { "a" : [ 1 , "b" , null ] } ', {"a": [1, "b", None]}),
    ('"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'),
    ('"\\u00e9"', "é"),
    ('"é日本"', "é日本"),
    ('"\\ud83d\\ude00"', "\U0001f600"),  # an escaped surrogate pair joins into one code point
    ('"\U0001f600"', "\U0001f600"),  # the same character written raw
    ('"\\uD83D\\uDE00"', "\U0001f600"),  # hex digits in either case
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_values_match_the_standard_parser(text: str, expected: object) -> None:
    assert to_plain(loads(text).value) == expected
    assert to_plain(loads(text).value) == json.loads(text)


def test_lone_surrogate_escapes_are_kept_as_code_points() -> None:
    # RFC 8259 section 8.2 allows them syntactically; the reader must not crash on them.
    assert loads('"\\ud800"').value == "\ud800"
    assert loads('"\\udc00x"').value == "\udc00x"
    assert loads('"\\ud800\\u0041"').value == "\ud800A"  # high surrogate followed by a non-surrogate


def test_numbers_keep_their_source_text() -> None:
    value = loads("[10, 10.0, 1e1, -0]").value
    assert value == [JsonNumber("10"), JsonNumber("10.0"), JsonNumber("1e1"), JsonNumber("-0")]
    assert JsonNumber("10").value == 10 and isinstance(JsonNumber("10").value, int)
    assert JsonNumber("10.0").value == 10.0 and isinstance(JsonNumber("10.0").value, float)


def test_duplicate_keys_are_kept_in_source_order() -> None:
    obj = loads('{"a": 1, "b": 2, "a": 3}').value
    assert isinstance(obj, JsonObject)
    assert obj.keys() == ["a", "b", "a"]
    assert obj.get("a") == JsonNumber("1")  # get() returns the first occurrence
    assert "b" in obj and "c" not in obj
    assert to_plain(obj) == {"a": 3, "b": 2}  # last one wins, as json.loads does


POSITIONS = [
    ('{"a": 1}', (), Position(1, 1)),
    ('{"a": 1}', ("a",), Position(1, 7)),
    ("  [1, 2]", (1,), Position(1, 7)),
    ('{\n  "Statement": [\n    {"Effect": "Allow"}\n  ]\n}', ("Statement",), Position(2, 16)),
    ('{\n  "Statement": [\n    {"Effect": "Allow"}\n  ]\n}', ("Statement", 0), Position(3, 5)),
    ('{\n  "Statement": [\n    {"Effect": "Allow"}\n  ]\n}', ("Statement", 0, "Effect"), Position(3, 16)),
    ('{\r\n"a":\r\n  true}', ("a",), Position(3, 3)),
    ('{"é": "日本", "b": 1}', ("b",), Position(1, 18)),  # columns count characters, not bytes
]


@pytest.mark.parametrize(("text", "path", "position"), POSITIONS)
def test_positions_are_one_based_line_and_column(
    text: str, path: tuple[str | int, ...], position: Position
) -> None:
    assert loads(text).positions[path] == position


def test_position_falls_back_to_nearest_ancestor() -> None:
    located = loads('{"a": {"b": 1}}')
    assert located.position(("a", "b", "c", 0)) == Position(1, 13)
    assert located.position(("zzz",)) == Position(1, 1)


def test_line_offset_shifts_lines() -> None:
    assert loads('{"a": 1}', line_offset=4).positions[("a",)] == Position(5, 7)


def test_duplicate_key_positions_point_at_the_last_occurrence() -> None:
    # Paths are by key name, so the later duplicate's position is the one remembered.
    assert loads('{"a": 1,\n "a": 2}').positions[("a",)] == Position(2, 7)


ERRORS = [
    ("", Position(1, 1), "Unexpected end"),
    ("   ", Position(1, 4), "Unexpected end"),
    ("{", Position(1, 2), "Expected a string key"),
    ('{"a" 1}', Position(1, 6), "Expected ':'"),
    ('{"a": 1,}', Position(1, 9), "Expected a string key"),
    ('{"a": 1 "b": 2}', Position(1, 9), "Expected ',' or '}'"),
    ("[1 2]", Position(1, 4), "Expected ',' or ']'"),
    ("[1,]", Position(1, 4), "Unexpected character"),
    ('{\n  "a": tru\n}', Position(2, 8), "Unexpected character"),
    ('"abc', Position(1, 1), "Unterminated string"),
    ('"a\nb"', Position(1, 3), "Control character"),
    ('"\\x"', Position(1, 2), "Invalid escape"),
    ('"\\u12"', Position(1, 2), "Invalid \\u escape"),
    ('"\\u12G4"', Position(1, 2), "Invalid \\u escape"),
    ("01", Position(1, 1), "Invalid number"),
    ("-", Position(1, 1), "Invalid number"),
    ("1e", Position(1, 1), "Invalid number"),
    ("+1", Position(1, 1), "Unexpected character"),
    (".5", Position(1, 1), "Unexpected character"),
    ("{} x", Position(1, 4), "Unexpected text after"),
    ("nulls", Position(1, 5), "Unexpected text after"),
    ("NaN", Position(1, 1), "Unexpected character"),
    ("'a'", Position(1, 1), "Unexpected character"),
    ("[" * 300 + "]" * 300, None, "nested too deeply"),
]


@pytest.mark.parametrize(("text", "position", "reason"), ERRORS)
def test_syntax_errors_carry_positions(text: str, position: Position | None, reason: str) -> None:
    with pytest.raises(JsonSyntaxError) as info:
        loads(text)
    assert reason in info.value.reason
    if position is not None:
        assert info.value.position == position


@pytest.mark.parametrize("text", ["1.", "1.e5", "[1.]", "-1.E2"])
def test_a_fraction_needs_digits_after_the_point(text: str) -> None:
    # RFC 8259 section 6: frac = decimal-point 1*DIGIT. Python's float() accepts "1.", JSON does not.
    with pytest.raises(JsonSyntaxError):
        loads(text)


def test_from_plain_round_trips() -> None:
    plain = {"a": [1, 2.5, True, None, "x"], "b": {}}
    value = from_plain(plain)
    assert isinstance(value, JsonObject)
    assert to_plain(value) == plain
    assert from_plain((1, 2)) == [JsonNumber("1"), JsonNumber("2")]


def test_from_plain_rejects_non_json() -> None:
    with pytest.raises(TypeError):
        from_plain({1, 2})
