"""Virtual MFA devices through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html,
API_EnableMFADevice.html, API_ResyncMFADevice.html, API_DeactivateMFADevice.html,
API_DeleteVirtualMFADevice.html, API_ListMFADevices.html, API_ListVirtualMFADevices.html and the IAM
service model. Codes are computed the way an authenticator app does, with pyotp from the Base32 seed.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

INVALID_CODE = ("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _create(iam: Any, name: str | None = None, **kwargs: Any) -> tuple[str, pyotp.TOTP, dict[str, Any]]:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name or unique("mfa"), **kwargs)
    device = device["VirtualMFADevice"]
    return device["SerialNumber"], pyotp.TOTP(device["Base32StringSeed"].decode()), device


def _codes(app: pyotp.TOTP, *steps: int) -> list[str]:
    """The codes of the time steps ``steps`` away from now (0 = the current code, -1 = the one before)."""
    now = time.time()
    return [app.at(now + 30 * step) for step in steps]


def _enabled_device(iam: Any) -> tuple[str, str, pyotp.TOTP]:
    user = unique("mfa-user")
    iam.create_user(UserName=user)
    serial, app, _ = _create(iam)
    first, second = _codes(app, -1, 0)
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
    )
    return user, serial, app


def test_create_returns_seed_and_qr_code_once(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("phone")
    serial, _, device = _create(iam, name, Path="/team/", Tags=[{"Key": "owner", "Value": "ops"}])
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/team/{name}"
    seed = device["Base32StringSeed"].decode()
    assert len(base64.b32decode(seed)) == 20
    assert device["QRCodePNG"][:8] == b"\x89PNG\r\n\x1a\n"
    assert device["Tags"] == [{"Key": "owner", "Value": "ops"}]

    listed = [d for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"] if d["SerialNumber"] == serial]
    assert len(listed) == 1
    assert "Base32StringSeed" not in listed[0] and "QRCodePNG" not in listed[0] and "User" not in listed[0]
    assert seed not in iamd_server.log_path.read_text(errors="replace")
    if iamd_server.backend == "sqlite":  # the seed is sealed at rest, in the database and its journal
        data_dir = iamd_server.log_path.parent
        for path in data_dir.glob("iamd.db*"):
            stored = path.read_bytes()
            assert base64.b32decode(seed) not in stored and seed.encode() not in stored


def test_duplicate_name_is_entity_already_exists(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("dup")
    _create(iam, name)
    with pytest.raises(ClientError) as excinfo:
        _create(iam, name.upper())  # names compare case-insensitively, as for every IAM entity
    assert _error(excinfo) == (
        "EntityAlreadyExists",
        409,
        "MFADevice entity at the same path and name already exists.",
    )


def test_enable_with_two_consecutive_codes_then_list(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, _ = _enabled_device(iam)
    devices = iam.list_mfa_devices(UserName=user)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in devices] == [(user, serial)]
    assert devices[0]["EnableDate"] is not None

    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    entry = next(d for d in assigned if d["SerialNumber"] == serial)
    assert entry["User"]["UserName"] == user and entry["EnableDate"] is not None
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert serial not in [d["SerialNumber"] for d in unassigned]


@pytest.mark.parametrize(
    "steps",
    [
        (0, -1),  # the right codes in the wrong order
        (-2, 0),  # a step missing between them
        (0, 0),  # the same code twice
    ],
)
def test_enable_refuses_codes_that_are_not_consecutive(
    iamd_server: RunningServer, steps: tuple[int, int]
) -> None:
    iam = iamd_server.client("iam")
    user = unique("mfa-user")
    iam.create_user(UserName=user)
    serial, app, _ = _create(iam)
    first, second = _codes(app, *steps)
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert _error(excinfo) == INVALID_CODE
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []  # nothing changed


def test_enable_refuses_wrong_codes(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user = unique("mfa-user")
    iam.create_user(UserName=user)
    serial, app, _ = _create(iam)
    valid = set(_codes(app, *range(-12, 12)))
    wrong = [code for code in ("000000", "123456", "999999", "424242") if code not in valid][:2]
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=wrong[0], AuthenticationCode2=wrong[1]
        )
    assert _error(excinfo) == INVALID_CODE


def test_enable_errors(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, app = _enabled_device(iam)
    first, second = _codes(app, 0, 1)
    other = unique("mfa-user")
    iam.create_user(UserName=other)
    with pytest.raises(ClientError) as excinfo:  # one device, one user
        iam.enable_mfa_device(
            UserName=other, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert _error(excinfo) == ("EntityAlreadyExists", 409, "MFA Device is already in use.")

    missing = f"arn:aws:iam::{ACCOUNT_ID}:mfa/{unique('none')}"
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(
            UserName=other, SerialNumber=missing, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert _error(excinfo) == (
        "NoSuchEntity",
        404,
        f"VirtualMFADevice with serial number {missing} doesn't exist.",
    )

    nobody = unique("nobody")
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(
            UserName=nobody, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {nobody} cannot be found.")

    with pytest.raises(ClientError) as excinfo:  # the server checks the code's pattern: digits only
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1="12345a", AuthenticationCode2=second
        )
    assert _error(excinfo)[:2] == ("ValidationError", 400)


def test_codes_are_never_accepted_twice(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, app = _enabled_device(iam)
    used = _codes(app, -1, 0)
    # The pair that enabled the device cannot resynchronise it: those codes were used.
    with pytest.raises(ClientError) as excinfo:
        iam.resync_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=used[0], AuthenticationCode2=used[1]
        )
    assert _error(excinfo) == INVALID_CODE

    fresh = _codes(app, 0, 1)
    iam.resync_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1=fresh[0], AuthenticationCode2=fresh[1]
    )
    with pytest.raises(ClientError) as excinfo:  # the same fresh pair, replayed
        iam.resync_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=fresh[0], AuthenticationCode2=fresh[1]
        )
    assert _error(excinfo) == INVALID_CODE


def test_resync_needs_a_device_enabled_for_that_user(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user = unique("mfa-user")
    iam.create_user(UserName=user)
    serial, app, _ = _create(iam)
    first, second = _codes(app, -1, 0)
    with pytest.raises(ClientError) as excinfo:
        iam.resync_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert _error(excinfo) == ("NoSuchEntity", 404, f"MFA Device with serial number {serial} does not exist.")


def test_delete_while_enabled_is_a_conflict_then_deactivate_and_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, _ = _enabled_device(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert _error(excinfo) == ("DeleteConflict", 409, "MFA VirtualDevice in use. Must deactivate first.")
    with pytest.raises(ClientError) as excinfo:  # the user cannot go while it has an MFA device
        iam.delete_user(UserName=user)
    assert _error(excinfo) == ("DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.")

    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"MFA Device with serial number {serial} does not exist.")

    iam.delete_virtual_mfa_device(SerialNumber=serial)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert _error(excinfo) == (
        "NoSuchEntity",
        404,
        f"VirtualMFADevice with serial number {serial} doesn't exist.",
    )
    iam.delete_user(UserName=user)


def test_list_virtual_devices_pages(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    created = {_create(iam)[0] for _ in range(3)}
    seen: list[str] = []
    kwargs: dict[str, Any] = {"AssignmentStatus": "Unassigned", "MaxItems": 2}
    while True:
        page = iam.list_virtual_mfa_devices(**kwargs)
        assert len(page["VirtualMFADevices"]) <= 2
        seen += [d["SerialNumber"] for d in page["VirtualMFADevices"]]
        if not page["IsTruncated"]:
            break
        kwargs["Marker"] = page["Marker"]
    assert created <= set(seen) and len(seen) == len(set(seen))


def test_tags(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    serial, _, _ = _create(iam)
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["a"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = f"arn:aws:iam::{ACCOUNT_ID}:mfa/{unique('none')}"
    with pytest.raises(ClientError) as excinfo:
        iam.list_mfa_device_tags(SerialNumber=missing)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)


def test_get_mfa_device(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, _ = _enabled_device(iam)
    got = iam.get_mfa_device(UserName=user, SerialNumber=serial)
    assert (got["UserName"], got["SerialNumber"]) == (user, serial) and got["EnableDate"] is not None


def test_codes_used_before_deactivation_cannot_enable_again(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user, serial, app = _enabled_device(iam)
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    used = _codes(app, -1, 0)
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=used[0], AuthenticationCode2=used[1]
        )
    assert _error(excinfo) == INVALID_CODE
    fresh = _codes(app, 0, 1)
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1=fresh[0], AuthenticationCode2=fresh[1]
    )
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user)["MFADevices"]] == [serial]
