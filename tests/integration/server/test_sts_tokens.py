"""STS GetSessionToken, GetFederationToken, GetAccessKeyInfo and the life of temporary credentials, through
boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html (durations, the
root user's one hour, no IAM without MFA, of STS only AssumeRole and GetCallerIdentity),
API_GetFederationToken.html (federated-user ARN and id, no permissions without a session policy, only
GetCallerIdentity of STS and no IAM), API_GetCallerIdentity.html, API_GetAccessKeyInfo.html, and
https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html (ExpiredToken, InvalidClientTokenId).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iamd.auth.secrets import Secret
from iamd.auth.session_tokens import Session, SessionTokens
from iamd.services.sts.sessions import temporary_access_key_id
from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, RunningServer, start_server, unique
from tests.integration.server.test_sts_support import (
    allow,
    error_of,
    make_role,
    new_user,
    server_box,
    session_client,
    trust,
    unvalidated_client,
    user_arn,
)


def test_get_session_token_for_a_user(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)  # no permission needed
    before = datetime.now(UTC)
    credentials = sts.get_session_token()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    # Default 12 hours.
    assert before + timedelta(hours=12) - timedelta(seconds=2) <= credentials["Expiration"]
    assert credentials["Expiration"] <= datetime.now(UTC) + timedelta(hours=12, seconds=1)
    session_sts = session_client(iamd_server, "sts", credentials)
    identity = session_sts.get_caller_identity()
    assert identity["Arn"] == user_arn(iamd_server, name)
    # Without MFA, IAM refuses these credentials; of STS only AssumeRole and GetCallerIdentity work.
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "iam", credentials).list_users()
    assert error_of(excinfo)[:2] == ("InvalidClientTokenId", 403)
    with pytest.raises(ClientError) as excinfo:
        session_sts.get_session_token()
    assert error_of(excinfo) == ("AccessDenied", 403, "Cannot call GetSessionToken with session credentials")


def test_get_session_token_credentials_may_assume_a_role(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers"))
    session_sts = session_client(
        iamd_server, "sts", sts.get_session_token(DurationSeconds=900)["Credentials"]
    )
    credentials = session_sts.assume_role(RoleArn=role_arn, RoleSessionName="via-session")["Credentials"]
    assert "Users" in session_client(iamd_server, "iam", credentials).list_users()


def test_get_session_token_durations(iamd_server: RunningServer) -> None:
    _, key_id, secret = new_user(iamd_server)
    raw = unvalidated_client(iamd_server, "sts", key_id, secret)
    for duration in (899, 129601):
        with pytest.raises(ClientError) as excinfo:
            raw.get_session_token(DurationSeconds=duration)
        assert error_of(excinfo)[:2] == ("ValidationError", 400)
    expires = raw.get_session_token(DurationSeconds=129600)["Credentials"]["Expiration"]
    assert expires >= datetime.now(UTC) + timedelta(seconds=129600 - 5)
    # The root user's sessions last at most an hour; longer requests get one hour.
    root_expires = iamd_server.client("sts").get_session_token(DurationSeconds=7200)["Credentials"][
        "Expiration"
    ]
    assert root_expires <= datetime.now(UTC) + timedelta(seconds=3601)


def test_get_federation_token(iamd_server: RunningServer) -> None:
    sts, _ = iamd_server.user_client("sts", allow("sts:GetFederationToken"))
    response = sts.get_federation_token(
        Name="bob", Policy=json.dumps(allow("iam:ListUsers")), DurationSeconds=900
    )
    assert response["FederatedUser"] == {
        "FederatedUserId": f"{ACCOUNT_ID}:bob",
        "Arn": f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob",
    }
    assert 0 < response["PackedPolicySize"] <= 100
    credentials = response["Credentials"]
    identity = session_client(iamd_server, "sts", credentials).get_caller_identity()
    assert identity == {
        **identity,
        "Arn": f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob",
        "UserId": f"{ACCOUNT_ID}:bob",
    }
    # Federated users may not call IAM, nor STS beyond GetCallerIdentity.
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "iam", credentials).list_users()
    assert error_of(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "sts", credentials).get_federation_token(Name="again")
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        "Cannot call GetFederationToken with session credentials",
    )


def test_get_federation_token_needs_permission(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    with pytest.raises(ClientError) as excinfo:
        sts.get_federation_token(Name="bob")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(
        f"User: {user_arn(iamd_server, name)} is not authorized to perform: sts:GetFederationToken "
        "on resource: "
        f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob"
    )


def test_get_federation_token_tags_and_root(iamd_server: RunningServer) -> None:
    sts, _ = iamd_server.user_client("sts", allow("sts:GetFederationToken"))
    with pytest.raises(ClientError) as excinfo:  # session tags need sts:TagSession
        sts.get_federation_token(Name="tagged", Tags=[{"Key": "team", "Value": "blue"}])
    assert error_of(excinfo)[0] == "AccessDenied" and "sts:TagSession" in error_of(excinfo)[2]
    tagging, _ = iamd_server.user_client("sts", allow("sts:GetFederationToken", "sts:TagSession"))
    response = tagging.get_federation_token(Name="tagged", Tags=[{"Key": "team", "Value": "blue"}])
    assert response["PackedPolicySize"] >= 1
    # The root user may call it too (AWS advises against it); its sessions last at most an hour.
    root = iamd_server.client("sts").get_federation_token(Name="rooted", DurationSeconds=7200)
    assert root["Credentials"]["Expiration"] <= datetime.now(UTC) + timedelta(seconds=3601)
    identity = session_client(iamd_server, "sts", root["Credentials"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/rooted"


def test_get_access_key_info(iamd_server: RunningServer) -> None:
    sts, _ = iamd_server.user_client("sts", allow("sts:GetAccessKeyInfo"))
    _, key_id, _ = new_user(iamd_server)
    assert sts.get_access_key_info(AccessKeyId=key_id)["Account"] == ACCOUNT_ID
    assert sts.get_access_key_info(AccessKeyId=ROOT_KEY_ID)["Account"] == ACCOUNT_ID
    temporary = iamd_server.client("sts").get_session_token()["Credentials"]["AccessKeyId"]
    assert sts.get_access_key_info(AccessKeyId=temporary)["Account"] == ACCOUNT_ID
    # Any key id in AWS's format names its account, also one this server never issued.
    assert (
        sts.get_access_key_info(AccessKeyId=temporary_access_key_id("999988887777"))["Account"]
        == "999988887777"
    )
    denied, _ = iamd_server.user_client("sts", None)
    with pytest.raises(ClientError) as excinfo:
        denied.get_access_key_info(AccessKeyId=key_id)
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)


def _forged(iamd_server: RunningServer, expires_at: datetime) -> tuple[str, str, str]:
    """Credentials sealed with the server's own master key, for a session of the given expiry."""
    _, name = iamd_server.user_client("sts", None)
    user = iamd_server.client("iam").get_user(UserName=name)["User"]
    key_id = temporary_access_key_id(ACCOUNT_ID)
    secret = "s" * 40
    session = Session(
        access_key_id=key_id,
        secret_access_key=Secret(secret),
        account_id=ACCOUNT_ID,
        kind="session_user",
        principal_id=user["UserId"],
        principal_arn=user["Arn"],
        issued_at=expires_at - timedelta(seconds=900),
        expires_at=expires_at,
    )
    return key_id, secret, SessionTokens(server_box(iamd_server)).issue(session)


