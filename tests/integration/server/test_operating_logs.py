"""``iamd serve --log-format json``: one JSON object per line, carrying the request id of the request it
was logged in, and never a secret."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from iamd.cli.main import cli
from tests.integration.server.audit_support import request_id_of
from tests.integration.server.harness import RunningServer, start_server, unique


def json_lines(server: RunningServer) -> list[dict[str, Any]]:
    """The log's JSON lines (the start-up banner before them is plain text for the operator)."""
    lines = server.log_path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def wait_for_line(server: RunningServer, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for entry in json_lines(server):
            if entry.get("request_id") == request_id:
                return entry
        time.sleep(0.05)
    raise AssertionError(f"no log line with request id {request_id}:\n{server.log_path.read_text()}")


def test_json_logs_carry_the_request_id_and_no_secret(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite", "--log-format", "json", "--auth-mode", "audit")
    try:
        iam = server.client("iam")
        name = unique("logs")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        password = "Sup3r-secret-Passw0rd!"
        iam.create_login_profile(UserName=name, Password=password)
        # No policy allows this user anything: in audit mode the denial is logged, not enforced.
        user_iam = server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        request_id = request_id_of(user_iam.get_user(UserName=name))
        entry = wait_for_line(server, request_id)
    finally:
        server.stop()
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "iamd.authorize"
    assert entry["message"].startswith(f"audit mode: would deny request {request_id}: User: arn:aws:iam::")
    assert set(entry) == {"time", "level", "logger", "message", "pid", "request_id"}
    log = server.log_path.read_text()
    assert key["SecretAccessKey"] not in log
    assert password not in log
    lines = log.splitlines()
    after_banner = lines[next(i for i, line in enumerate(lines) if line.startswith("Use it:")) + 1 :]
    assert [line for line in after_banner if line and not line.startswith("{")] == []


def test_log_format_is_text_or_json() -> None:
    result = CliRunner().invoke(cli, ["serve", "--log-format", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.output
