"""AssumeRoleWithWebIdentity through the AWS CLI, with a token from ``iamd oidc token``.

The CLI sends the call unsigned (https://docs.aws.amazon.com/cli/latest/reference/sts/assume-role-with-web-identity.html),
so this runs with no credentials configured at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.integration.server.harness import ACCOUNT_ID, RunningServer
from tests.integration.server.test_web_identity_support import (
    GITHUB_AUDIENCE,
    builtin_issuer_url,
    cli_token,
    ensure_provider,
    web_identity_role,
)


def run_sts(server: RunningServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull
    )
    command = [sys.executable, "-m", "awscli", "sts", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_assume_role_with_web_identity_with_the_cli(iamd_server: RunningServer) -> None:
    provider = ensure_provider(iamd_server, builtin_issuer_url(iamd_server))
    prefix = provider.split("oidc-provider/", 1)[1]
    role_arn = web_identity_role(
        iamd_server, provider, {"StringLike": {f"{prefix}:sub": "repo:org/app:ref:refs/heads/*"}}
    )
    token = cli_token(
        iamd_server, "--subject", "repo:org/app:ref:refs/heads/main", "--audience", GITHUB_AUDIENCE
    )
    common = ("--role-arn", role_arn, "--role-session-name", "cli-run", "--web-identity-token")
    done = run_sts(iamd_server, "assume-role-with-web-identity", *common, token)
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["SubjectFromWebIdentityToken"] == "repo:org/app:ref:refs/heads/main"
    assert response["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/")
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")

    other = cli_token(iamd_server, "--subject", "repo:org/app:pull_request", "--audience", GITHUB_AUDIENCE)
    denied = run_sts(iamd_server, "assume-role-with-web-identity", *common, other)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr
