"""``iamd audit why``: one event's decision told plainly: who, what, on which resource, what decided
it, and what would change it. Pure: takes the recorded event, returns lines."""

from __future__ import annotations

from typing import Any

from iamd.policy.explain import LAYER_NOUNS


def _statement(ref: dict[str, Any]) -> str:
    where = LAYER_NOUNS.get(str(ref.get("layer")), str(ref.get("layer")))
    level = f" (level {ref['level']})" if ref.get("level") is not None else ""
    sid = f' Sid "{ref["sid"]}"' if ref.get("sid") else ""
    return (
        f"{ref.get('effect')} statement {ref.get('statement')}{sid} of policy {ref.get('policy')} "
        f"in the {where}{level}"
    )


def explain(event: dict[str, Any]) -> list[str]:
    identity = event.get("userIdentity", {})
    decision: dict[str, Any] = event.get("additionalEventData", {}).get("iamdDecision") or {}
    principal = identity.get("arn") or f"({identity.get('type', 'Unknown')} identity)"
    action = decision.get("action") or f"{event['eventSource'].split('.')[0]}:{event['eventName']}"
    lines = [
        f"request:   {event['requestID']} at {event['eventTime']} from {event.get('sourceIPAddress')}",
        f"principal: {principal}",
        f"action:    {action}",
        f"resource:  {decision.get('resource', '(not reached)')}",
    ]
    outcome = decision.get("decision")
    error = event.get("errorCode")
    if outcome is None:
        lines.append(f"outcome:   {error or 'Success'} (decided before any policy was evaluated)")
    elif outcome == "Refused":
        lines.append("outcome:   Refused: these temporary credentials may never call this action")
    else:
        enforced = "" if decision.get("enforced", True) else " (not enforced: --auth-mode audit)"
        lines.append(f"outcome:   {outcome}{enforced}")
    statements = decision.get("statements") or []
    if statements:
        lines.append("decided by:")
        lines += [f"  - {_statement(ref)}" for ref in statements]
    missing = (decision.get("missing_allow") or {}).get("layer")
    if outcome == "ImplicitDeny" and missing:
        lines.append(f"missing:   no {LAYER_NOUNS.get(missing, missing)} allows {action}")
        lines.append(
            f"to change: add an Allow for {action} on {decision.get('resource')} to the "
            f"{LAYER_NOUNS.get(missing, missing)}"
        )
    elif outcome == "ExplicitDeny":
        lines.append("to change: remove or narrow the Deny statements above (an explicit deny always wins)")
    message = event.get("errorMessage") or decision.get("message")
    if message:
        lines.append(f"message:   {message}")
    encoded = event.get("additionalEventData", {}).get("encodedAuthorizationMessage")
    if encoded:  # decodes through STS like an AWS "Encoded authorization failure message"
        lines.append(f"encoded:   {encoded}")
        lines.append("decode:    aws sts decode-authorization-message --encoded-message <encoded>")
    return lines
