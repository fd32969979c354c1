"""Groups and membership through the AWS CLI (awscli from PyPI) against a real server.

The CLI pages get-group and list-groups on its own
(https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html), so these check the wire
format (Marker, IsTruncated, member lists) as a second real client sees it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique


def run_aws_iam(server: RunningServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=ROOT_KEY_ID,
        AWS_SECRET_ACCESS_KEY=ROOT_SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    command = [sys.executable, "-m", "awscli", "iam", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def aws_iam(server: RunningServer, *args: str) -> Any:
    done = run_aws_iam(server, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_group_members_paged_and_delete_conflict(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")  # setup through boto3: each CLI run costs a Python start-up
    group, path = unique("cli-g"), f"/{unique('cli')}/"
    iam.create_group(GroupName=group, Path=path)
    users = sorted(unique("cli-u") for _ in range(3))
    for user in users:
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)

    # --page-size makes the CLI follow Markers across three requests and merge the members.
    fetched = aws_iam(iamd_server, "get-group", "--group-name", group, "--page-size", "1")
    assert [u["UserName"] for u in fetched["Users"]] == users
    assert fetched["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group{path}{group}"
    for_user = aws_iam(iamd_server, "list-groups-for-user", "--user-name", users[0])["Groups"]
    assert [g["GroupName"] for g in for_user] == [group]

    # DeleteGroup refuses while the group has members, with AWS's message.
    refused = run_aws_iam(iamd_server, "delete-group", "--group-name", group)
    assert refused.returncode != 0
    assert "(DeleteConflict)" in refused.stderr
    assert "Cannot delete entity, must remove users from group first." in refused.stderr
    assert iam.get_group(GroupName=group)["Group"]["GroupName"] == group
