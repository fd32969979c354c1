"""Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice, DeactivateMFADevice,
DeleteVirtualMFADevice, GetMFADevice, ListMFADevices, ListVirtualMFADevices and MFA device tags; plus
:func:`verify_mfa_code`, which STS uses to check a ``SerialNumber`` + ``TokenCode``.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html and its
siblings. The seed is sealed with the server's SecretBox before it is stored and leaves iamd exactly once,
in the CreateVirtualMFADevice response. Every accepted code moves the device's last used TOTP time step
forward (``MfaDevices.accept_counter``, one conditional UPDATE), so no code is ever accepted twice.
Resource ARNs for authorization follow the Service Authorization Reference for IAM: the ``mfa`` resource
for create, delete and tags; the ``user`` resource for enable, resync, deactivate, get and ListMFADevices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from iamd.auth import totp
from iamd.auth.secrets import SecretBox
from iamd.errors import EntityAlreadyExists, InvalidAuthenticationCode, NoSuchEntity
from iamd.model import User, VirtualMfaDevice
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import (
    arn_of,
    page_result,
    paging,
    request_tag_context,
    resource_tag_context,
    tags_in,
    tags_out,
)
from iamd.services.iam.users import existing_user_target, user_result
from iamd.store import Transaction
from iamd.store.repositories.mfa import AssignmentStatus, not_found

SEED_PURPOSE: Final = "mfa-seed"
ALREADY_IN_USE: Final = "MFA Device is already in use."  # as MfaDevices.enable words it


def seal_seed(box: SecretBox, seed: bytes, serial_number: str) -> bytes:
    return box.seal(seed, purpose=SEED_PURPOSE, owner=serial_number)


def open_seed(box: SecretBox, device: VirtualMfaDevice) -> bytes:
    return box.open(device.seed_ciphertext, purpose=SEED_PURPOSE, owner=device.serial_number)


def verify_mfa_code(
    tx: Transaction, box: SecretBox, user: User, serial_number: str, code: str, now: datetime
) -> bool:
    """True when ``serial_number`` is an MFA device enabled for ``user`` and ``code`` is its code for a
    time step within one step of ``now`` that is newer than the last accepted one; that step is then
    recorded, so the same code (or an older one) is refused from now on. Needs a writing transaction."""
    device = tx.mfa_devices.find(serial_number)
    if device is None or device.user_id != user.id or device.account_id != user.account_id:
        return False
    counter = totp.matching_counter(open_seed(box, device), code, now)
    return counter is not None and tx.mfa_devices.accept_counter(serial_number, counter)


# -- helpers -------------------------------------------------------------------------------------------


def _device(call: Call, serial_number: str) -> VirtualMfaDevice:
    """The account's device with this serial number; other accounts' devices do not exist here."""
    device = call.tx.mfa_devices.find(serial_number)
    if device is None or device.account_id != call.account_id:
        raise not_found(serial_number)
    return device


def _enabled_for(call: Call, user: User, serial_number: str) -> VirtualMfaDevice:
    device = call.tx.mfa_devices.find(serial_number)
    if device is None or device.user_id != user.id:
        raise _no_such_mfa_device(serial_number)
    return device


def _no_such_mfa_device(serial_number: str) -> NoSuchEntity:
    """The store's wording when a device is not enabled for the user named (DeactivateMFADevice)."""
    return NoSuchEntity(f"MFA Device with serial number {serial_number} does not exist.")


def _consecutive_counter(call: Call, device: VirtualMfaDevice, params: Params) -> int:
    counter = totp.matching_consecutive(
        open_seed(call.deps.box, device),
        params["AuthenticationCode1"],
        params["AuthenticationCode2"],
        call.now,
    )
    if counter is None:
        raise InvalidAuthenticationCode()
    return counter


def _named_or_self(call: Call, params: Params) -> str | None:
    name = params.get("UserName")
    if name is not None:
        return str(name)
    return call.caller.user.name if call.caller.user is not None else None


