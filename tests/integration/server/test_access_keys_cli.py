"""Access keys through the AWS CLI (awscli from PyPI) against a real server: a second real client reads
the wire format of CreateAccessKey, ListAccessKeys, UpdateAccessKey, GetAccessKeyLastUsed, DeleteAccessKey.
"""

from __future__ import annotations

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import RunningServer, unique


def test_access_key_lifecycle(iamd_cli_server: RunningServer) -> None:
    name = unique("cli-keys")
    aws_iam(iamd_cli_server, "create-user", "--user-name", name)
    key = aws_iam(iamd_cli_server, "create-access-key", "--user-name", name)["AccessKey"]
    assert (key["UserName"], key["Status"], len(key["SecretAccessKey"])) == (name, "Active", 40)

    listed = aws_iam(iamd_cli_server, "list-access-keys", "--user-name", name)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key["AccessKeyId"], "Active")]
    assert "SecretAccessKey" not in listed[0]

    last_used = aws_iam(iamd_cli_server, "get-access-key-last-used", "--access-key-id", key["AccessKeyId"])
    assert last_used["UserName"] == name
    assert last_used["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    aws_iam(
        iamd_cli_server, "update-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"],
        "--status", "Inactive",
    )  # fmt: skip
    # The deactivated key is refused as an invalid token (CommonErrors: InvalidClientTokenId).
    refused = run_aws_iam(
        iamd_cli_server, "list-access-keys", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"]
    )
    assert refused.returncode != 0
    assert "InvalidClientTokenId" in refused.stderr

    aws_iam(iamd_cli_server, "delete-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"])
    assert aws_iam(iamd_cli_server, "list-access-keys", "--user-name", name)["AccessKeyMetadata"] == []


def test_third_key_fails_with_limit_exceeded(iamd_cli_server: RunningServer) -> None:
    name = unique("cli-keys")
    aws_iam(iamd_cli_server, "create-user", "--user-name", name)
    for _ in range(2):
        aws_iam(iamd_cli_server, "create-access-key", "--user-name", name)
    third = run_aws_iam(iamd_cli_server, "create-access-key", "--user-name", name)
    assert third.returncode != 0
    assert (
        "(LimitExceeded)" in third.stderr and "Cannot exceed quota for AccessKeysPerUser: 2" in third.stderr
    )
