"""Inline policies through the AWS CLI (awscli from PyPI) against a real server.

The CLI URL-decodes and parses the PolicyDocument of get-user-policy / get-group-policy / get-role-policy
(the Query API returns it URL-encoded: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import RunningServer, unique

DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/a b+c%d&e=f/*"}
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def test_put_and_get_for_each_kind(iamd_cli_server: RunningServer, tmp_path: Path) -> None:
    iam = iamd_cli_server.client("iam")  # setup through boto3: each CLI run costs a Python start-up
    document = tmp_path / "policy.json"
    document.write_text(json.dumps(DOCUMENT))
    user, group, role = unique("cli-u"), unique("cli-g"), unique("cli-r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_group_policy(GroupName=group, PolicyName="read", PolicyDocument=json.dumps(DOCUMENT))
    iam.put_role_policy(RoleName=role, PolicyName="read", PolicyDocument=json.dumps(DOCUMENT))
    aws_iam(
        iamd_cli_server,
        "put-user-policy",
        "--user-name",
        user,
        "--policy-name",
        "read",
        "--policy-document",
        f"file://{document}",
    )
    for kind, name in (("user", user), ("group", group), ("role", role)):
        got = aws_iam(iamd_cli_server, f"get-{kind}-policy", f"--{kind}-name", name, "--policy-name", "read")
        assert got["PolicyDocument"] == DOCUMENT  # reserved characters survive the URL encoding
        assert got[f"{kind.capitalize()}Name"] == name


def test_malformed_document_is_refused(iamd_cli_server: RunningServer) -> None:
    iam = iamd_cli_server.client("iam")
    user = unique("cli-u")
    iam.create_user(UserName=user)
    refused = run_aws_iam(
        iamd_cli_server,
        "put-user-policy",
        "--user-name",
        user,
        "--policy-name",
        "bad",
        "--policy-document",
        "{nope",
    )
    assert refused.returncode != 0 and "(MalformedPolicyDocument)" in refused.stderr
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == []
