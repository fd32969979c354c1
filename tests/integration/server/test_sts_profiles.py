"""Role profiles as real clients use them: ``role_arn`` + ``source_profile`` (+ ``external_id``,
``mfa_serial``, ``duration_seconds``) in an AWS config file, through the AWS CLI and boto3's own
assume-role credential provider (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html,
https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_sts_support import allow, make_role, new_user, trust, user_arn


def _write_config(
    tmp_path: Path, server: RunningServer, key_id: str, secret: str, profiles: str
) -> dict[str, str]:
    """Config and credentials files; returns the environment that points clients at them."""
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[base]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    config = tmp_path / "config"
    config.write_text(f"[profile base]\nregion = us-east-1\nendpoint_url = {server.url}\n\n{profiles}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(credentials),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _profile(name: str, server: RunningServer, **settings: str) -> str:
    lines = [f"[profile {name}]", "region = us-east-1", f"endpoint_url = {server.url}"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n\n"


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_role_profiles_external_id_and_chaining(iamd_server: RunningServer, tmp_path: Path) -> None:
    name, key_id, secret = new_user(iamd_server)
    first = make_role(
        iamd_server,
        trust({"AWS": user_arn(iamd_server, name)}, Condition={"StringEquals": {"sts:ExternalId": "ext-1"}}),
        allow("sts:AssumeRole"),
    )
    second = make_role(iamd_server, trust({"AWS": first}), allow("iam:ListUsers"), max_session_duration=43200)
    profiles = (
        _profile("first", iamd_server, role_arn=first, source_profile="base", external_id="ext-1")
        + _profile("no-external-id", iamd_server, role_arn=first, source_profile="base")
        + _profile("second", iamd_server, role_arn=second, source_profile="first", role_session_name="hop2")
        + _profile("too-long", iamd_server, role_arn=second, source_profile="first", duration_seconds="7200")
    )
    env = _write_config(tmp_path, iamd_server, key_id, secret, profiles)

    done = _cli(env, "sts", "get-caller-identity", "--profile", "first")
    assert done.returncode == 0, done.stderr
    identity = json.loads(done.stdout)
    assert identity["Arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{first.rsplit('/', 1)[-1]}/")

    done = _cli(env, "iam", "list-users", "--profile", "second")
    assert done.returncode == 0, done.stderr
    assert "Users" in json.loads(done.stdout)
    done = _cli(env, "sts", "get-caller-identity", "--profile", "second")
    assert (
        json.loads(done.stdout)["Arn"]
        == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{second.rsplit('/', 1)[-1]}/hop2"
    )

    done = _cli(env, "sts", "get-caller-identity", "--profile", "no-external-id")
    assert done.returncode != 0 and "AccessDenied" in done.stderr
    # Role chaining with a session longer than an hour is refused.
    done = _cli(env, "sts", "get-caller-identity", "--profile", "too-long")
    assert done.returncode != 0 and "1 hour session limit for roles assumed by role chaining" in done.stderr


def test_cli_get_session_token_and_assume_role(iamd_server: RunningServer, tmp_path: Path) -> None:
    name, key_id, secret = new_user(iamd_server)
    role_arn = make_role(
        iamd_server, trust({"AWS": user_arn(iamd_server, name)}, actions=("sts:AssumeRole", "sts:TagSession"))
    )
    env = _write_config(tmp_path, iamd_server, key_id, secret, "")
    done = _cli(
        env,
        "sts",
        "assume-role",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "cli",
        "--duration-seconds",
        "900",
        "--tags",
        "Key=team,Value=blue",
        "--profile",
        "base",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["AssumedRoleUser"]["Arn"].endswith(f"assumed-role/{role_arn.rsplit('/', 1)[-1]}/cli")
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA") and result["PackedPolicySize"] >= 1
    expires = datetime.fromisoformat(result["Credentials"]["Expiration"])
    assert expires <= datetime.now(UTC) + timedelta(seconds=901)

    done = _cli(env, "sts", "get-session-token", "--duration-seconds", "899", "--profile", "base")
    assert done.returncode != 0  # the CLI's own validation or the server's: under 15 minutes is refused


def _boto3_session(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, profile: str) -> boto3.Session:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"):
        monkeypatch.setenv(key, env[key])
    return boto3.Session(profile_name=profile)


def test_boto3_role_profile_with_session_tags_in_conditions(
    iamd_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, key_id, secret = new_user(iamd_server)
    # The role is tagged; a role session's aws:PrincipalTag includes the role's tags.
    role_arn = make_role(
        iamd_server,
        trust({"AWS": user_arn(iamd_server, name)}),
        allow("iam:ListUsers", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}),
    )
    iamd_server.client("iam").tag_role(
        RoleName=role_arn.rsplit("/", 1)[-1], Tags=[{"Key": "team", "Value": "blue"}]
    )
    env = _write_config(
        tmp_path,
        iamd_server,
        key_id,
        secret,
        _profile("role", iamd_server, role_arn=role_arn, source_profile="base"),
    )
    session = _boto3_session(env, monkeypatch, "role")
    iam = session.client("iam")
    assert "Users" in iam.list_users()
    identity = session.client("sts").get_caller_identity()
    assert identity["Arn"].startswith(
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/"
    )
    with pytest.raises(ClientError) as excinfo:
        iam.list_roles()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_boto3_role_profile_with_mfa(
    iamd_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyotp = pytest.importorskip("pyotp")
    name, key_id, secret = new_user(iamd_server)
    iam = iamd_server.client("iam")
    try:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"]
    except ClientError as error:  # the MFA work may not have landed yet
        pytest.skip(f"virtual MFA devices unavailable: {error}")
    seed: Any = device["Base32StringSeed"]
    totp = pyotp.TOTP(seed.decode() if isinstance(seed, bytes) else seed)
    now = datetime.now(UTC)
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - timedelta(seconds=60)),
        AuthenticationCode2=totp.at(now - timedelta(seconds=30)),
    )
    role_arn = make_role(
        iamd_server,
        trust(
            {"AWS": user_arn(iamd_server, name)}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
        allow("iam:ListUsers", Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
    )
    env = _write_config(
        tmp_path,
        iamd_server,
        key_id,
        secret,
        _profile(
            "mfa", iamd_server, role_arn=role_arn, source_profile="base", mfa_serial=device["SerialNumber"]
        ),
    )
    prompts: list[str] = []
    session = _boto3_session(env, monkeypatch, "mfa")
    # botocore asks for the code with getpass (bound when botocore was imported, and there is no tty here):
    # give its assume-role provider a prompter that answers with the current code.
    provider = session._session.get_component("credential_provider").get_provider("assume-role")
    provider._prompter = lambda prompt="": prompts.append(prompt) or totp.now()
    assert "Users" in session.client("iam").list_users()
    assert len(prompts) == 1 and device["SerialNumber"] in prompts[0]
