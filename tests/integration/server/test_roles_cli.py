"""Roles and service-linked roles through the AWS CLI (awscli from PyPI) against a real server.

A second real client: the CLI pages list-roles on its own
(https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html) and decodes the URL-encoded
trust policy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
"""

from __future__ import annotations

import json

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def test_role_lifecycle(iamd_cli_server: RunningServer) -> None:
    path = f"/{unique('cli')}/"
    names = sorted(unique("cli-r") for _ in range(2))
    for name in names:
        created = aws_iam(
            iamd_cli_server,
            "create-role",
            "--role-name",
            name,
            "--path",
            path,
            "--assume-role-policy-document",
            json.dumps(TRUST),
            "--max-session-duration",
            "7200",
            "--tags",
            "Key=team,Value=web",
        )["Role"]
        assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role{path}{name}"
    # --page-size makes the CLI follow Markers across requests and merge the pages.
    listed = aws_iam(iamd_cli_server, "list-roles", "--path-prefix", path, "--page-size", "1")["Roles"]
    assert [r["RoleName"] for r in listed] == names
    assert all(r["AssumeRolePolicyDocument"] == TRUST and "Tags" not in r for r in listed)

    role = aws_iam(iamd_cli_server, "get-role", "--role-name", names[0])["Role"]
    assert (role["MaxSessionDuration"], role["Tags"]) == (7200, [{"Key": "team", "Value": "web"}])
    aws_iam(iamd_cli_server, "update-role", "--role-name", names[0], "--description", "from the cli")
    assert (
        aws_iam(iamd_cli_server, "get-role", "--role-name", names[0])["Role"]["Description"] == "from the cli"
    )

    refused = run_aws_iam(
        iamd_cli_server, "update-role", "--role-name", names[0], "--max-session-duration", "100"
    )
    assert refused.returncode != 0  # the CLI itself checks the model's range

    for name in names:
        aws_iam(iamd_cli_server, "delete-role", "--role-name", name)
    missing = run_aws_iam(iamd_cli_server, "get-role", "--role-name", names[0])
    assert missing.returncode != 0
    assert (
        "NoSuchEntity" in missing.stderr
        and f"The role with name {names[0]} cannot be found." in missing.stderr
    )


def test_service_linked_role(iamd_cli_server: RunningServer) -> None:
    suffix = unique("cli").replace("-", "")
    role = aws_iam(
        iamd_cli_server,
        "create-service-linked-role",
        "--aws-service-name",
        "autoscaling.amazonaws.com",
        "--custom-suffix",
        suffix,
    )["Role"]
    assert role["RoleName"] == f"AWSServiceRoleForAutoScaling_{suffix}"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    refused = run_aws_iam(iamd_cli_server, "delete-role", "--role-name", role["RoleName"])
    assert "UnmodifiableEntity" in refused.stderr
    task = aws_iam(iamd_cli_server, "delete-service-linked-role", "--role-name", role["RoleName"])[
        "DeletionTaskId"
    ]
    assert task.startswith(f"task/aws-service-role/autoscaling.amazonaws.com/{role['RoleName']}/")
    status = aws_iam(iamd_cli_server, "get-service-linked-role-deletion-status", "--deletion-task-id", task)
    assert status == {"Status": "SUCCEEDED"}
