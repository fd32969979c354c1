"""Run a real ``iamd serve`` process for tests and hand out boto3 clients signed for it.

Each backend gets one server per test session: SQLite in a temporary data dir, and PostgreSQL in a
database created for the session and dropped afterwards. Tests share the server, so they name what they
create with :func:`unique`.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCOUNT_ID = "123456789012"
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_counter = itertools.count()
_run = uuid.uuid4().hex[:6]


def unique(prefix: str = "t") -> str:
    """A name no other test in this session uses."""
    return f"{prefix}-{_run}-{next(_counter)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    backend: str
    process: subprocess.Popen[bytes]
    log_path: Path
    account_id: str = ACCOUNT_ID
    _clients: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    def client(self, service: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET, **extra: Any) -> Any:
        """A boto3 client for ``service`` signed with the given credentials (root by default)."""
        cache_key = (service, key_id, secret)
        if cache_key in self._clients and not extra:
            return self._clients[cache_key]
        client = boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
            **extra,
        )
        if not extra:
            self._clients[cache_key] = client
        return client

    def user_client(self, service: str, policy: dict[str, Any] | None, *, path: str = "/") -> tuple[Any, str]:
        """A fresh IAM user (with ``policy`` inline, if any) and a client signed with its new access key."""
        iam = self.client("iam")
        name = unique("user")
        iam.create_user(UserName=name, Path=path)
        if policy is not None:
            iam.put_user_policy(UserName=name, PolicyName="test", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return self.client(service, key["AccessKeyId"], key["SecretAccessKey"]), name

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(data_dir: Path, database_url: str | None, backend: str, *extra_args: str) -> RunningServer:
    port = free_port()
    log_path = data_dir / "server.log"
    args = [
        sys.executable,
        "-m",
        "iamd",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--account-id",
        ACCOUNT_ID,
        "--root-access-key-id",
        ROOT_KEY_ID,
        "--root-secret-access-key",
        ROOT_SECRET,
        *extra_args,
    ]
    if database_url is not None:
        args += ["--database-url", database_url]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = RunningServer(f"http://127.0.0.1:{port}", backend, process, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"iamd exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_iamd/health", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"iamd did not start in time:\n{log_path.read_text()}")
