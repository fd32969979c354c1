"""iamd's own operating endpoints under ``/_iamd/`` (DESIGN.md: "iamd's own namespace"), through a real
server process: the published audit key, liveness and readiness, metrics."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iamd.audit.keys import PUBLIC_KEY_FILE
from tests.integration.server.harness import RunningServer, start_server


def get(server: RunningServer, path: str) -> tuple[int, str, bytes]:
    """Status, content type and body of ``GET path`` (error statuses included)."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            return response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read()


def test_audit_public_key_is_the_published_pem(sqlite_server: RunningServer) -> None:
    status, content_type, body = get(sqlite_server, "/_iamd/audit/public-key")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert body.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert isinstance(serialization.load_pem_public_key(body), Ed25519PublicKey)
    # The same key `iamd audit verify` reads from the data directory by default.
    assert body == (sqlite_server.log_path.parent / PUBLIC_KEY_FILE).read_bytes()


def test_ephemeral_server_publishes_no_audit_key(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite", "--ephemeral")
    try:
        status, content_type, body = get(server, "/_iamd/audit/public-key")
    finally:
        server.stop()
    assert (status, content_type) == (404, "application/json")
    assert json.loads(body)["error"] == "NoAuditSigningKey"
    assert not (tmp_path / PUBLIC_KEY_FILE).exists()


def metric_samples(server: RunningServer) -> dict[str, float]:
    status, content_type, body = get(server, "/_iamd/metrics")
    assert status == 200
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    out = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_health_is_liveness_and_ready_checks_the_database(iamd_server: RunningServer) -> None:
    assert get(iamd_server, "/_iamd/health")[::2] == (200, b'{"status":"ok"}')
    status, content_type, body = get(iamd_server, "/_iamd/ready")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == {"status": "ready", "database": "ok"}


def test_metrics_count_requests_latencies_and_decisions(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    unrelated = {"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"}
    denied_iam, name = iamd_server.user_client("iam", {"Version": "2012-10-17", "Statement": [unrelated]})
    before = metric_samples(iamd_server)
    for _ in range(3):
        iam.list_users(MaxItems=1)
    with pytest.raises(ClientError):
        denied_iam.get_user(UserName=name)
    with pytest.raises(ClientError):
        denied_iam.list_users()
    after = metric_samples(iamd_server)

    def delta(sample: str) -> float:
        return after.get(sample, 0) - before.get(sample, 0)

    assert delta('iamd_requests_total{service="iam",operation="ListUsers",status="200"}') == 3
    assert delta('iamd_requests_total{service="iam",operation="GetUser",status="403"}') == 1
    assert (
        delta('iamd_request_duration_seconds_count{service="iam",operation="ListUsers"}') == 4
    )  # 3 allowed, 1 denied
    assert delta('iamd_request_duration_seconds_bucket{service="iam",operation="ListUsers",le="+Inf"}') == 4
    assert delta('iamd_request_duration_seconds_sum{service="iam",operation="ListUsers"}') > 0
    assert delta('iamd_decisions_total{decision="Allow"}') == 3  # the root user's calls
    assert delta('iamd_decisions_total{decision="ImplicitDeny"}') == 2  # the user's policy allows neither
    # Each of the user's two authorizations looked its inline policy up in the compile cache.
    lookups = delta("iamd_policy_compile_cache_hits_total") + delta("iamd_policy_compile_cache_misses_total")
    assert lookups >= 2


def test_unknown_actions_share_one_label(iamd_server: RunningServer) -> None:
    """A client's Action text never becomes a label of its own (the series would grow without bound)."""
    before = metric_samples(iamd_server)
    request = urllib.request.Request(iamd_server.url + "/?Action=NoSuchThing-" + uuid.uuid4().hex)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    after = metric_samples(iamd_server)
    assert not any("NoSuchThing" in sample for sample in after)
    unknown = [s for s in after if s.startswith("iamd_requests_total{") and 'operation="unknown"' in s]
    assert sum(after[s] - before.get(s, 0) for s in unknown) == 1
