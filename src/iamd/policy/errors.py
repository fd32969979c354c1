"""The one error type of the policy package: a document that cannot be understood."""

from __future__ import annotations

from iamd.errors import MalformedPolicyDocument
from iamd.policy.jsonpos import JsonPath, Position


def render_path(path: JsonPath) -> str:
    """``("Statement", 0, "Effect")`` → ``Statement[0].Effect`` (empty path → ``$``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "$"


class PolicySyntaxError(MalformedPolicyDocument):
    """A malformed policy document, with where it is wrong.

    ``issue_code`` names the problem in Access Analyzer's style (``MISSING_EFFECT``, ``JSON_SYNTAX_ERROR``,
    ...); ``message`` is the text AWS-compatible callers show; ``path`` and ``position`` locate it.
    """

    def __init__(
        self, issue_code: str, message: str, path: JsonPath = (), position: Position | None = None
    ) -> None:
        super().__init__(message)
        self.issue_code = issue_code
        self.path = path
        self.position = position

    @property
    def location(self) -> str:
        where = render_path(self.path)
        if self.position is not None:
            where += f" (line {self.position.line}, column {self.position.column})"
        return where

    def __str__(self) -> str:
        return f"{self.message} at {self.location}"
