"""The decision behind an AccessDenied, for the event: the Authorizer raises without it."""

from __future__ import annotations

from iamd.policy import Decision
from iamd.services.authorize import Authorizer
from iamd.services.call import Call, Target


def denial_of(authorizer: Authorizer, call: Call, action: str, target: Target) -> tuple[str, Decision | None]:
    """The first of the request's actions the policies do not allow, and that decision; ``None`` when the
    refusal came before policies (what some temporary credentials may never call)."""
    for one in (action, *target.also_actions):
        decision = authorizer.decide(call, one, target)
        if not decision.allowed:
            return one, decision
    return action, None
