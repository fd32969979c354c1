"""Web identity token checks and the JWKS cache (iamd.auth.oidc), without network.

AWS behaviour: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
(RS*/ES* signatures, integer timestamps, error codes from the STS service model) and
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html (five minutes of clock skew
past ``exp``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from iamd.auth.oidc import (
    DEFAULT_MAX_AGE,
    ExpiredIdentityToken,
    IDPCommunicationError,
    InvalidIdentityToken,
    JwksCache,
    issuer_url_allowed,
    provider_id,
    static_key_file_name,
    unverified_claims,
    verify_token,
)

ISSUER = "https://issuer.example.com"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
EPOCH = int(NOW.timestamp())
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
JWKS = {"keys": [RSA.as_dict(private=False), EC.as_dict(private=False)]}


def sign(claims: dict[str, Any], key: Any = RSA, alg: str = "RS256") -> str:
    base = {"iss": ISSUER, "sub": "repo:org/app:ref:refs/heads/main", "aud": "sts.amazonaws.com"}
    base.update({"iat": EPOCH - 10, "exp": EPOCH + 600})
    base.update(claims)
    return jwt.encode({"alg": alg, "kid": key.kid}, base, key, algorithms=[alg])


def verify(token: str, client_ids: tuple[str, ...] = ("sts.amazonaws.com",)) -> Any:
    return verify_token(token, issuer_url=ISSUER, client_ids=client_ids, keys=JWKS, now=NOW)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com"),
        ("http://127.0.0.1:9000/", "127.0.0.1:9000/"),  # verbatim, trailing slash kept (DESIGN.md)
        ("https://example.com/path/id", "example.com/path/id"),
    ],
)
def test_provider_id_is_the_url_without_its_scheme(url: str, expected: str) -> None:
    assert provider_id(url) == expected


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://token.actions.githubusercontent.com", True),
        ("http://127.0.0.1:8137/_iamd/oidc", True),
        ("http://localhost:9000", True),
        ("http://[::1]:9000", True),
        ("http://example.com", False),  # plain http only on loopback
        ("ftp://example.com", False),
        ("https://example.com/?q=1", False),
        ("example.com", False),
    ],
)
def test_issuer_urls(url: str, allowed: bool) -> None:
    assert issuer_url_allowed(url) is allowed


def test_static_key_file_names() -> None:
    assert static_key_file_name("https://token.actions.githubusercontent.com") == (
        "token.actions.githubusercontent.com.json"
    )
    assert static_key_file_name("http://127.0.0.1:9000/oidc/") == "127.0.0.1_9000_oidc.json"


@pytest.mark.parametrize(("key", "alg"), [(RSA, "RS256"), (RSA, "RS512"), (EC, "ES256")])
def test_a_good_token_verifies(key: Any, alg: str) -> None:
    verified = verify(sign({}, key, alg))
    assert verified.subject == "repo:org/app:ref:refs/heads/main"
    assert verified.audience == "sts.amazonaws.com" and verified.other_audiences == ()


def test_a_token_without_a_key_id_is_checked_against_each_key() -> None:
    claims = {"iss": ISSUER, "sub": "s-1", "aud": "sts.amazonaws.com", "exp": EPOCH + 60}
    token = jwt.encode({"alg": "ES256"}, claims, EC, algorithms=["ES256"])
    assert verify(token).subject == "s-1"
    stranger = ECKey.generate_key("P-256")
    with pytest.raises(InvalidIdentityToken):
        verify(jwt.encode({"alg": "ES256"}, claims, stranger, algorithms=["ES256"]))


def test_azp_is_the_audience_when_present_and_aud_becomes_oaud() -> None:
    verified = verify(sign({"azp": "client-1", "aud": ["client-1", "other"]}), ("client-1",))
    assert verified.audience == "client-1"
    assert verified.other_audiences == ("other",)


def test_a_tampered_token_is_invalid() -> None:
    header, _, signature = sign({}).split(".")
    other = sign({"sub": "someone-else"}).split(".")[1]
    assert unverified_claims(f"{header}.{other}.{signature}")["sub"] == "someone-else"
    with pytest.raises(InvalidIdentityToken):
        verify(f"{header}.{other}.{signature}")


def test_a_token_signed_by_another_key_is_invalid() -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    with pytest.raises(InvalidIdentityToken):
        verify(sign({}, stranger))


def test_hmac_and_unsigned_tokens_are_refused() -> None:
    with pytest.raises(InvalidIdentityToken):
        verify(sign({}).rsplit(".", 1)[0] + ".")
    with pytest.raises(InvalidIdentityToken):
        verify("not-a-jwt")


def test_audience_must_be_a_client_id() -> None:
    with pytest.raises(InvalidIdentityToken, match="Incorrect token audience"):
        verify(sign({"aud": "someone-else"}))


def test_issuer_must_match_the_provider() -> None:
    with pytest.raises(InvalidIdentityToken):
        verify(sign({"iss": "https://other.example.com"}))


def test_expiry_allows_five_minutes_of_skew() -> None:
    assert verify(sign({"exp": EPOCH - 299})).subject
    with pytest.raises(ExpiredIdentityToken) as excinfo:
        verify(sign({"exp": EPOCH - 300}))
    assert excinfo.value.code == "ExpiredTokenException"
    assert str(EPOCH - 300) in excinfo.value.message


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": None},  # no expiry at all
        {"exp": "soon"},  # not a number
        {"nbf": EPOCH + 3600},
        {"iat": EPOCH + 3600},
    ],
)
def test_times_are_checked(claims: dict[str, Any]) -> None:
    with pytest.raises(InvalidIdentityToken):
        verify(sign(claims))


class FakeIssuer:
    def __init__(self, max_age: int | None = None, fail: bool = False) -> None:
        self.calls: list[str] = []
        self.max_age = max_age
        self.fail = fail
        self.jwks: dict[str, Any] = JWKS

    def __call__(self, url: str, timeout: float) -> tuple[Any, int | None]:
        self.calls.append(url)
        if self.fail:
            raise OSError("connection refused")
        if url.endswith("/.well-known/openid-configuration"):
            return {"issuer": ISSUER, "jwks_uri": ISSUER + "/keys"}, None
        return self.jwks, self.max_age


def test_keys_are_discovered_and_cached_for_their_max_age() -> None:
    issuer, clock = FakeIssuer(max_age=60), [100.0]
    cache = JwksCache(fetch=issuer, monotonic=lambda: clock[0])
    assert cache.keys_for(ISSUER) == JWKS
    assert issuer.calls == [ISSUER + "/.well-known/openid-configuration", ISSUER + "/keys"]
    clock[0] += 59
    cache.keys_for(ISSUER)
    assert len(issuer.calls) == 2
    clock[0] += 2
    cache.keys_for(ISSUER)
    assert len(issuer.calls) == 4


def test_an_unknown_key_id_refetches_but_not_too_often() -> None:
    issuer, clock = FakeIssuer(max_age=3600), [100.0]
    cache = JwksCache(fetch=issuer, monotonic=lambda: clock[0])
    cache.keys_for(ISSUER, key_id="rsa-1")
    cache.keys_for(ISSUER, key_id="rotated")
    assert len(issuer.calls) == 2  # fetched moments ago
    clock[0] += 31
    cache.keys_for(ISSUER, key_id="rotated")
    assert len(issuer.calls) == 4


def test_an_unreachable_issuer_is_an_idp_communication_error() -> None:
    with pytest.raises(IDPCommunicationError) as excinfo:
        JwksCache(fetch=FakeIssuer(fail=True)).keys_for(ISSUER)
    assert excinfo.value.code == "IDPCommunicationError"


def test_an_unreachable_issuer_is_not_asked_again_at_once_and_stale_keys_serve() -> None:
    issuer, clock = FakeIssuer(fail=True), [100.0]
    cache = JwksCache(fetch=issuer, monotonic=lambda: clock[0])
    for _ in range(2):
        with pytest.raises(IDPCommunicationError):
            cache.keys_for(ISSUER)
    assert len(issuer.calls) == 1  # the second request did not wait on a dead issuer
    clock[0] += 6
    issuer.fail = False
    assert cache.keys_for(ISSUER) == JWKS
    clock[0] += DEFAULT_MAX_AGE + 1  # expired: refetch fails, the keys held so far still serve
    issuer.fail = True
    assert cache.keys_for(ISSUER) == JWKS
    calls = len(issuer.calls)
    assert cache.keys_for(ISSUER) == JWKS
    assert len(issuer.calls) == calls  # within the back-off, no new attempt


def test_static_keys_win_and_need_no_network(tmp_path: Path) -> None:
    (tmp_path / "issuer.example.com.json").write_text(json.dumps(JWKS))
    issuer = FakeIssuer(fail=True)
    assert JwksCache(tmp_path, fetch=issuer).keys_for(ISSUER) == JWKS
    assert issuer.calls == []


def test_a_broken_static_key_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "issuer.example.com.json").write_text("{not json")
    with pytest.raises(IDPCommunicationError):
        JwksCache(tmp_path, fetch=FakeIssuer()).keys_for(ISSUER)
