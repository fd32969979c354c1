"""Managed policies through the AWS CLI (awscli from PyPI) against a real server.

The CLI reads the URL-encoded document of get-policy-version and pages list-policies on its own
(https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html), so these check the wire
format as a second real client sees it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.server.awscli import aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_policies import ALLOW_S3, AWS_MANAGED_COUNT


def test_create_version_and_read_back(iamd_cli_server: RunningServer, tmp_path: Path) -> None:
    name = unique("cli")
    document = tmp_path / "policy.json"
    document.write_text(json.dumps(ALLOW_S3))
    created = aws_iam(
        iamd_cli_server, "create-policy", "--policy-name", name, "--policy-document", f"file://{document}"
    )["Policy"]
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/{name}"
    assert (created["Arn"], created["DefaultVersionId"]) == (arn, "v1")

    wider = {**ALLOW_S3, "Statement": [{**ALLOW_S3["Statement"][0], "Action": "s3:*"}]}
    document.write_text(json.dumps(wider))
    aws_iam(
        iamd_cli_server,
        "create-policy-version",
        "--policy-arn",
        arn,
        "--policy-document",
        f"file://{document}",
        "--set-as-default",
    )
    version = aws_iam(iamd_cli_server, "get-policy-version", "--policy-arn", arn, "--version-id", "v2")
    assert version["PolicyVersion"]["Document"] == wider
    assert version["PolicyVersion"]["IsDefaultVersion"] is True


def test_cli_pages_through_every_aws_managed_policy(iamd_cli_server: RunningServer) -> None:
    # The CLI follows Marker until IsTruncated is false; --page-size sets MaxItems per request.
    listed = aws_iam(iamd_cli_server, "list-policies", "--scope", "AWS", "--page-size", "250")["Policies"]
    assert len(listed) == AWS_MANAGED_COUNT
    assert len({p["Arn"] for p in listed}) == AWS_MANAGED_COUNT