def test_expired_credentials_are_expired_token(iamd_server: RunningServer) -> None:
    key_id, secret, token = _forged(
        iamd_server, datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    )
    client = iamd_server.client("sts", key_id, secret, aws_session_token=token)
    with pytest.raises(ClientError) as excinfo:
        client.get_caller_identity()
    assert error_of(excinfo) == ("ExpiredToken", 400, "The security token included in the request is expired")
    # The same session a little later in its life works.
    key_id, secret, token = _forged(
        iamd_server, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=60)
    )
    assert iamd_server.client("sts", key_id, secret, aws_session_token=token).get_caller_identity()["Account"]


def test_tampered_and_mismatched_tokens_are_invalid(iamd_server: RunningServer) -> None:
    sts, _ = iamd_server.user_client("sts", None)
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    raw = bytearray(base64.b64decode(credentials["SessionToken"]))
    raw[len(raw) // 2] ^= 0x20
    tampered = {**credentials, "SessionToken": base64.b64encode(bytes(raw)).decode()}
    other = sts.get_session_token(DurationSeconds=900)["Credentials"]
    swapped = {**credentials, "SessionToken": other["SessionToken"]}  # another session's token
    for bad in (tampered, swapped, {**credentials, "SessionToken": "bm90IGEgdG9rZW4="}):
        with pytest.raises(ClientError) as excinfo:
            session_client(iamd_server, "sts", bad).get_caller_identity()
        assert error_of(excinfo) == (
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        )
    # A temporary key id without any token is unknown.
    with pytest.raises(ClientError) as excinfo:
        iamd_server.client(
            "sts", credentials["AccessKeyId"], credentials["SecretAccessKey"]
        ).get_caller_identity()
    assert error_of(excinfo)[:2] == ("InvalidClientTokenId", 403)
    # The wrong secret with the right pair fails the signature.
    wrong_secret = {**credentials, "SecretAccessKey": "x" * 40}
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "sts", wrong_secret).get_caller_identity()
    assert error_of(excinfo)[:2] == ("SignatureDoesNotMatch", 403)


