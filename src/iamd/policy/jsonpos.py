"""A small JSON reader that remembers where every value and key starts.

The standard library parser forgets positions, and validators and error messages need them (JSON path plus
line and column in the original text). Objects are returned as lists of (key, value) pairs wrapped in
:class:`JsonObject` so that duplicate keys survive for the validator; arrays as lists. Numbers keep their
source text so that ``10`` and ``10.0`` stay distinguishable where AWS treats values as strings.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True)
class JsonObject:
    """A JSON object with its members in source order (duplicate keys kept)."""

    pairs: list[tuple[str, JsonValue]]

    def get(self, key: str) -> JsonValue | None:
        for k, v in self.pairs:
            if k == key:
                return v
        return None

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.pairs)

    def keys(self) -> list[str]:
        return [k for k, _ in self.pairs]


@dataclass(frozen=True, slots=True)
class JsonNumber:
    text: str

    @property
    def value(self) -> int | float:
        return float(self.text) if any(c in self.text for c in ".eE") else int(self.text)


JsonValue = JsonObject | list["JsonValue"] | str | JsonNumber | bool | None


@dataclass(slots=True)
class Located:
    """A parsed document plus the start position of every value (by JSON path)."""

    value: JsonValue
    positions: dict[JsonPath, Position] = field(default_factory=dict)

    def position(self, path: JsonPath) -> Position | None:
        """The position of ``path``, or of its nearest located ancestor."""
        while True:
            pos = self.positions.get(path)
            if pos is not None or not path:
                return pos
            path = path[:-1]


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(f"{message} (line {position.line}, column {position.column})")
        self.reason = message
        self.position = position


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WS = " \t\n\r"
_NUMBER_CHARS = frozenset("+-0123456789.eE")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
MAX_DEPTH = 200


class _Reader:
    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.i = 0
        self.line_offset = line_offset
        self.positions: dict[JsonPath, Position] = {}
        # Line starts, for turning offsets into (line, column) only when recording a position.
        self.line_starts = [0]
        for n, ch in enumerate(text):
            if ch == "\n":
                self.line_starts.append(n + 1)

    def pos(self, offset: int | None = None) -> Position:
        off = self.i if offset is None else offset
        line = bisect.bisect_right(self.line_starts, off) - 1
        return Position(line + 1 + self.line_offset, off - self.line_starts[line] + 1)

    def fail(self, message: str) -> JsonSyntaxError:
        return JsonSyntaxError(message, self.pos())

    def skip_ws(self) -> None:
        text, i, n = self.text, self.i, len(self.text)
        while i < n and text[i] in _WS:
            i += 1
        self.i = i

    def value(self, path: JsonPath, depth: int) -> JsonValue:
        if depth > MAX_DEPTH:
            raise self.fail("JSON nested too deeply")
        self.skip_ws()
        if self.i >= len(self.text):
            raise self.fail("Unexpected end of JSON input")
        self.positions[path] = self.pos()
        ch = self.text[self.i]
        if ch == "{":
            return self.obj(path, depth)
        if ch == "[":
            return self.arr(path, depth)
        if ch == '"':
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.i):
                self.i += len(word)
                return val
        if ch in "-0123456789":
            return self.number()
        raise self.fail(f"Unexpected character {ch!r}")

    def obj(self, path: JsonPath, depth: int) -> JsonObject:
        self.i += 1
        pairs: list[tuple[str, JsonValue]] = []
        self.skip_ws()
        if self.text.startswith("}", self.i):
            self.i += 1
            return JsonObject(pairs)
        while True:
            self.skip_ws()
            if not self.text.startswith('"', self.i):
                raise self.fail("Expected a string key")
            key = self.string()
            self.skip_ws()
            if not self.text.startswith(":", self.i):
                raise self.fail("Expected ':' after key")
            self.i += 1
            pairs.append((key, self.value((*path, key), depth + 1)))
            self.skip_ws()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            if self.text.startswith("}", self.i):
                self.i += 1
                return JsonObject(pairs)
            raise self.fail("Expected ',' or '}' in object")

    def arr(self, path: JsonPath, depth: int) -> list[JsonValue]:
        self.i += 1
        items: list[JsonValue] = []
        self.skip_ws()
        if self.text.startswith("]", self.i):
            self.i += 1
            return items
        while True:
            items.append(self.value((*path, len(items)), depth + 1))
            self.skip_ws()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            if self.text.startswith("]", self.i):
                self.i += 1
                return items
            raise self.fail("Expected ',' or ']' in array")

    def string(self) -> str:
        text = self.text
        start = self.i + 1
        i = start
        chunks: list[str] = []
        while True:
            j = i
            while j < len(text) and text[j] != '"' and text[j] != "\\" and text[j] >= " ":
                j += 1
            chunks.append(text[i:j])
            if j >= len(text):
                raise JsonSyntaxError("Unterminated string", self.pos(start - 1))
            ch = text[j]
            if ch == '"':
                self.i = j + 1
                return "".join(chunks)
            if ch < " ":
                raise JsonSyntaxError("Control character in string", self.pos(j))
            esc = text[j + 1 : j + 2]
            if esc in _ESCAPES:
                chunks.append(_ESCAPES[esc])
                i = j + 2
            elif esc == "u":
                hexdigits = text[j + 2 : j + 6]
                if len(hexdigits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in hexdigits):
                    raise JsonSyntaxError("Invalid \\u escape", self.pos(j))
                code = int(hexdigits, 16)
                i = j + 6
                if 0xD800 <= code < 0xDC00 and text[i : i + 2] == "\\u":
                    low = text[i + 2 : i + 6]
                    if len(low) == 4 and all(c in "0123456789abcdefABCDEF" for c in low):
                        low_code = int(low, 16)
                        if 0xDC00 <= low_code < 0xE000:
                            code = 0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)
                            i += 6
                chunks.append(chr(code))
            else:
                raise JsonSyntaxError("Invalid escape in string", self.pos(j))

    def number(self) -> JsonNumber:
        start = self.i
        text = self.text
        i = start
        while i < len(text) and text[i] in _NUMBER_CHARS:
            i += 1
        literal = text[start:i]
        if _JSON_NUMBER.fullmatch(literal) is None:
            raise JsonSyntaxError(f"Invalid number {literal!r}", self.pos(start))
        self.i = i
        return JsonNumber(literal)


def loads(text: str, *, line_offset: int = 0) -> Located:
    """Parse one JSON document; raise :class:`JsonSyntaxError` with a position on bad input."""
    reader = _Reader(text, line_offset)
    value = reader.value((), 0)
    reader.skip_ws()
    if reader.i != len(text):
        raise reader.fail("Unexpected text after the JSON document")
    return Located(value, reader.positions)


def from_plain(value: object, _depth: int = 0) -> JsonValue:
    """Convert already-parsed Python JSON (dicts, lists, ...) into this module's value types.

    Raises ValueError for nesting deeper than the text reader accepts, TypeError for non-JSON values."""
    if _depth > MAX_DEPTH:
        raise ValueError("JSON nested too deeply")
    if isinstance(value, dict):
        return JsonObject([(str(k), from_plain(v, _depth + 1)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return [from_plain(v, _depth + 1) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return JsonNumber(repr(value) if isinstance(value, float) else str(value))
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def to_plain(value: JsonValue) -> object:
    """Convert back to plain Python JSON (last duplicate key wins, as json.loads does)."""
    if isinstance(value, JsonObject):
        return {k: to_plain(v) for k, v in value.pairs}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, JsonNumber):
        return value.value
    return value
