"""STS GetCallerIdentity and GetAccessKeyInfo.

GetCallerIdentity needs no permission; even an explicit deny cannot block it
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html). It answers for every kind
of caller: an IAM user or the root user, a role session (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``,
UserId ``AROA...:SESSION``) and a federated user (``arn:aws:sts::ACCOUNT:federated-user/NAME``, UserId
``ACCOUNT:NAME``); the gateway's identify builds those.

GetAccessKeyInfo (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html) needs
``sts:GetAccessKeyInfo`` and names the account a key id belongs to, whoever asks. iamd's long-term keys are
looked up; other ids (iamd's temporary keys, and keys of other systems in AWS's format) carry their account
in their bits, which is how AWS answers for any key id.
"""

from __future__ import annotations

from iamd.errors import InvalidParameterValue
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.sts.sessions import account_of_key_id


def get_caller_identity(call: Call, params: Params) -> Result:
    caller = call.caller
    return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}


def get_access_key_info(call: Call, params: Params) -> Result:
    key_id: str = params["AccessKeyId"]
    stored = call.tx.access_keys.find(key_id)
    account = stored.account_id if stored is not None else account_of_key_id(key_id)
    if account is None:
        raise InvalidParameterValue(f"The access key ID {key_id} is not valid.")
    return {"Account": account}


OPERATIONS: dict[str, Operation] = {
    "GetCallerIdentity": Operation(
        get_caller_identity, lambda call, params: Target("*"), writes=False, authorized=False
    ),
    "GetAccessKeyInfo": Operation(get_access_key_info, lambda call, params: Target("*"), writes=False),
}
