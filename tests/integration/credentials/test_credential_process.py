"""``iamd credentials`` as ``credential_process`` in an AWS config file, used by boto3 and the AWS CLI
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html: the process prints
``Version`` 1, ``AccessKeyId``, ``SecretAccessKey``, ``SessionToken`` and ``Expiration`` in ISO 8601)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import CredentialRetrievalError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, free_port
from tests.integration.server.test_sts_support import allow, make_role, new_user, trust, user_arn

IAMD = [sys.executable, "-m", "iamd", "credentials"]


def _process(*args: str) -> str:
    return shlex.join([*IAMD, *args])


def _write_config(home: Path, server: RunningServer, key_id: str, secret: str, profiles: str) -> None:
    """Source keys in profile ``base`` (with iamd's endpoint), then ``profiles``."""
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[base]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    )
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        f"[profile base]\nregion = us-east-1\nendpoint_url = {server.url}\n\n{profiles}"
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*IAMD, *args], env=dict(os.environ), capture_output=True, text=True, check=False, timeout=60
    )


@pytest.fixture
def source_user(endpoints_server: RunningServer) -> tuple[str, str, str]:
    """A user allowed to call sts:AssumeRole, and a role that trusts it: (role ARN, key id, secret)."""
    name, key_id, secret = new_user(endpoints_server, allow("sts:AssumeRole"))
    role_arn = make_role(endpoints_server, trust({"AWS": user_arn(endpoints_server, name)}))
    return role_arn, key_id, secret


def _assumed(role_arn: str, session_name: str) -> str:
    return f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[1]}/{session_name}"


def test_boto3_profile_with_credential_process(
    endpoints_server: RunningServer, keyless_env: Path, source_user: tuple[str, str, str]
) -> None:
    role_arn, key_id, secret = source_user
    process = _process("--role-arn", role_arn, "--profile", "base", "--role-session-name", "boto3-app")
    _write_config(
        keyless_env, endpoints_server, key_id, secret, f"[profile app]\ncredential_process = {process}\n"
    )
    sts = boto3.session.Session(profile_name="app").client(
        "sts", endpoint_url=endpoints_server.url, region_name="us-east-1"
    )
    assert sts.get_caller_identity()["Arn"] == _assumed(role_arn, "boto3-app")


def test_aws_cli_profile_with_credential_process(
    endpoints_server: RunningServer, keyless_env: Path, source_user: tuple[str, str, str]
) -> None:
    role_arn, key_id, secret = source_user
    process = _process(
        "--role-arn",
        role_arn,
        "--profile",
        "base",
        "--role-session-name",
        "cli-app",
        "--endpoint-url",
        endpoints_server.url,
    )
    profile = (
        f"[profile app]\nregion = us-east-1\nendpoint_url = {endpoints_server.url}\n"
        f"credential_process = {process}\n"
    )
    _write_config(keyless_env, endpoints_server, key_id, secret, profile)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "sts",
            "get-caller-identity",
            "--profile",
            "app",
            "--output",
            "json",
        ],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == _assumed(role_arn, "cli-app")


def test_output_document(
    endpoints_server: RunningServer, keyless_env: Path, source_user: tuple[str, str, str]
) -> None:
    role_arn, key_id, secret = source_user
    _write_config(keyless_env, endpoints_server, key_id, secret, "")
    result = _run("--role-arn", role_arn, "--profile", "base", "--duration-seconds", "900")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]
    assert document["Version"] == 1
    assert document["AccessKeyId"].startswith("ASIA")
    expiration = datetime.strptime(document["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(minutes=14) < expiration - datetime.now(UTC) <= timedelta(minutes=15, seconds=5)


def test_source_credentials_from_the_environment(
    endpoints_server: RunningServer,
    keyless_env: Path,
    source_user: tuple[str, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role_arn, key_id, secret = source_user
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    result = _run("--role-arn", role_arn, "--endpoint-url", endpoints_server.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AccessKeyId"].startswith("ASIA")


def test_refused_assume_role_is_a_clean_error_for_the_sdk(
    endpoints_server: RunningServer, keyless_env: Path, source_user: tuple[str, str, str]
) -> None:
    _, key_id, secret = source_user
    untrusting = make_role(endpoints_server, trust({"Service": "ec2.amazonaws.com"}))
    process = _process("--role-arn", untrusting, "--profile", "base")
    _write_config(
        keyless_env, endpoints_server, key_id, secret, f"[profile app]\ncredential_process = {process}\n"
    )
    result = _run("--role-arn", untrusting, "--profile", "base")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: AssumeRole failed: AccessDenied: ")
    assert "Traceback" not in result.stderr
    with pytest.raises(CredentialRetrievalError, match="AccessDenied"):
        boto3.session.Session(profile_name="app").client(
            "sts", endpoint_url=endpoints_server.url, region_name="us-east-1"
        ).get_caller_identity()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile", "nowhere"), "The config profile (nowhere) could not be found"),
        ((), "Unable to locate credentials"),
        (("--profile", "loop"), "gets its credentials from 'iamd credentials' itself"),
        (
            ("--profile", "base", "--endpoint-url", "http://127.0.0.1:{port}"),
            "Could not connect to the endpoint URL",
        ),
    ],
)
def test_clean_errors(
    endpoints_server: RunningServer, keyless_env: Path, args: tuple[str, ...], message: str
) -> None:
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/anything"
    loop = f"[profile loop]\ncredential_process = {_process('--role-arn', role_arn, '--profile', 'loop')}\n"
    _write_config(keyless_env, endpoints_server, "AKIAIOSFODNN7EXAMPLF", "x" * 40, loop)
    args = tuple(arg.replace("{port}", str(free_port())) for arg in args)
    result = _run("--role-arn", role_arn, "--endpoint-url", endpoints_server.url, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
