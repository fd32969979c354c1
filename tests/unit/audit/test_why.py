"""``iamd audit why`` wording of a recorded decision."""

from __future__ import annotations

from typing import Any

from iamd.audit.why import explain

USER = "arn:aws:iam::123456789012:user/alice"


def event(decision: dict[str, Any] | None, error: str | None = "AccessDenied") -> dict[str, Any]:
    out: dict[str, Any] = {
        "requestID": "r-1",
        "eventTime": "2026-11-23T10:00:00Z",
        "sourceIPAddress": "127.0.0.1",
        "eventSource": "iam.amazonaws.com",
        "eventName": "ListUsers",
        "userIdentity": {"type": "IAMUser", "arn": USER},
    }
    if error:
        out["errorCode"], out["errorMessage"] = error, "User: ... is not authorized"
    if decision is not None:
        out["additionalEventData"] = {"iamdDecision": decision}
    return out


def test_implicit_deny_names_the_missing_layer() -> None:
    lines = explain(
        event(
            {
                "decision": "ImplicitDeny",
                "action": "iam:ListUsers",
                "resource": "arn:aws:iam::123456789012:user/",
                "statements": [],
                "missing_allow": {"layer": "boundary"},
                "enforced": True,
            }
        )
    )
    assert f"principal: {USER}" in lines
    assert "action:    iam:ListUsers" in lines
    assert "missing:   no permissions boundary allows iam:ListUsers" in lines
    assert any(line.startswith("to change: add an Allow for iam:ListUsers") for line in lines)
    assert lines[-1] == "message:   User: ... is not authorized"


def test_explicit_deny_names_the_statement() -> None:
    statement = {"layer": "identity", "policy": 0, "statement": 1, "sid": "NoList", "effect": "Deny"}
    lines = explain(
        event(
            {
                "decision": "ExplicitDeny",
                "action": "iam:ListUsers",
                "resource": "*",
                "statements": [statement],
                "enforced": True,
            }
        )
    )
    assert '  - Deny statement 1 Sid "NoList" of policy 0 in the identity-based policy' in lines
    assert any(line.startswith("to change: remove or narrow") for line in lines)


def test_failure_before_policies() -> None:
    lines = explain(event(None, "SignatureDoesNotMatch"))
    assert "outcome:   SignatureDoesNotMatch (decided before any policy was evaluated)" in lines
    assert "resource:  (not reached)" in lines


def test_audit_mode_says_not_enforced() -> None:
    lines = explain(
        event(
            {
                "decision": "ImplicitDeny",
                "action": "iam:ListUsers",
                "resource": "*",
                "statements": [],
                "missing_allow": {"layer": "identity"},
                "enforced": False,
            },
            None,
        )
    )
    assert "outcome:   ImplicitDeny (not enforced: --auth-mode audit)" in lines
