"""Wildcard matching for actions, resources, StringLike and ArnLike: ``*`` any run, ``?`` one character.

Patterns compile once into a :class:`Glob`; matching uses ``str.startswith``/``find`` on the literal
chunks between stars, so the evaluation path does no regex work. A pattern is built either from text
(every ``*``/``?`` is a wildcard) or from parts, where substituted policy-variable values stay literal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

STAR = object()
QMARK = object()
Part = str | object  # literal text, STAR or QMARK


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Text between two stars; ``holes`` are the offsets of ``?`` wildcards in it."""

    text: str
    holes: frozenset[int]

    def matches_at(self, subject: str, at: int) -> bool:
        if not self.holes:
            return subject.startswith(self.text, at)
        if at + len(self.text) > len(subject):
            return False
        return all(i in self.holes or subject[at + i] == ch for i, ch in enumerate(self.text))

    def find(self, subject: str, start: int, end: int) -> int:
        if not self.holes:
            return subject.find(self.text, start, end)
        for at in range(start, end - len(self.text) + 1):
            if self.matches_at(subject, at):
                return at
        return -1


class Glob:
    """A compiled wildcard pattern. ``Glob.compile("s3:Get*").match("s3:GetObject")``."""

    __slots__ = ("_chunks", "_exact", "_has_star", "ignore_case", "source")

    def __init__(self, parts: Iterable[Part], *, ignore_case: bool = False, source: str = "") -> None:
        self.ignore_case = ignore_case
        self.source = source
        chunks: list[_Chunk] = []
        text: list[str] = []
        holes: set[int] = set()
        has_star = False
        for part in parts:
            if part is STAR:
                chunks.append(_Chunk("".join(text), frozenset(holes)))
                text, holes = [], set()
                has_star = True
            elif part is QMARK:
                holes.add(sum(len(t) for t in text))
                text.append("?")
            else:
                assert isinstance(part, str)
                text.append(part.lower() if ignore_case else part)
        chunks.append(_Chunk("".join(text), frozenset(holes)))
        self._chunks = tuple(chunks)
        self._has_star = has_star
        only = chunks[0]
        self._exact = only.text if not has_star and not only.holes else None

    @classmethod
    def compile(cls, pattern: str, *, ignore_case: bool = False) -> Glob:
        return cls(split_wildcards(pattern), ignore_case=ignore_case, source=pattern)

    @property
    def is_literal(self) -> bool:
        return self._exact is not None

    @property
    def literal(self) -> str | None:
        return self._exact

    @property
    def matches_everything(self) -> bool:
        return self._has_star and all(not c.text for c in self._chunks)

    def match(self, subject: str) -> bool:
        if self.ignore_case:
            subject = subject.lower()
        if self._exact is not None:
            return subject == self._exact
        chunks = self._chunks
        first, last = chunks[0], chunks[-1]
        if not self._has_star:
            return len(subject) == len(first.text) and first.matches_at(subject, 0)
        if len(subject) < len(first.text) + len(last.text):
            return False
        if not first.matches_at(subject, 0):
            return False
        end = len(subject) - len(last.text)
        if not last.matches_at(subject, end):
            return False
        pos = len(first.text)
        for chunk in chunks[1:-1]:
            found = chunk.find(subject, pos, end)
            if found < 0:
                return False
            pos = found + len(chunk.text)
        return True

    def __repr__(self) -> str:
        return f"Glob({self.source!r})"


def split_wildcards(text: str) -> list[Part]:
    """Split text into literal parts and STAR/QMARK markers."""
    parts: list[Part] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "*?":
            if i > start:
                parts.append(text[start:i])
            parts.append(STAR if ch == "*" else QMARK)
            start = i + 1
    if start < len(text):
        parts.append(text[start:])
    return parts