def _user_names(call: Call, devices: list[VirtualMfaDevice]) -> dict[str, User]:
    users: dict[str, User] = {}
    for device in devices:
        if device.user_id is not None and device.user_id not in users:
            user = call.tx.users.find_by_id(device.user_id)
            if user is not None:
                users[device.user_id] = user
    return users


def mfa_device_result(device: VirtualMfaDevice, user_name: str) -> dict[str, Any]:
    return {"UserName": user_name, "SerialNumber": device.serial_number, "EnableDate": device.enable_date}


def virtual_device_result(device: VirtualMfaDevice, user: User | None, *, with_tags: bool) -> dict[str, Any]:
    """A VirtualMFADevice; ListVirtualMFADevices leaves tags out (its API reference says so)."""
    out: dict[str, Any] = {"SerialNumber": device.serial_number}
    if user is not None:
        out["User"] = user_result(user, with_tags=False)
        out["EnableDate"] = device.enable_date
    if with_tags and device.tags:
        out["Tags"] = tags_out(device.tags)
    return out


# -- operations ----------------------------------------------------------------------------------------


def create_virtual_mfa_device(call: Call, params: Params) -> Result:
    name = params["VirtualMFADeviceName"]
    path = params.get("Path") or "/"
    serial_number = arn_of(call, "mfa", path, name)
    seed = totp.new_seed()
    device = call.tx.mfa_devices.create(
        VirtualMfaDevice(
            account_id=call.account_id,
            serial_number=serial_number,
            name=name,
            path=path,
            created=call.now,
            seed_ciphertext=seal_seed(call.deps.box, seed, serial_number),
            tags=tags_in(params),
        )
    )
    out = virtual_device_result(device, None, with_tags=True)
    out["Base32StringSeed"] = totp.base32_seed(seed).encode("ascii")
    out["QRCodePNG"] = totp.qr_code_png(totp.otpauth_uri(name, call.account_id, seed))
    return {"VirtualMFADevice": out}


def enable_mfa_device(call: Call, params: Params) -> Result:
    user = call.tx.users.get(call.account_id, params["UserName"])
    device = _device(call, params["SerialNumber"])
    if device.user_id is not None:  # checked before the codes; the store checks again atomically
        raise EntityAlreadyExists(ALREADY_IN_USE)
    counter = _consecutive_counter(call, device, params)
    if not call.tx.mfa_devices.enable(device.serial_number, user, call.now, counter):
        raise InvalidAuthenticationCode()  # codes used before the device was deactivated
    return {}


def resync_mfa_device(call: Call, params: Params) -> Result:
    user = call.tx.users.get(call.account_id, params["UserName"])
    device = _enabled_for(call, user, params["SerialNumber"])
    counter = _consecutive_counter(call, device, params)
    if not call.tx.mfa_devices.accept_counter(device.serial_number, counter):
        raise InvalidAuthenticationCode()  # codes already used (a replay) or older than the last used
    return {}


def deactivate_mfa_device(call: Call, params: Params) -> Result:
    serial_number = params["SerialNumber"]
    name = _named_or_self(call, params)
    if name is None:  # the root user names no user: the device's own user
        device = _device(call, serial_number)
        user = call.tx.users.find_by_id(device.user_id) if device.user_id is not None else None
        if user is None:
            raise _no_such_mfa_device(serial_number)
    else:
        user = call.tx.users.get(call.account_id, name)
    call.tx.mfa_devices.deactivate(serial_number, user)
    return {}


def delete_virtual_mfa_device(call: Call, params: Params) -> Result:
    call.tx.mfa_devices.delete(_device(call, params["SerialNumber"]).serial_number)
    return {}


