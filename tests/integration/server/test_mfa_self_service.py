"""Users managing their own MFA device under AWS's "manage your own MFA" example policy.

The policy is the MFA part of AWS's example at
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html:
MFA actions are allowed on ``mfa/${aws:username}`` and ``user/${aws:username}``, and DeactivateMFADevice only
in a session signed in with MFA. Resources follow the Service Authorization Reference for IAM: create and
delete act on the ``mfa`` resource, enable/resync/deactivate/ListMFADevices on the ``user`` resource.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

OWN = ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"]
SELF_MANAGE_MFA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowListActions",
            "Effect": "Allow",
            "Action": ["iam:ListUsers", "iam:ListVirtualMFADevices"],
            "Resource": "*",
        },
        {
            "Sid": "AllowIndividualUserToListOnlyTheirOwnMFA",
            "Effect": "Allow",
            "Action": ["iam:ListMFADevices"],
            "Resource": ["arn:aws:iam::*:mfa/*", "arn:aws:iam::*:user/${aws:username}"],
        },
        {
            "Sid": "AllowIndividualUserToManageTheirOwnMFA",
            "Effect": "Allow",
            "Action": [
                "iam:CreateVirtualMFADevice",
                "iam:DeleteVirtualMFADevice",
                "iam:EnableMFADevice",
                "iam:ResyncMFADevice",
            ],
            "Resource": OWN,
        },
        {
            "Sid": "AllowIndividualUserToDeactivateOnlyTheirOwnMFAOnlyWhenUsingMFA",
            "Effect": "Allow",
            "Action": ["iam:DeactivateMFADevice"],
            "Resource": OWN,
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
    ],
}


def _denied(call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _pair(seed: bytes) -> dict[str, str]:
    app, now = pyotp.TOTP(seed.decode()), time.time()
    return {"AuthenticationCode1": app.at(now - 30), "AuthenticationCode2": app.at(now)}


def test_user_manages_its_own_device_and_not_another_users(iamd_server: RunningServer) -> None:
    root = iamd_server.client("iam")
    mine, me = iamd_server.user_client("iam", SELF_MANAGE_MFA)

    device = mine.create_virtual_mfa_device(VirtualMFADeviceName=me)["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/{me}"
    mine.enable_mfa_device(UserName=me, SerialNumber=serial, **_pair(device["Base32StringSeed"]))
    assert [d["SerialNumber"] for d in mine.list_mfa_devices()["MFADevices"]] == [serial]  # defaults to me
    assert serial in [d["SerialNumber"] for d in mine.list_virtual_mfa_devices()["VirtualMFADevices"]]

    # Deactivating needs a session signed in with MFA; long-term access keys are not one.
    _denied(mine.deactivate_mfa_device, UserName=me, SerialNumber=serial)
    with pytest.raises(ClientError) as excinfo:  # authorized, but the device is still enabled
        mine.delete_virtual_mfa_device(SerialNumber=serial)
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"

    # Another user's name and device are out of reach.
    other = unique("other")
    root.create_user(UserName=other)
    others = root.create_virtual_mfa_device(VirtualMFADeviceName=other)["VirtualMFADevice"]
    _denied(mine.create_virtual_mfa_device, VirtualMFADeviceName=unique("not-mine"))
    _denied(
        mine.enable_mfa_device,
        UserName=other,
        SerialNumber=others["SerialNumber"],
        **_pair(others["Base32StringSeed"]),
    )
    _denied(mine.list_mfa_devices, UserName=other)
    _denied(mine.delete_virtual_mfa_device, SerialNumber=others["SerialNumber"])
    _denied(
        mine.resync_mfa_device,
        UserName=other,
        SerialNumber=others["SerialNumber"],
        **_pair(others["Base32StringSeed"]),
    )
    assert root.list_mfa_devices(UserName=other)["MFADevices"] == []  # nothing changed

    root.deactivate_mfa_device(UserName=me, SerialNumber=serial)
    mine.delete_virtual_mfa_device(SerialNumber=serial)
    assert serial not in [d["SerialNumber"] for d in root.list_virtual_mfa_devices()["VirtualMFADevices"]]


def test_user_without_mfa_permissions_is_denied(iamd_server: RunningServer) -> None:
    client, me = iamd_server.user_client("iam", None)
    _denied(client.create_virtual_mfa_device, VirtualMFADeviceName=me)
    _denied(client.list_virtual_mfa_devices)
    _denied(client.list_mfa_devices)