def test_get_caller_identity_for_every_principal(iamd_server: RunningServer) -> None:
    root = iamd_server.client("sts").get_caller_identity()
    assert root == {
        **root,
        "Arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
        "UserId": ACCOUNT_ID,
        "Account": ACCOUNT_ID,
    }
    sts, name = iamd_server.user_client("sts", None)
    user = iamd_server.client("iam").get_user(UserName=name)["User"]
    mine = sts.get_caller_identity()
    assert (mine["Arn"], mine["UserId"]) == (user["Arn"], user["UserId"])
    role_name = unique("role")
    iamd_server.client("iam").create_role(
        RoleName=role_name, Path="/deep/path/", AssumeRolePolicyDocument=trust({"AWS": user["Arn"]})
    )
    role = iamd_server.client("iam").get_role(RoleName=role_name)["Role"]
    credentials = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="who")["Credentials"]
    assumed = session_client(iamd_server, "sts", credentials).get_caller_identity()
    # The role's path is not part of the assumed-role ARN.
    assert assumed["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/who"
    assert assumed["UserId"] == f"{role['RoleId']}:who"


def _mfa_user(iamd_server: RunningServer) -> tuple[Any, str, Any, str]:
    """A user with an enabled virtual MFA device: (its STS client, name, a pyotp TOTP, the serial)."""
    pyotp = pytest.importorskip("pyotp")
    iam = iamd_server.client("iam")
    sts, name = iamd_server.user_client("sts", None)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"]
    seed: Any = device["Base32StringSeed"]
    totp = pyotp.TOTP(seed.decode() if isinstance(seed, bytes) else seed)
    now = datetime.now(UTC)
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - timedelta(seconds=60)),
        AuthenticationCode2=totp.at(now - timedelta(seconds=30)),
    )
    return sts, name, totp, device["SerialNumber"]


def test_assume_role_with_mfa(iamd_server: RunningServer) -> None:
    sts, name, totp, serial = _mfa_user(iamd_server)
    role_arn = make_role(
        iamd_server,
        trust(
            {"AWS": user_arn(iamd_server, name)}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
        allow("iam:ListUsers", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    code = totp.now()
    response = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", SerialNumber=serial, TokenCode=code)
    assert "Users" in session_client(iamd_server, "iam", response["Credentials"]).list_users()
    with pytest.raises(ClientError) as excinfo:  # the same code twice: a replay
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", SerialNumber=serial, TokenCode=code)
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    )


def test_get_session_token_with_mfa_may_call_iam(iamd_server: RunningServer) -> None:
    sts, name, totp, serial = _mfa_user(iamd_server)
    iamd_server.client("iam").put_user_policy(
        UserName=name,
        PolicyName="mfa-only",
        PolicyDocument=json.dumps(
            allow("iam:ListUsers", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
        ),
    )
    with pytest.raises(ClientError) as excinfo:  # a serial number that is not this user's device
        sts.get_session_token(
            SerialNumber=f"arn:aws:iam::{ACCOUNT_ID}:mfa/{unique('nobody')}", TokenCode="123456"
        )
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number "
        "is valid and associated with this user.",
    )
    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=totp.now())["Credentials"]
    assert "Users" in session_client(iamd_server, "iam", credentials).list_users()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("iamd-workers"), None, "sqlite", "--workers", "2")
    yield server
    server.stop()


def test_any_worker_verifies_a_session(two_workers: RunningServer) -> None:
    """Tokens are self-contained: whichever worker process takes a request verifies it, no shared memory."""
    sts, name = two_workers.user_client("sts", None)
    role_arn = make_role(two_workers, trust({"AWS": user_arn(two_workers, name)}), allow("iam:ListUsers"))
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="spread")["Credentials"]
    for _ in range(3):
        # A fresh client per round opens a new connection, which either worker may accept.
        fresh = two_workers.client(
            "iam",
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        assert "Users" in fresh.list_users()
