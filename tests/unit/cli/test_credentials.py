"""``iamd credentials`` through click's runner, without a server: the credential_process document
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html), loop detection and
one-line errors for what fails before any request is sent."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iamd.cli import credentials as credentials_module
from iamd.cli.main import cli

ROLE_ARN = "arn:aws:iam::123456789012:role/app"


@pytest.fixture(autouse=True)
def no_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "IAMD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # enter_chain writes os.environ; setting it here makes monkeypatch restore it after each test.
    monkeypatch.setenv(credentials_module.CHAIN_ENV, "")


def _fake_assume_role(captured: dict[str, Any]) -> Any:
    def fake(_session: Any, endpoint_url: str | None, params: dict[str, Any]) -> dict[str, Any]:
        captured.update(params, endpoint_url=endpoint_url)
        return {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))),
            }
        }

    return fake


def test_prints_the_credential_process_document(monkeypatch: pytest.MonkeyPatch) -> None:
    captured: dict[str, Any] = {}
    monkeypatch.setattr(credentials_module, "assume_role", _fake_assume_role(captured))
    result = CliRunner().invoke(
        cli,
        [
            "credentials",
            "--role-arn",
            ROLE_ARN,
            "--role-session-name",
            "me",
            "--duration-seconds",
            "1800",
            "--endpoint-url",
            "http://127.0.0.1:8137",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "Version": 1,
        "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "SecretAccessKey": "secret",
        "SessionToken": "token",
        "Expiration": "2026-01-01T12:00:00Z",  # in UTC
    }
    assert captured == {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "me",
        "DurationSeconds": 1800,
        "endpoint_url": "http://127.0.0.1:8137",
    }


def test_default_session_name(monkeypatch: pytest.MonkeyPatch) -> None:
    captured: dict[str, Any] = {}
    monkeypatch.setattr(credentials_module, "assume_role", _fake_assume_role(captured))
    result = CliRunner().invoke(cli, ["credentials", "--role-arn", ROLE_ARN])
    assert result.exit_code == 0, result.output
    assert captured["RoleSessionName"].startswith("iamd-credentials-")
    assert "DurationSeconds" not in captured and captured["endpoint_url"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing option '--role-arn'"),
        (["--role-arn", ROLE_ARN, "--duration-seconds", "899"], "900<=x<=43200"),
        (["--role-arn", ROLE_ARN, "--duration-seconds", "43201"], "900<=x<=43200"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["credentials", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "nowhere"], "Error: The config profile (nowhere) could not be found"),
        # No keys anywhere: botocore refuses to sign before anything is sent.
        ([], "Error: AssumeRole failed: Unable to locate credentials"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(
        cli, ["credentials", "--role-arn", ROLE_ARN, "--endpoint-url", "http://127.0.0.1:9", *args]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_profile_that_loops_back_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials_module.CHAIN_ENV, "outer,app")
    result = CliRunner().invoke(cli, ["credentials", "--role-arn", ROLE_ARN, "--profile", "app"])
    assert result.exit_code == 1
    assert "profile 'app' gets its credentials from 'iamd credentials' itself" in result.stderr


def test_chain_records_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials_module.CHAIN_ENV, "outer")
    credentials_module.enter_chain(None)
    assert os.environ[credentials_module.CHAIN_ENV] == "outer,default"
    monkeypatch.setenv("AWS_PROFILE", "dev")
    credentials_module.enter_chain(None)
    assert os.environ[credentials_module.CHAIN_ENV] == "outer,default,dev"


def test_expiration_of_naive_datetimes_is_taken_as_utc() -> None:
    document = credentials_module.process_document(
        {
            "AccessKeyId": "A",
            "SecretAccessKey": "S",
            "SessionToken": "T",
            "Expiration": datetime(2026, 5, 1, 8),
        }
    )
    assert document["Expiration"] == "2026-05-01T08:00:00Z"
