"""Account aliases, GetAccountSummary and GetAccountAuthorizationDetails through the AWS CLI."""

from __future__ import annotations

from tests.integration.server.awscli import aws_iam
from tests.integration.server.harness import RunningServer, unique


def test_alias_and_summary(iamd_cli_server: RunningServer) -> None:
    alias = unique("cli-alias")
    aws_iam(iamd_cli_server, "create-account-alias", "--account-alias", alias)
    try:
        assert aws_iam(iamd_cli_server, "list-account-aliases")["AccountAliases"] == [alias]
    finally:
        aws_iam(iamd_cli_server, "delete-account-alias", "--account-alias", alias)
    assert aws_iam(iamd_cli_server, "list-account-aliases")["AccountAliases"] == []
    summary = aws_iam(iamd_cli_server, "get-account-summary")["SummaryMap"]
    assert (summary["AccessKeysPerUserQuota"], summary["UsersQuota"]) == (2, 5000)


def test_authorization_details_pages_through_the_cli(iamd_cli_server: RunningServer) -> None:
    name = unique("cli-details")
    aws_iam(iamd_cli_server, "create-user", "--user-name", name)
    # --page-size 2 makes the CLI follow Markers across the lists and merge them.
    details = aws_iam(
        iamd_cli_server, "get-account-authorization-details", "--filter", "User", "--page-size", "2"
    )
    names = [u["UserName"] for u in details["UserDetailList"]]
    assert name in names and len(names) == len(set(names))
