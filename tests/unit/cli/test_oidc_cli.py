"""`iamd oidc` (the built-in OIDC test issuer) through click's runner, in a temporary data dir.
The server's /_iamd/oidc routes are tested against a real server in
tests/integration/server/test_web_identity.py."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from iamd.auth.oidc import ExpiredIdentityToken, unverified_claims, verify_token
from iamd.cli.oidc import oidc

ENDPOINT = "http://127.0.0.1:9999"
ISSUER = ENDPOINT + "/_iamd/oidc"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IAMD_DATA_DIR", "IAMD_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


def _run(data_dir: Path, *args: str) -> Result:
    command, *rest = args
    return CliRunner().invoke(oidc, [command, "--data-dir", str(data_dir), *rest])


def _token(data_dir: Path, *args: str) -> str:
    result = _run(data_dir, "token", "--endpoint-url", ENDPOINT, *args)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_token_verifies_against_the_printed_jwks(tmp_path: Path) -> None:
    token = _token(
        tmp_path, "--subject", "repo:org/app:ref:refs/heads/main", "--audience", "sts.amazonaws.com"
    )
    jwks = json.loads(_run(tmp_path, "jwks").output)
    verified = verify_token(
        token, issuer_url=ISSUER, client_ids=["sts.amazonaws.com"], keys=jwks, now=datetime.now(UTC)
    )
    assert verified.subject == "repo:org/app:ref:refs/heads/main"
    assert verified.claims["iss"] == ISSUER
    assert verified.claims["exp"] - verified.claims["iat"] == 3600


def test_the_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = json.loads(_run(tmp_path, "jwks").output)
    second = json.loads(_run(tmp_path, "jwks").output)
    assert first == second and len(first["keys"]) == 1 and "d" not in first["keys"][0]
    key_file = tmp_path / "oidc-issuer" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_claims_ttl_and_several_audiences(tmp_path: Path) -> None:
    token = _token(
        tmp_path,
        "--subject",
        "s-1",
        "--audience",
        "a",
        "--audience",
        "b",
        "--claim",
        'amr=["mfa"]',
        "--claim",
        "repository=org/app",
        "--ttl",
        "60",
    )
    claims = unverified_claims(token)
    assert claims["aud"] == ["a", "b"] and claims["amr"] == ["mfa"] and claims["repository"] == "org/app"
    assert claims["exp"] - claims["iat"] == 60


def test_a_negative_ttl_makes_an_expired_token(tmp_path: Path) -> None:
    token = _token(tmp_path, "--subject", "s-1", "--audience", "a", "--ttl", "-3600")
    jwks = json.loads(_run(tmp_path, "jwks").output)
    with pytest.raises(ExpiredIdentityToken):
        verify_token(token, issuer_url=ISSUER, client_ids=["a"], keys=jwks, now=datetime.now(UTC))


def test_a_claim_without_a_value_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "token", "--subject", "s", "--audience", "a", "--claim", "novalue")
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_issuer_url() -> None:
    result = CliRunner().invoke(oidc, ["issuer-url", "--endpoint-url", ENDPOINT + "/"])
    assert result.output.strip() == ISSUER
