"""STS GetSessionToken and GetFederationToken: temporary credentials for an IAM user (or the root user).

- GetSessionToken (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html): needs no
  permission; long-term credentials only; 900 to 129,600 seconds (default 43,200), the root user's sessions
  at most 3,600 (a longer request defaults to one hour); SerialNumber + TokenCode add MFA to the session.
- GetFederationToken (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html):
  needs ``sts:GetFederationToken`` on ``arn:aws:sts::ACCOUNT:federated-user/NAME``; long-term credentials
  only; the session's permissions are the caller's intersected with the session policies (none passed:
  no permissions); session tags need ``sts:TagSession``; same durations.
"""

from __future__ import annotations

from typing import Any

from iamd.errors import AccessDenied
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.sts.sessions import (
    credentials,
    expiry,
    issue,
    packed_policy_size,
    session_request,
    tag_request_context,
    verify_mfa,
)

DEFAULT_DURATION = 43200
ROOT_MAX_DURATION = 3600


def _duration(call: Call, params: Params) -> int:
    duration: int = params.get("DurationSeconds") or DEFAULT_DURATION
    if call.caller.kind == "root":
        return min(duration, ROOT_MAX_DURATION)
    return duration


def _require_long_term(call: Call, operation: str) -> None:
    if call.caller.session is not None or call.caller.kind not in ("user", "root"):
        raise AccessDenied(f"Cannot call {operation} with session credentials")


def get_session_token(call: Call, params: Params) -> Result:
    _require_long_term(call, "GetSessionToken")
    caller = call.caller
    mfa_at = verify_mfa(call, params.get("SerialNumber"), params.get("TokenCode"))
    session, token = issue(
        call,
        account_id=caller.account_id,
        kind="session_user",
        principal_id=caller.user_id,
        principal_arn=caller.arn,
        expires_at=expiry(call.now, _duration(call, params)),
        mfa_authenticated_at=mfa_at,
    )
    return {"Credentials": credentials(session, token)}


def federated_user_arn(account_id: str, name: str) -> str:
    return f"arn:aws:sts::{account_id}:federated-user/{name}"


def get_federation_token_target(call: Call, params: Params) -> Target:
    _require_long_term(call, "GetFederationToken")
    request = session_request(params, transitive=False)
    return Target(
        federated_user_arn(call.account_id, params["Name"]),
        tag_request_context(request.tags),
        also_actions=("sts:TagSession",) if request.tags else (),
    )


def get_federation_token(call: Call, params: Params) -> Result:
    caller = call.caller
    request = session_request(params, transitive=False)
    packed = packed_policy_size(request.policy, request.policy_arns, request.tags)
    name: str = params["Name"]
    session, token = issue(
        call,
        account_id=caller.account_id,
        kind="federated_user",
        principal_id=caller.user_id,
        principal_arn=caller.arn,
        expires_at=expiry(call.now, _duration(call, params)),
        session_name=name,
        policy=request.policy,
        policy_arns=request.policy_arns,
        tags=request.tags,
    )
    result: dict[str, Any] = {
        "Credentials": credentials(session, token),
        "FederatedUser": {
            "FederatedUserId": f"{caller.account_id}:{name}",
            "Arn": federated_user_arn(caller.account_id, name),
        },
    }
    if request.policy is not None or request.policy_arns or request.tags:
        result["PackedPolicySize"] = packed
    return result


OPERATIONS: dict[str, Operation] = {
    "GetSessionToken": Operation(get_session_token, lambda call, params: Target("*"), authorized=False),
    "GetFederationToken": Operation(get_federation_token, get_federation_token_target),
}
