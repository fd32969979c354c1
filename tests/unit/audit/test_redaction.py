"""Secrets never reach the trail; keys are lower camel case as CloudTrail writes IAM and STS parameters
(https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html shows ``userName``,
``roleArn``, ``roleSessionName`` ...)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iamd.audit.redaction import HIDDEN, Redactor, lower_camel
from iamd.wire.service_model import load_service_model


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("UserName", "userName"),
        ("RoleArn", "roleArn"),
        ("MaxItems", "maxItems"),
        ("SAMLAssertion", "sAMLAssertion"),
    ],
)
def test_lower_camel(name: str, expected: str) -> None:
    assert lower_camel(name) == expected


def test_access_key_secret_hidden_by_the_models_sensitive_trait() -> None:
    # iam.json: AccessKey.SecretAccessKey is an accessKeySecretType, marked sensitive.
    redactor = Redactor(load_service_model("iam"))
    created = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    result = {
        "AccessKey": {
            "UserName": "alice",
            "AccessKeyId": "AKIAEXAMPLE",
            "Status": "Active",
            "SecretAccessKey": "s3cr3t",
            "CreateDate": created,
        }
    }
    assert redactor.structure("CreateAccessKeyResponse", result) == {
        "accessKey": {
            "userName": "alice",
            "accessKeyId": "AKIAEXAMPLE",
            "status": "Active",
            "secretAccessKey": HIDDEN,
            "createDate": "2026-11-23T10:00:00Z",
        }
    }


@pytest.mark.parametrize(
    ("service", "shape", "params", "secret_key"),
    [
        ("iam", "CreateLoginProfileRequest", {"UserName": "a", "Password": "pw"}, "password"),
        ("iam", "ChangePasswordRequest", {"OldPassword": "a", "NewPassword": "b"}, "newPassword"),
        (
            "iam",
            "EnableMFADeviceRequest",
            {
                "UserName": "a",
                "SerialNumber": "s",
                "AuthenticationCode1": "123456",
                "AuthenticationCode2": "654321",
            },
            "authenticationCode1",
        ),
        ("sts", "GetSessionTokenRequest", {"SerialNumber": "s", "TokenCode": "123456"}, "tokenCode"),
        (
            "sts",
            "AssumeRoleWithWebIdentityRequest",
            {"RoleArn": "r", "WebIdentityToken": "jwt"},
            "webIdentityToken",
        ),
    ],
)
def test_request_secrets_hidden(service: str, shape: str, params: dict[str, str], secret_key: str) -> None:
    out = Redactor(load_service_model(service)).structure(shape, params)
    assert out[secret_key] == HIDDEN
    assert all(value == HIDDEN or value in ("a", "s", "r") for value in out.values())


def test_mfa_seed_and_session_token_hidden_in_responses() -> None:
    iam = Redactor(load_service_model("iam"))
    device = {"VirtualMFADevice": {"SerialNumber": "arn", "Base32StringSeed": b"seed", "QRCodePNG": b"png"}}
    out = iam.structure("CreateVirtualMFADeviceResponse", device)["virtualMFADevice"]
    assert out == {"serialNumber": "arn", "base32StringSeed": HIDDEN, "qRCodePNG": HIDDEN}
    sts = Redactor(load_service_model("sts"))
    credentials = {"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "x", "SessionToken": "y"}}
    out = sts.structure("GetSessionTokenResponse", credentials)["credentials"]
    assert out == {"accessKeyId": "ASIA", "secretAccessKey": HIDDEN, "sessionToken": HIDDEN}


def test_lists_and_absent_members() -> None:
    redactor = Redactor(load_service_model("iam"))
    tags = {"UserName": "a", "Tags": [{"Key": "k", "Value": "v"}], "Path": None}
    assert redactor.structure("CreateUserRequest", tags) == {
        "userName": "a",
        "tags": [{"key": "k", "value": "v"}],
    }