def get_mfa_device(call: Call, params: Params) -> Result:
    name = _named_or_self(call, params)
    serial_number = params["SerialNumber"]
    if name is None:
        raise _no_such_mfa_device(serial_number)
    user = call.tx.users.get(call.account_id, name)
    device = _enabled_for(call, user, serial_number)
    return mfa_device_result(device, user.name)


def list_mfa_devices(call: Call, params: Params) -> Result:
    name = _named_or_self(call, params)
    if name is None:  # root: iamd has no root MFA devices
        return {"MFADevices": [], "IsTruncated": False}
    user = call.tx.users.get(call.account_id, name)
    devices = call.tx.mfa_devices.for_user(user)  # at most MFADevicesPerUser (8): one page
    return {"MFADevices": [mfa_device_result(d, user.name) for d in devices], "IsTruncated": False}


def list_virtual_mfa_devices(call: Call, params: Params) -> Result:
    assignment = AssignmentStatus(params.get("AssignmentStatus") or AssignmentStatus.ANY)
    page = call.tx.mfa_devices.list_virtual(call.account_id, assignment=assignment, **paging(params))
    users = _user_names(call, list(page.items))
    return page_result(
        page,
        "VirtualMFADevices",
        lambda d: virtual_device_result(d, users.get(d.user_id) if d.user_id else None, with_tags=False),
    )


def tag_mfa_device(call: Call, params: Params) -> Result:
    call.tx.mfa_devices.tag(_device(call, params["SerialNumber"]).serial_number, tags_in(params))
    return {}


def untag_mfa_device(call: Call, params: Params) -> Result:
    call.tx.mfa_devices.untag(_device(call, params["SerialNumber"]).serial_number, params["TagKeys"])
    return {}


def list_mfa_device_tags(call: Call, params: Params) -> Result:
    tags = call.tx.mfa_devices.list_tags(_device(call, params["SerialNumber"]).serial_number)
    return {"Tags": tags_out(tags), "IsTruncated": False}


# -- authorization targets -----------------------------------------------------------------------------


def _create_target(call: Call, params: Params) -> Target:
    arn = arn_of(call, "mfa", params.get("Path"), params["VirtualMFADeviceName"])
    return Target(arn, request_tag_context(params))


def _device_target(call: Call, params: Params, context: dict[str, Any] | None = None) -> Target:
    """The device's ARN (its serial number) with its tags; a serial naming nothing is authorized as is."""
    serial_number = params["SerialNumber"]
    device = call.tx.mfa_devices.find(serial_number)
    tags = resource_tag_context(device.tags) if device is not None else {}
    return Target(serial_number, {**tags, **(context or {})})


def _user_target(call: Call, params: Params) -> Target:
    name = _named_or_self(call, params)
    return existing_user_target(call, name) if name is not None else Target(call.caller.arn)


OPERATIONS: dict[str, Operation] = {
    "CreateVirtualMFADevice": Operation(create_virtual_mfa_device, _create_target),
    "EnableMFADevice": Operation(enable_mfa_device, _user_target),
    "ResyncMFADevice": Operation(resync_mfa_device, _user_target),
    "DeactivateMFADevice": Operation(deactivate_mfa_device, _user_target),
    "DeleteVirtualMFADevice": Operation(delete_virtual_mfa_device, _device_target),
    "GetMFADevice": Operation(get_mfa_device, _user_target, writes=False),
    "ListMFADevices": Operation(list_mfa_devices, _user_target, writes=False),
    "ListVirtualMFADevices": Operation(
        list_virtual_mfa_devices, lambda call, params: Target("*"), writes=False
    ),
    "TagMFADevice": Operation(
        tag_mfa_device, lambda call, params: _device_target(call, params, request_tag_context(params))
    ),
    "UntagMFADevice": Operation(
        untag_mfa_device,
        lambda call, params: _device_target(call, params, {"aws:TagKeys": tuple(params["TagKeys"])}),
    ),
    "ListMFADeviceTags": Operation(list_mfa_device_tags, _device_target, writes=False),
}
