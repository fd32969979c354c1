"""iamd's own operating endpoints under ``/_iamd/`` (DESIGN.md: "iamd's own namespace"), through a real
server process: the published audit key, liveness and readiness, metrics."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

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
