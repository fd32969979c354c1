"""The models' ``pattern`` constraints (Java regular expressions) as compiled Python regexes.

AWS validates with Java's ``Pattern.matches``: the whole value must match, ``\\w`` and ``\\d`` are
ASCII-only, and ``\\p{L}``-style Unicode categories are allowed. Python's ``re`` lacks ``\\p{..}``, so
those are replaced by explicit code point ranges read from ``models/unicode_categories.json``
(written by ``scripts/refresh_service_models.py``); ``re.ASCII`` gives ``\\w``/``\\d`` Java's meaning.
``\\uXXXX`` escapes mean the same in both dialects (exactly four hex digits), so they pass through.
Each distinct pattern is translated and compiled once per process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

import orjson


@functools.cache
def _category_ranges() -> dict[str, str]:
    """Each category letter mapped to the body of a character class covering it."""
    raw = orjson.loads(
        resources.files("iamd.wire").joinpath("models", "unicode_categories.json").read_bytes()
    )
    return {
        category: "".join(f"\\U{first:08X}-\\U{last:08X}" for first, last in raw[category])
        for category in ("L", "Z", "N")
    }


def translate(java_pattern: str) -> str:
    """The Python ``re`` spelling of one Java pattern from a service model."""
    out: list[str] = []
    in_class = False
    i = 0
    length = len(java_pattern)
    while i < length:
        char = java_pattern[i]
        if char == "\\" and i + 1 < length:
            escaped = java_pattern[i + 1]
            if escaped in "pP" and i + 2 < length and java_pattern[i + 2] == "{":
                end = java_pattern.index("}", i + 3)
                category = java_pattern[i + 3 : end]
                ranges = _category_ranges().get(category)
                if ranges is None:
                    raise ValueError(f"unsupported Unicode category \\p{{{category}}} in {java_pattern!r}")
                negated = escaped == "P"
                if in_class:
                    if negated:
                        raise ValueError(f"\\P{{..}} inside a character class in {java_pattern!r}")
                    out.append(ranges)
                else:
                    out.append(f"[{'^' if negated else ''}{ranges}]")
                i = end + 1
                continue
            out.append(java_pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            # A leading "^" or "]" belongs to the class syntax, not its end.
            if i + 1 < length and java_pattern[i + 1] == "^":
                out.append("^")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        elif char == "[" and in_class:
            out.append("\\[")  # Java would nest classes; none of the models do, so keep it literal
        else:
            out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def compile_pattern(java_pattern: str) -> Callable[[str], bool]:
    """A predicate telling whether a whole value satisfies ``java_pattern``, as AWS checks it."""
    regex = re.compile(translate(java_pattern), re.ASCII | re.DOTALL)
    fullmatch = regex.fullmatch
    return lambda value: fullmatch(value) is not None
