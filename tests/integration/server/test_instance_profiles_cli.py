"""Instance profiles through the AWS CLI (awscli from PyPI) against a real server.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html and
its siblings.
"""

from __future__ import annotations

import json

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_roles_cli import TRUST


def test_instance_profile_with_its_role(iamd_cli_server: RunningServer) -> None:
    role, profile = unique("cli-ipr"), unique("cli-ip")
    aws_iam(
        iamd_cli_server,
        "create-role",
        "--role-name",
        role,
        "--assume-role-policy-document",
        json.dumps(TRUST),
    )
    created = aws_iam(iamd_cli_server, "create-instance-profile", "--instance-profile-name", profile)
    assert created["InstanceProfile"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/{profile}"
    both = ("--instance-profile-name", profile, "--role-name", role)
    aws_iam(iamd_cli_server, "add-role-to-instance-profile", *both)

    listed = aws_iam(iamd_cli_server, "list-instance-profiles-for-role", "--role-name", role)[
        "InstanceProfiles"
    ]
    assert [(p["InstanceProfileName"], [r["RoleName"] for r in p["Roles"]]) for p in listed] == [
        (profile, [role])
    ]

    full = run_aws_iam(iamd_cli_server, "add-role-to-instance-profile", *both)
    assert "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" in full.stderr
    conflict = run_aws_iam(iamd_cli_server, "delete-instance-profile", "--instance-profile-name", profile)
    assert "DeleteConflict" in conflict.stderr

    aws_iam(iamd_cli_server, "remove-role-from-instance-profile", *both)
    aws_iam(iamd_cli_server, "delete-instance-profile", "--instance-profile-name", profile)
    aws_iam(iamd_cli_server, "delete-role", "--role-name", role)
