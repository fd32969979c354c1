"""AWS's default quotas are configurable per server (issue 4, section 4; the names are AWS's:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from iamd.cli.main import cli
from tests.integration.server.harness import start_server, unique


def test_a_lowered_users_quota_is_enforced_and_reported(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite", "--quota", "UsersPerAccount=2", "--workers", "2")
    try:
        iam = server.client("iam")
        iam.create_user(UserName=unique("q"))
        iam.create_user(UserName=unique("q"))
        with pytest.raises(ClientError) as excinfo:
            iam.create_user(UserName=unique("q"))
        error = excinfo.value.response["Error"]
        assert (error["Code"], error["Message"]) == (
            "LimitExceeded",
            "Cannot exceed quota for UsersPerAccount: 2",
        )
        assert iam.get_account_summary()["SummaryMap"]["UsersQuota"] == 2
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("AccessKeysPerUser=3", "fixed by AWS"),
        ("NoSuchQuota=3", "unknown quota"),
        ("UsersPerAccount=lots", "positive whole number"),
    ],
)
def test_bad_quota_settings_are_clear_errors(tmp_path: Path, setting: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path), "--quota", setting])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
