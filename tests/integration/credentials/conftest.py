"""A real ``iamd serve`` (SQLite, so the worker rebuilds its settings from the environment) with both
credential endpoints configured, and SDK environments that hold no keys at all."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, start_server

INSTANCE_ROLE = "iamd-instance-role"
CONTAINER_ROLE = "iamd-task-role"
INSTANCE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{INSTANCE_ROLE}"
CONTAINER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{CONTAINER_ROLE}"
CONTAINER_TOKEN = "test-container-token-0123456789"


def service_trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


@pytest.fixture(scope="session")
def endpoints_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("iamd-credentials")
    server = start_server(
        data_dir,
        None,
        "sqlite",
        "--instance-role-arn",
        INSTANCE_ROLE_ARN,
        "--container-role-arn",
        CONTAINER_ROLE_ARN,
        "--container-token",
        CONTAINER_TOKEN,
    )
    # The roles are created after the server started: the endpoints look them up on each request.
    iam = server.client("iam")
    iam.create_role(RoleName=INSTANCE_ROLE, AssumeRolePolicyDocument=service_trust("ec2.amazonaws.com"))
    iam.create_role(
        RoleName=CONTAINER_ROLE, AssumeRolePolicyDocument=service_trust("ecs-tasks.amazonaws.com")
    )
    yield server
    server.stop()


@pytest.fixture
def keyless_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS_* variables, an empty HOME and no config or credentials files: only what a test sets."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-credentials"))
    return home


def default_chain_sts(server: RunningServer) -> Any:
    """An STS client whose credentials come from botocore's default chain alone."""
    return boto3.session.Session().client("sts", endpoint_url=server.url, region_name="us-east-1")
