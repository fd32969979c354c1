"""Wildcard matching for actions, resources, StringLike and ArnLike: ``*`` any run, ``?`` one character.

Resource ARNs add one rule: a ``*`` inside a colon-separated segment stays inside it, and only a ``*`` that
ends its segment may expand beyond colon boundaries
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
Build such patterns with ``segment_sep=":"``.

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

    __slots__ = ("_bounded", "_chunks", "_exact", "_has_star", "_sep", "ignore_case", "source")

    def __init__(
        self,
        parts: Iterable[Part],
        *,
        ignore_case: bool = False,
        source: str = "",
        segment_sep: str | None = None,
    ) -> None:
        self.ignore_case = ignore_case
        self.source = source
        self._sep = segment_sep
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
        # Star i sits between chunk i and chunk i+1. With a segment separator, a star that does not end
        # its segment (the next chunk neither is empty at the end nor starts with the separator) is bounded.
        self._bounded = tuple(
            segment_sep is not None
            and not (i + 1 == len(chunks) - 1 and not nxt.text)
            and not nxt.text.startswith(segment_sep)
            for i, nxt in enumerate(chunks[1:])
        )
        self._has_star = has_star
        only = chunks[0]
        self._exact = only.text if not has_star and not only.holes else None

    @classmethod
    def compile(cls, pattern: str, *, ignore_case: bool = False, segment_sep: str | None = None) -> Glob:
        return cls(split_wildcards(pattern), ignore_case=ignore_case, source=pattern, segment_sep=segment_sep)

    @property
    def is_literal(self) -> bool:
        return self._exact is not None

    @property
    def literal(self) -> str | None:
        return self._exact

    @property
    def matches_everything(self) -> bool:
        return self._has_star and all(not c.text for c in self._chunks) and not any(self._bounded)

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
        bounded, sep = self._bounded, self._sep
        for i, chunk in enumerate(chunks[1:-1]):
            found = chunk.find(subject, pos, end)
            if found < 0:
                return False
            # Leftmost is optimal: a later match would leave a wider gap, containing the same separator.
            if bounded[i] and sep is not None and sep in subject[pos:found]:
                return False
            pos = found + len(chunk.text)
        return not (bounded[-1] and self._sep is not None and self._sep in subject[pos:end])

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
