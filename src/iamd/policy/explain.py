"""The engine's answer and its account of why, including AWS's AccessDenied wording.

Messages follow the form AWS returns since 2021
(https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
"User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based policy allows
the ACTION action" or "... with an explicit deny in a service control policy".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from iamd.policy.request import Request

Layer = Literal["identity", "resource", "boundary", "session", "scp", "rcp"]
Outcome = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]

# How AWS names each policy type in its messages.
LAYER_NOUNS: dict[str, str] = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
}


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


@dataclass(frozen=True, slots=True)
class StatementRef:
    """One statement that applied: where it is (layer, SCP/RCP level, policy index, statement index)."""

    layer: Layer
    level: int | None
    policy: int
    statement: int
    sid: str | None
    effect: Literal["Allow", "Deny"]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"layer": self.layer, "policy": self.policy, "statement": self.statement}
        if self.level is not None:
            out["level"] = self.level
        out["sid"] = self.sid
        out["effect"] = self.effect
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    decision: Outcome
    statements: tuple[StatementRef, ...]  # the denies that decided, or the allows that applied
    missing: Layer | None  # ImplicitDeny: the layer that lacked an Allow
    missing_level: int | None  # ... and, for SCPs and RCPs, the level
    cross_account: bool
    request: Request = field(repr=False, compare=False)
    trust: bool = field(default=False, repr=False, compare=False)  # the resource policy is a trust policy

    @property
    def message(self) -> str:
        """AWS's wording of the outcome (rendered on demand: most decisions are never shown)."""
        return render_message(self.request, self.decision, self.statements, self.missing, trust=self.trust)

    @property
    def allowed(self) -> bool:
        return self.decision == "Allow"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message": self.message,
            "cross_account": self.cross_account,
            "statements": [s.to_json() for s in self.statements],
        }
        if self.decision == "ImplicitDeny":
            out["missing_allow"] = {"layer": self.missing}
            if self.missing_level is not None:
                out["missing_allow"]["level"] = self.missing_level
        return out


def render_message(
    request: Request,
    outcome: Outcome,
    statements: Sequence[StatementRef],
    missing: Layer | None,
    *,
    trust: bool,
) -> str:
    """AWS's wording; ``trust`` says the resource-based policy is a role trust policy.

    Two quirks from https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html: a
    denial by a service control policy always reads "with an explicit deny in a service control policy",
    even when no SCP statement denies (the decision itself stays ImplicitDeny), and a trust policy is
    named "the role trust policy".
    """
    who = request.principal.label()
    if outcome == "Allow":
        return f"User: {who} is authorized to perform: {request.action} on resource: {request.resource}"
    base = f"User: {who} is not authorized to perform: {request.action} on resource: {request.resource}"
    layer = statements[0].layer if outcome == "ExplicitDeny" else missing or "identity"
    if outcome == "ExplicitDeny" or layer == "scp":
        if layer == "resource" and trust:
            return f"{base} with an explicit deny in the role trust policy"
        noun = LAYER_NOUNS[layer]
        return f"{base} with an explicit deny in {_article(noun)} {noun}"
    return f"{base} because no {LAYER_NOUNS[layer]} allows the {request.action} action"
