"""Helpers for the STS tests (no tests here): roles with trust policies, temporary-credential clients."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from iamd.auth.secrets import SecretBox, load_master_key
from tests.integration.server.harness import RunningServer, unique


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def trust(principal: dict[str, Any], *, actions: tuple[str, ...] = ("sts:AssumeRole",), **extra: Any) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": list(actions)}
    statement.update(extra)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(*actions: str, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": "*"}
    statement.update(extra)
    return {"Version": "2012-10-17", "Statement": [statement]}


def make_role(
    server: RunningServer,
    trust_policy: str,
    policy: dict[str, Any] | None = None,
    *,
    max_session_duration: int = 3600,
) -> str:
    """A new role (with ``policy`` inline, if any); returns its ARN."""
    iam = server.client("iam")
    name = unique("role")
    arn: str = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust_policy, MaxSessionDuration=max_session_duration
    )["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(policy))
    return arn


def new_user(server: RunningServer, policy: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """A fresh IAM user (with ``policy`` inline, if any): its name, access key id and secret."""
    iam = server.client("iam")
    name = unique("user")
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="test", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, key["AccessKeyId"], key["SecretAccessKey"]


def user_arn(server: RunningServer, name: str) -> str:
    arn: str = server.client("iam").get_user(UserName=name)["User"]["Arn"]
    return arn


def session_client(server: RunningServer, service: str, credentials: dict[str, Any]) -> Any:
    return server.client(
        service,
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def unvalidated_client(server: RunningServer, service: str, key_id: str, secret: str) -> Any:
    """A client that sends what botocore would refuse, to see the server's own validation."""
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def server_box(server: RunningServer) -> SecretBox:
    """The server's SecretBox: its master key lives in its data dir (the harness runs it non-ephemeral)."""
    data_dir: Path = server.log_path.parent
    return SecretBox.from_master_key(load_master_key(data_dir, {}))
