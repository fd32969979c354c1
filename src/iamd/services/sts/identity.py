"""STS GetCallerIdentity: who am I? Needs no permission; even an explicit deny cannot block it
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)."""

from __future__ import annotations

from iamd.services.call import Call, Operation, Params, Result, Target


def get_caller_identity(call: Call, params: Params) -> Result:
    caller = call.caller
    return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}


OPERATIONS: dict[str, Operation] = {
    "GetCallerIdentity": Operation(
        get_caller_identity, lambda call, params: Target("*"), writes=False, authorized=False
    ),
}
