"""OIDC providers through the AWS CLI (awscli from PyPI) against a real server.

The commands and their JSON output shapes are those of
https://docs.aws.amazon.com/cli/latest/reference/iam/create-open-id-connect-provider.html and its siblings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique


def run_aws(server: RunningServer, service: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=ROOT_KEY_ID,
        AWS_SECRET_ACCESS_KEY=ROOT_SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    command = [
        sys.executable,
        "-m",
        "awscli",
        service,
        *args,
        "--endpoint-url",
        server.url,
        "--output",
        "json",
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def aws(server: RunningServer, service: str, *args: str) -> Any:
    done = run_aws(server, service, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_provider_lifecycle_with_the_cli(iamd_server: RunningServer) -> None:
    host = f"{unique('cli-idp')}.example.com"
    created = aws(
        iamd_server,
        "iam",
        "create-open-id-connect-provider",
        "--url",
        f"https://{host}",
        "--client-id-list",
        "sts.amazonaws.com",
        "--thumbprint-list",
        "6938fd4d98bab03faadb97b34396831e3780aea1",
    )
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"
    got = aws(iamd_server, "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
    assert got["Url"] == host and got["ClientIDList"] == ["sts.amazonaws.com"]
    listed = aws(iamd_server, "iam", "list-open-id-connect-providers")["OpenIDConnectProviderList"]
    assert {"Arn": arn} in listed
    aws(iamd_server, "iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
    done = run_aws(iamd_server, "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
    assert done.returncode != 0 and "NoSuchEntity" in done.stderr
