"""The models' Java patterns in Python: whole-value match, ASCII \\w and \\d, \\p{L}/\\p{Z}/\\p{N}.

Source: the patterns in src/iamd/wire/models/*.json (AWS's models); Java's ``Pattern.matches``
semantics (java.util.regex: \\w is [a-zA-Z_0-9] unless UNICODE_CHARACTER_CLASS is set).
"""

from __future__ import annotations

import warnings

import pytest

from iamd.wire.patterns import compile_pattern, translate
from iamd.wire.service_model import SERVICE_NAMES, load_service_model

NAME = r"[\w+=,.@-]+"
TAG_KEY = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
TAG_VALUE = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
PATH = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
DOCUMENT = r"[\u0009\u000A\u000D\u0020-\u00FF]+"
ALIAS = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"

CASES = [
    (NAME, "alice", True),
    (NAME, "a+b=c,d.e@f_g-h", True),
    (NAME, "a b", False),
    (NAME, "é", False),  # Java's \w is ASCII
    (NAME, "a/b", False),
    (NAME, "", False),
    (NAME, "alice\n", False),  # whole-value match: no trailing newline slack
    (TAG_KEY, "Cost Center", True),
    (TAG_KEY, "ключ", True),
    (TAG_KEY, "日本", True),
    (TAG_KEY, "٣", True),  # Arabic-Indic digit: \p{N}
    (TAG_KEY, "a\u00a0b", True),  # no-break space: \p{Z}
    (TAG_KEY, "a*b", False),
    (TAG_KEY, "a\tb", False),  # tab is a control character, not \p{Z}
    (TAG_VALUE, "", True),
    (PATH, "/", True),
    (PATH, "/a/b/", True),
    (PATH, "/a", False),
    (PATH, "a/", False),
    (DOCUMENT, '{"a": "ü"}\r\n', True),
    (DOCUMENT, "\u2603", False),
    (ALIAS, "my-alias", True),
    (ALIAS, "my--alias", False),
    (ALIAS, "-alias", False),
]


@pytest.mark.parametrize(("pattern", "value", "matches"), CASES)
def test_pattern(pattern: str, value: str, matches: bool) -> None:
    assert compile_pattern(pattern)(value) is matches


def test_every_model_pattern_compiles_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for service in SERVICE_NAMES:
            for shape in load_service_model(service).shapes.values():
                if shape.pattern is not None:
                    compile_pattern(shape.pattern)


def test_unicode_escapes_pass_through() -> None:
    assert translate(PATH) == PATH


def test_categories_outside_a_class_become_a_class() -> None:
    assert translate(r"\p{Z}").startswith("[\\U00000020-")


@pytest.mark.parametrize("pattern", [r"\p{Lu}", r"[\P{L}]"])
def test_unsupported_constructs_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"unsupported|inside a character class"):
        translate(pattern)
