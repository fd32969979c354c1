"""First start, restart and start-up failures of `iamd serve`, as an operator sees them (DESIGN.md)."""

from __future__ import annotations

import configparser
import os
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
from click.testing import CliRunner

from iamd.cli.main import cli
from tests.integration.server.harness import free_port


def _serve_until_healthy(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "iamd", "serve", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_iamd/health", timeout=1):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("iamd did not start")


def _stop(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=15)
    return out.decode()


def test_first_start_prints_root_credentials_once_and_writes_them_0600(tmp_path: Path) -> None:
    process, port = _serve_until_healthy(tmp_path)
    first_output = _stop(process)
    credentials_file = tmp_path / "root-credentials"
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
    parsed = configparser.ConfigParser()
    parsed.read(credentials_file)
    key_id = parsed["iamd-root"]["aws_access_key_id"]
    secret = parsed["iamd-root"]["aws_secret_access_key"]
    assert key_id.startswith("AKIA") and len(secret) == 40
    assert key_id in first_output and secret in first_output
    assert "[profile iamd-root]" in first_output and "Traceback" not in first_output

    # Restart on the same data dir: the keys still work and nothing secret is printed again.
    process, port = _serve_until_healthy(tmp_path)
    try:
        sts = boto3.client(
            "sts",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
        )
        assert sts.get_caller_identity()["Arn"].endswith(":root")
    finally:
        second_output = _stop(process)
    assert secret not in second_output


def test_a_bad_master_key_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--data-dir", str(tmp_path)], env={"IAMD_MASTER_KEY": "not-a-key"}
    )
    assert result.exit_code == 1
    assert "cannot load the master key" in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--data-dir", str(tmp_path), "--database-url", "postgresql://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 1
    assert "cannot open the database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_ephemeral_refuses_several_workers() -> None:
    result = CliRunner().invoke(cli, ["serve", "--ephemeral", "--workers", "2"])
    assert result.exit_code == 2
    assert "--ephemeral" in result.output
