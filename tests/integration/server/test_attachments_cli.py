"""Managed policy attachments through the AWS CLI (awscli from PyPI) against a real server.

The CLI pages list-attached-*-policies and list-entities-for-policy on its own
(https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html), merging the three entity lists.
"""

from __future__ import annotations

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import RunningServer, unique

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
LAMBDA_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"


def test_attach_list_entities_detach(iamd_cli_server: RunningServer) -> None:
    iam = iamd_cli_server.client("iam")  # setup through boto3: each CLI run costs a Python start-up
    path = f"/{unique('cli')}/"
    users = sorted(unique("cli-u") for _ in range(2))
    group = unique("cli-g")
    for user in users:
        iam.create_user(UserName=user, Path=path)
        iam.attach_user_policy(UserName=user, PolicyArn=READ_ONLY)
    iam.create_group(GroupName=group, Path=path)
    iam.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    aws_iam(iamd_cli_server, "attach-group-policy", "--group-name", group, "--policy-arn", LAMBDA_ROLE)

    attached = aws_iam(
        iamd_cli_server, "list-attached-group-policies", "--group-name", group, "--page-size", "1"
    )
    assert sorted(p["PolicyArn"] for p in attached["AttachedPolicies"]) == sorted([READ_ONLY, LAMBDA_ROLE])
    assert {p["PolicyName"] for p in attached["AttachedPolicies"]} == {"ReadOnlyAccess", "AWSLambdaRole"}

    # Paged one entity at a time, the CLI merges groups and users from three responses.
    entities = aws_iam(
        iamd_cli_server,
        "list-entities-for-policy",
        "--policy-arn",
        READ_ONLY,
        "--path-prefix",
        path,
        "--page-size",
        "1",
    )
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == users
    assert entities["PolicyRoles"] == []

    iam.detach_user_policy(UserName=users[0], PolicyArn=READ_ONLY)
    again = run_aws_iam(
        iamd_cli_server, "detach-user-policy", "--user-name", users[0], "--policy-arn", READ_ONLY
    )
    assert again.returncode != 0 and "(NoSuchEntity)" in again.stderr
    assert f"Policy {READ_ONLY} was not found." in again.stderr
