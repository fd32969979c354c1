"""MFA codes at STS: GetSessionToken with ``SerialNumber`` + ``TokenCode`` checks the user's enabled virtual
device through ``verify_mfa_code``; a code is good once
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html, issue 5 section 2)."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import RunningServer, unique


def _user_with_device(iamd_server: RunningServer) -> tuple[Any, str, pyotp.TOTP]:
    iam = iamd_server.client("iam")
    sts, user = iamd_server.user_client("sts", None)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("sts-mfa"))["VirtualMFADevice"]
    app, now = pyotp.TOTP(device["Base32StringSeed"].decode()), time.time()
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=app.at(now - 60),
        AuthenticationCode2=app.at(now - 30),
    )
    return sts, device["SerialNumber"], app


def test_get_session_token_accepts_a_code_once(iamd_server: RunningServer) -> None:
    sts, serial, app = _user_with_device(iamd_server)
    code = app.at(time.time())
    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    with pytest.raises(ClientError) as excinfo:  # the same code again: a replay
        sts.get_session_token(SerialNumber=serial, TokenCode=code)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_get_session_token_refuses_wrong_codes_and_other_devices(iamd_server: RunningServer) -> None:
    sts, serial, app = _user_with_device(iamd_server)
    _, other_serial, other_app = _user_with_device(iamd_server)
    now = time.time()
    valid = {app.at(now + 30 * step) for step in range(-2, 3)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in valid)
    for kwargs in (
        {"SerialNumber": serial, "TokenCode": wrong},
        {"SerialNumber": other_serial, "TokenCode": other_app.at(now)},  # another user's device
    ):
        with pytest.raises(ClientError) as excinfo:
            sts.get_session_token(**kwargs)
        assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    # The refusals used nothing up: the user's current code still works.
    sts.get_session_token(SerialNumber=serial, TokenCode=app.at(now))
