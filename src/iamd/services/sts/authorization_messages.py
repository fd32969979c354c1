"""STS DecodeAuthorizationMessage, and the encoded authorization messages it decodes.

In AWS, services such as EC2 append "Encoded authorization failure message: <text>" to some AccessDenied
errors; IAM and STS never do, so iamd leaves their error messages exactly as AWS words them. iamd's
producer of encoded messages is the audit trail instead: every denied request's event carries one
(``additionalEventData.encodedAuthorizationMessage``) and ``iamd audit why`` prints it, so a user
decodes it as they would decode an AWS one.

The decoded document follows the shape AWS documents and returns
(https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html and the
AWS CLI example at https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html):
``allowed``, ``explicitDeny``, ``matchedStatements`` (the Deny statements that decided, effect in
capitals), ``failures``, and ``context`` (principal id/name/arn, the action with its service prefix, the
resource and the request's condition keys with their values).

DecodeAuthorizationMessage needs ``sts:DecodeAuthorizationMessage`` (on ``*``) and opens only messages
this server sealed for the caller's account (see :mod:`iamd.auth.authorization_messages`).
"""

from __future__ import annotations

from typing import Any

from iamd.auth.authorization_messages import open_message, seal_message
from iamd.policy import CompiledPolicy, Decision, PolicySet, StatementRef
from iamd.policy.ast import Statement, Text
from iamd.policy.variables import ContextValue
from iamd.services.authorize import caller_policy_set, global_context
from iamd.services.call import Call, Operation, Params, Result, Target


def _items(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": values}


def _values(values: tuple[Text, ...] | None) -> dict[str, Any]:
    return _items([{"value": text.value} for text in values or ()])


def _policies_of(policy_set: PolicySet, ref: StatementRef) -> tuple[CompiledPolicy, ...]:
    if ref.layer in ("scp", "rcp"):
        levels = policy_set.scp if ref.layer == "scp" else policy_set.rcp
        return next((layer.policies for layer in levels if layer.level == ref.level), ())
    layer = getattr(policy_set, ref.layer)
    return layer.policies if layer is not None else ()


def _statement_of(policy_set: PolicySet, ref: StatementRef) -> Statement | None:
    policies = _policies_of(policy_set, ref)
    if not 0 <= ref.policy < len(policies):
        return None
    return next((s for s in policies[ref.policy].document.statements if s.index == ref.statement), None)


def _identity_id(call: Call) -> str:
    """The unique id of the identity whose policies decided (AWS lists it under ``principals``)."""
    caller = call.caller
    if caller.role is not None:
        return caller.role.id
    if caller.user is not None:
        return caller.user.id
    return caller.user_id


def _matched_statement(call: Call, policy_set: PolicySet, ref: StatementRef) -> dict[str, Any]:
    statement = _statement_of(policy_set, ref)
    conditions = [
        {"key": clause.key, "values": _values(clause.values)}
        for clause in (statement.conditions if statement is not None else ())
    ]
    return {
        "statementId": ref.sid or "",
        "effect": ref.effect.upper(),
        "principals": _items([{"value": _identity_id(call)}]),
        "principalGroups": _items([]),
        "actions": _values(statement.action or statement.not_action if statement is not None else None),
        "resources": _values(statement.resource or statement.not_resource if statement is not None else None),
        "conditions": _items(conditions),
    }


def _context_values(value: ContextValue) -> dict[str, Any]:
    values = (value,) if isinstance(value, str) else tuple(value)
    return _items([{"value": str(one)} for one in values])


def _principal(call: Call) -> dict[str, str]:
    caller = call.caller
    principal = {"id": caller.user_id}
    if caller.kind == "user" and caller.user is not None:
        principal["name"] = caller.user.name
    principal["arn"] = caller.arn
    return principal


def decision_document(call: Call, action: str, target: Target, decision: Decision | None) -> dict[str, Any]:
    """What DecodeAuthorizationMessage shows for this denied request. ``decision`` is None when the
    request was refused before any policy was evaluated (what some temporary credentials may not call)."""
    explicit = decision is not None and decision.decision == "ExplicitDeny"
    matched: list[dict[str, Any]] = []
    if explicit and decision is not None:
        policy_set = caller_policy_set(call, target.resource_policy)
        matched = [
            _matched_statement(call, policy_set, ref) for ref in decision.statements if ref.effect == "Deny"
        ]
    context = global_context(call.caller, call.meta)
    context.update(target.context)
    conditions = [{"key": key, "values": _context_values(value)} for key, value in sorted(context.items())]
    return {
        "allowed": False,
        "explicitDeny": explicit,
        "matchedStatements": _items(matched),
        "failures": _items([]),
        "context": {
            "principal": _principal(call),
            "action": action,
            "resource": target.resource,
            "conditions": _items(conditions),
        },
    }


def encoded_denial(call: Call, action: str, target: Target, decision: Decision | None) -> str:
    """The encoded authorization message of a denied request, sealed for the caller's account."""
    return seal_message(call.deps.box, decision_document(call, action, target, decision), call.account_id)


def decode_authorization_message(call: Call, params: Params) -> Result:
    decoded = open_message(call.deps.box, params["EncodedMessage"], call.account_id)
    return {"DecodedMessage": decoded}


OPERATIONS: dict[str, Operation] = {
    "DecodeAuthorizationMessage": Operation(
        decode_authorization_message, lambda call, params: Target("*"), writes=False
    ),
}
