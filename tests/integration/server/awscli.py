"""The AWS CLI (awscli from PyPI) as a second real client: run it against a test server, read its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.integration.server.harness import ROOT_KEY_ID, ROOT_SECRET, RunningServer


def cli_env(key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET, **extra: str) -> dict[str, str]:
    """This process's environment without any AWS_* setting, plus the given credentials and region."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        **extra,
    )
    return env


def run_aws(
    server: RunningServer, service: str, *args: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET
) -> subprocess.CompletedProcess[str]:
    """``aws SERVICE ARGS --endpoint-url URL --output json`` in a process of its own."""
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
    return subprocess.run(
        command, env=cli_env(key_id, secret), capture_output=True, text=True, timeout=120, check=False
    )


def run_aws_iam(
    server: RunningServer, *args: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET
) -> subprocess.CompletedProcess[str]:
    return run_aws(server, "iam", *args, key_id=key_id, secret=secret)


def aws_iam(server: RunningServer, *args: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET) -> Any:
    """The parsed JSON output of a successful ``aws iam`` command (None when it prints nothing)."""
    done = run_aws_iam(server, *args, key_id=key_id, secret=secret)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None
