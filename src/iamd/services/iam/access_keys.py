"""IAM access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html and its
siblings. Without ``UserName`` an operation acts on the caller's own keys: an IAM user's, or the root
user's when the root user calls ("IAM determines the user name implicitly based on the access key ID used
to sign the request"). The secret is generated here, sealed for storage, and shown once, in the
CreateAccessKey response; nothing else ever returns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from iamd.errors import ValidationError
from iamd.model import AccessKey, AccessKeyLastUsed, AccessKeyStatus, User
from iamd.services.accounts import seal_access_key
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import page_result, paging
from iamd.services.iam.users import existing_user_target
from iamd.store import Transaction
from iamd.store.repositories.access_keys import not_found as key_not_found

# How stale the stored last use may get before a request writes it again: a write on every request would
# halve throughput, and AWS itself reports last use only to within minutes.
LAST_USED_RESOLUTION = timedelta(minutes=1)

NOT_APPLICABLE = "N/A"  # AWS's ServiceName and Region for a key never used


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """Whose keys an operation acts on: an IAM user, or the account's root user (``user`` is None)."""

    account_id: str
    user: User | None

    @property
    def owner_id(self) -> str:
        return self.user.id if self.user is not None else self.account_id


def record_key_use(tx: Transaction, access_key_id: str, now: datetime, service: str, region: str) -> bool:
    """Record that ``access_key_id`` signed an accepted request, unless it already did within a minute.

    The gateway calls this inside a write transaction; True when a row was written."""
    return tx.access_keys.record_use(
        access_key_id, now, service, region, unless_used_since=now - LAST_USED_RESOLUTION
    )


def key_use_is_stale(last_used: AccessKeyLastUsed | None, now: datetime) -> bool:
    """Whether a request at ``now`` should record its key's use: for read-only requests, whose
    transaction is rolled back, the gateway can check this on the key it read and open a write
    transaction for :func:`record_key_use` only about once a minute per key."""
    return last_used is None or last_used.date < now - LAST_USED_RESOLUTION


def _owner(call: Call, params: Params) -> KeyOwner:
    """The user named by ``UserName``, else the caller itself (an IAM user or the root user)."""
    name = params.get("UserName")
    if name is not None:
        return KeyOwner(call.account_id, call.tx.users.get(call.account_id, name))
    caller = call.caller
    if caller.kind == "user" and caller.user is not None:
        return KeyOwner(call.account_id, caller.user)
    if caller.kind == "root":
        return KeyOwner(call.account_id, None)
    raise ValidationError("Must specify userName when calling with non-User credentials")


def _owner_target(call: Call, params: Params) -> Target:
    """The named user's ARN (with its path and tags), or the caller's own ARN without ``UserName``."""
    name = params.get("UserName")
    if name is not None:
        return existing_user_target(call, name)
    if call.caller.user is not None:
        return existing_user_target(call, call.caller.user.name)
    return Target(call.caller.arn)


def key_metadata(key: AccessKey, *, user_name: str | None) -> dict[str, Any]:
    return {
        "UserName": user_name,
        "AccessKeyId": key.id,
        "Status": key.status.value,
        "CreateDate": key.created,
    }


def _owned_key(call: Call, owner: KeyOwner, access_key_id: str) -> AccessKey:
    """The key, if it belongs to ``owner``; another owner's key is as unknown as a missing one."""
    key = call.tx.access_keys.find(access_key_id)
    owner_id = key.user_id if key is not None and key.user_id is not None else call.account_id
    if key is None or key.account_id != owner.account_id or owner_id != owner.owner_id:
        raise key_not_found(access_key_id)
    return key


# -- operations ----------------------------------------------------------------------------------------


def create_access_key(call: Call, params: Params) -> Result:
    owner = _owner(call, params)
    key, secret = seal_access_key(
        call.deps.box,
        account_id=owner.account_id,
        user_id=owner.user.id if owner.user is not None else None,
        user_name=owner.user.name if owner.user is not None else None,
        now=call.now,
    )
    stored = call.tx.access_keys.create(key)
    result = key_metadata(stored, user_name=stored.user_name)
    result["SecretAccessKey"] = secret.reveal()  # the one place the clear secret leaves iamd
    return {"AccessKey": result}


def list_access_keys(call: Call, params: Params) -> Result:
    owner = _owner(call, params)
    user_id = owner.user.id if owner.user is not None else None
    page = call.tx.access_keys.list(owner.account_id, user_id, **paging(params))
    return page_result(page, "AccessKeyMetadata", lambda key: key_metadata(key, user_name=key.user_name))


def update_access_key(call: Call, params: Params) -> Result:
    owner = _owner(call, params)
    _owned_key(call, owner, params["AccessKeyId"])
    call.tx.access_keys.update_status(
        params["AccessKeyId"], owner.owner_id, AccessKeyStatus(params["Status"])
    )
    return {}


def delete_access_key(call: Call, params: Params) -> Result:
    owner = _owner(call, params)
    _owned_key(call, owner, params["AccessKeyId"])
    call.tx.access_keys.delete(params["AccessKeyId"], owner.owner_id)
    return {}


def _key_in_account(call: Call, access_key_id: str) -> AccessKey:
    key = call.tx.access_keys.find(access_key_id)
    if key is None or key.account_id != call.account_id:
        raise key_not_found(access_key_id)
    return key


def get_access_key_last_used(call: Call, params: Params) -> Result:
    key = _key_in_account(call, params["AccessKeyId"])
    used = key.last_used
    last_used: dict[str, Any] = (
        {"ServiceName": NOT_APPLICABLE, "Region": NOT_APPLICABLE}
        if used is None
        else {"LastUsedDate": used.date, "ServiceName": used.service, "Region": used.region}
    )
    return {"UserName": key.user_name, "AccessKeyLastUsed": last_used}


def _last_used_target(call: Call, params: Params) -> Target:
    """Authorized on the user that owns the key; root keys and unknown keys on the root user's ARN, so
    that only callers allowed on the whole account learn whether a key id exists."""
    key = call.tx.access_keys.find(params["AccessKeyId"])
    if key is None or key.account_id != call.account_id or key.user_name is None:
        return Target(f"arn:aws:iam::{call.account_id}:root")
    return existing_user_target(call, key.user_name)


OPERATIONS: dict[str, Operation] = {
    "CreateAccessKey": Operation(create_access_key, _owner_target),
    "ListAccessKeys": Operation(list_access_keys, _owner_target, writes=False),
    "UpdateAccessKey": Operation(update_access_key, _owner_target),
    "DeleteAccessKey": Operation(delete_access_key, _owner_target),
    "GetAccessKeyLastUsed": Operation(get_access_key_last_used, _last_used_target, writes=False),
}
