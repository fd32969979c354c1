"""An SDK with no keys gets the configured role's credentials from the container endpoint
(``AWS_CONTAINER_CREDENTIALS_FULL_URI`` with ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` or ``..._TOKEN_FILE``:
https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html); the document is the
one the ECS agent serves (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import CredentialRetrievalError

from tests.integration.credentials.conftest import (
    CONTAINER_ROLE,
    CONTAINER_ROLE_ARN,
    CONTAINER_TOKEN,
    default_chain_sts,
)
from tests.integration.server.harness import ACCOUNT_ID, RunningServer

PATH = "/_iamd/container-credentials"


def _get(server: RunningServer, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(server.url + PATH, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_sdk_without_keys_gets_container_role_credentials(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoints_server.url + PATH)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN)
    identity = default_chain_sts(endpoints_server).get_caller_identity()
    assert identity["Arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{CONTAINER_ROLE}/")


def test_token_file_works_too(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = keyless_env / "token"
    token_file.write_text(CONTAINER_TOKEN)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoints_server.url + PATH)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
    identity = default_chain_sts(endpoints_server).get_caller_identity()
    assert identity["Arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{CONTAINER_ROLE}/")


@pytest.mark.parametrize("token", ["wrong-token", CONTAINER_TOKEN + "x", CONTAINER_TOKEN[:-1]])
def test_sdk_with_a_wrong_token_fails(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoints_server.url + PATH)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)
    with pytest.raises(CredentialRetrievalError):
        default_chain_sts(endpoints_server).get_caller_identity()


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer " + CONTAINER_TOKEN}]
)
def test_missing_or_wrong_authorization_is_401(
    endpoints_server: RunningServer, headers: dict[str, str]
) -> None:
    status, body = _get(endpoints_server, headers)
    assert status == 401
    assert "AccessKeyId" not in body


def test_document(endpoints_server: RunningServer) -> None:
    status, body = _get(endpoints_server, {"Authorization": CONTAINER_TOKEN})
    assert status == 200
    document = json.loads(body)
    assert set(document) == {"RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    assert document["RoleArn"] == CONTAINER_ROLE_ARN
    assert document["AccessKeyId"].startswith("ASIA")
