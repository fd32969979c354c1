"""Access keys through the AWS CLI (awscli from PyPI) against a real server: a second real client reads
the wire format of CreateAccessKey, ListAccessKeys, UpdateAccessKey, GetAccessKeyLastUsed, DeleteAccessKey.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.integration.server.harness import ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique


def run_aws_iam(
    server: RunningServer, *args: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    command = [sys.executable, "-m", "awscli", "iam", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def aws_iam(server: RunningServer, *args: str, **credentials: str) -> Any:
    done = run_aws_iam(server, *args, **credentials)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_access_key_lifecycle(iamd_server: RunningServer) -> None:
    name = unique("cli-keys")
    aws_iam(iamd_server, "create-user", "--user-name", name)
    key = aws_iam(iamd_server, "create-access-key", "--user-name", name)["AccessKey"]
    assert (key["UserName"], key["Status"], len(key["SecretAccessKey"])) == (name, "Active", 40)

    listed = aws_iam(iamd_server, "list-access-keys", "--user-name", name)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key["AccessKeyId"], "Active")]
    assert "SecretAccessKey" not in listed[0]

    last_used = aws_iam(iamd_server, "get-access-key-last-used", "--access-key-id", key["AccessKeyId"])
    assert last_used["UserName"] == name
    assert last_used["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    aws_iam(
        iamd_server, "update-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"],
        "--status", "Inactive",
    )  # fmt: skip
    # The deactivated key is refused as an invalid token (CommonErrors: InvalidClientTokenId).
    refused = run_aws_iam(
        iamd_server, "list-access-keys", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"]
    )
    assert refused.returncode != 0
    assert "InvalidClientTokenId" in refused.stderr

    aws_iam(iamd_server, "delete-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"])
    assert aws_iam(iamd_server, "list-access-keys", "--user-name", name)["AccessKeyMetadata"] == []


def test_third_key_fails_with_limit_exceeded(iamd_server: RunningServer) -> None:
    name = unique("cli-keys")
    aws_iam(iamd_server, "create-user", "--user-name", name)
    for _ in range(2):
        aws_iam(iamd_server, "create-access-key", "--user-name", name)
    third = run_aws_iam(iamd_server, "create-access-key", "--user-name", name)
    assert third.returncode != 0
    assert (
        "(LimitExceeded)" in third.stderr and "Cannot exceed quota for AccessKeysPerUser: 2" in third.stderr
    )
