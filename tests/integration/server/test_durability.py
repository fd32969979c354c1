"""An acknowledged write survives `kill -9`; changes apply on the next request in every worker (issue 4)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import start_server, unique


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite")
    names = [unique("durable") for _ in range(20)]
    try:
        iam = server.client("iam")
        for name in names:
            iam.create_user(UserName=name)  # acknowledged: the response came back
    finally:
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
    restarted = start_server(tmp_path, None, "sqlite")
    try:
        listed = {u["UserName"] for u in restarted.client("iam").list_users(MaxItems=1000)["Users"]}
        assert set(names) <= listed
    finally:
        restarted.stop()


def test_policy_changes_apply_on_the_next_request_in_every_worker(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite", "--workers", "2")
    try:
        iam = server.client("iam")
        allow = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
        }
        user_iam, name = server.user_client("iam", allow)
        for _ in range(6):  # new connections land on either worker
            user_iam.list_users()
        iam.delete_user_policy(UserName=name, PolicyName="test")
        for _ in range(6):
            with pytest.raises(ClientError) as excinfo:
                user_iam.list_users()
            assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
        iam.put_user_policy(UserName=name, PolicyName="again", PolicyDocument=json.dumps(allow))
        for _ in range(6):
            user_iam.list_users()
    finally:
        server.stop()
