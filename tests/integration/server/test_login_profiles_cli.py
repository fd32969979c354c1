"""Login profiles and the password policy through the AWS CLI (awscli from PyPI) against a real server."""

from __future__ import annotations

import contextlib

from tests.integration.server.awscli import aws_iam, run_aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique


def test_login_profile_lifecycle(iamd_cli_server: RunningServer) -> None:
    name = unique("cli-console")
    aws_iam(iamd_cli_server, "create-user", "--user-name", name)
    created = aws_iam(
        iamd_cli_server, "create-login-profile", "--user-name", name, "--password", "Tr0ub4dor&3-cli",
        "--password-reset-required",
    )["LoginProfile"]  # fmt: skip
    assert (created["UserName"], created["PasswordResetRequired"]) == (name, True)
    assert "Password" not in created
    fetched = aws_iam(iamd_cli_server, "get-login-profile", "--user-name", name)["LoginProfile"]
    assert fetched == created
    aws_iam(iamd_cli_server, "update-login-profile", "--user-name", name, "--no-password-reset-required")
    assert (
        aws_iam(iamd_cli_server, "get-login-profile", "--user-name", name)["LoginProfile"][
            "PasswordResetRequired"
        ]
        is False
    )
    aws_iam(iamd_cli_server, "delete-login-profile", "--user-name", name)
    missing = run_aws_iam(iamd_cli_server, "get-login-profile", "--user-name", name)
    assert missing.returncode != 0 and "(NoSuchEntity)" in missing.stderr


def test_password_policy(iamd_cli_server: RunningServer) -> None:
    with contextlib.suppress(AssertionError):
        aws_iam(iamd_cli_server, "delete-account-password-policy")
    missing = run_aws_iam(iamd_cli_server, "get-account-password-policy")
    assert f"The Password Policy with domain name {ACCOUNT_ID} cannot be found." in missing.stderr
    try:
        aws_iam(
            iamd_cli_server,
            "update-account-password-policy",
            "--minimum-password-length",
            "20",
            "--require-symbols",
        )
        policy = aws_iam(iamd_cli_server, "get-account-password-policy")["PasswordPolicy"]
        assert (policy["MinimumPasswordLength"], policy["RequireSymbols"], policy["ExpirePasswords"]) == (
            20,
            True,
            False,
        )
        name = unique("cli-console")
        aws_iam(iamd_cli_server, "create-user", "--user-name", name)
        refused = run_aws_iam(
            iamd_cli_server, "create-login-profile", "--user-name", name, "--password", "Short!1"
        )
        assert "(PasswordPolicyViolation)" in refused.stderr
        assert "Password should have a minimum length of 20" in refused.stderr
    finally:
        aws_iam(iamd_cli_server, "delete-account-password-policy")
