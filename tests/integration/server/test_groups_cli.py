"""Groups and membership through the AWS CLI (awscli from PyPI) against a real server.

The CLI pages get-group and list-groups on its own
(https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html), so these check the wire
format (Marker, IsTruncated, member lists) as a second real client sees it.
"""

from __future__ import annotations

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique


def test_group_members_paged_and_delete_conflict(iamd_cli_server: RunningServer) -> None:
    iam = iamd_cli_server.client("iam")  # setup through boto3: each CLI run costs a Python start-up
    group, path = unique("cli-g"), f"/{unique('cli')}/"
    iam.create_group(GroupName=group, Path=path)
    users = sorted(unique("cli-u") for _ in range(3))
    for user in users:
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)

    # --page-size makes the CLI follow Markers across three requests and merge the members.
    fetched = aws_iam(iamd_cli_server, "get-group", "--group-name", group, "--page-size", "1")
    assert [u["UserName"] for u in fetched["Users"]] == users
    assert fetched["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group{path}{group}"
    for_user = aws_iam(iamd_cli_server, "list-groups-for-user", "--user-name", users[0])["Groups"]
    assert [g["GroupName"] for g in for_user] == [group]

    # DeleteGroup refuses while the group has members, with AWS's message.
    refused = run_aws_iam(iamd_cli_server, "delete-group", "--group-name", group)
    assert refused.returncode != 0
    assert "(DeleteConflict)" in refused.stderr
    assert "Cannot delete entity, must remove users from group first." in refused.stderr
    assert iam.get_group(GroupName=group)["Group"]["GroupName"] == group
