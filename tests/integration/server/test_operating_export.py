"""``iamd audit export DIR --follow``: exports run continuously (issue 6: "exports can run continuously to a
directory"), each continuing where the previous one stopped, until SIGINT or SIGTERM ends them cleanly;
the directory then verifies and holds every event exactly once."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.integration.server.audit_support import request_id_of, run_audit
from tests.integration.server.harness import RunningServer, start_server, unique


def exported_request_ids(out_dir: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in out_dir.glob("AWSLogs/*/CloudTrail/**/*.json.gz"):
        with gzip.open(path) as handle:
            counts.update(record["requestID"] for record in json.load(handle)["Records"])
    return counts


def some_requests(server: RunningServer) -> list[str]:
    iam = server.client("iam")
    return [
        request_id_of(iam.list_users(MaxItems=1)),
        request_id_of(iam.create_user(UserName=unique("follow"))),
        request_id_of(server.client("sts").get_caller_identity()),
    ]


def wait_until_exported(out_dir: Path, request_ids: list[str], follower: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while not set(request_ids) <= set(exported_request_ids(out_dir)):
        assert follower.poll() is None, "the follower exited"
        assert time.monotonic() < deadline, f"not exported in time: {request_ids}"
        time.sleep(0.1)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_follow_exports_new_events_until_interrupted(tmp_path: Path, stop_signal: signal.Signals) -> None:
    data_dir, out_dir = tmp_path / "data", tmp_path / "export"
    data_dir.mkdir()
    server = start_server(data_dir, None, "sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
    command = [sys.executable, "-m", "iamd", "audit", "export", str(out_dir), "--follow", "--interval", "1"]
    try:
        first = some_requests(server)
        follower = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        try:
            wait_until_exported(out_dir, first, follower)
            second = some_requests(server)  # after the first run: a later run exports them
            wait_until_exported(out_dir, second, follower)
            follower.send_signal(stop_signal)
            output, _ = follower.communicate(timeout=15)
        finally:
            if follower.poll() is None:
                follower.kill()
                follower.wait()
        verified = run_audit(server, "verify", str(out_dir))
    finally:
        server.stop()
    text = output.decode()
    assert follower.returncode == 0, text
    assert text.splitlines()[-1] == "stopped"
    assert sum(line.startswith("exported ") for line in text.splitlines()) >= 2
    counts = exported_request_ids(out_dir)
    assert [counts[request_id] for request_id in first + second] == [1] * 6
    assert max(counts.values()) == 1  # no event exported twice
    assert verified.exit_code == 0, verified.output
    assert " 0 problems" in verified.output
