"""iamd.auth.authenticate: parse → resolve → status → verify, with in-memory resolvers.

AWS behaviour encoded here:
- an unknown or deleted access key id: InvalidClientTokenId (403) "The security token included in the
  request is invalid." (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html);
- an Inactive key is refused the same way ("Active means the key can be used for API calls to AWS, while
  Inactive means the key cannot be used", https://docs.aws.amazon.com/cli/latest/reference/iam/update-access-key.html;
  callers observe InvalidClientTokenId, as reported in faiscadev/fakecloud#1576 and k9security's quick fix);
- a session token sent with long-term credentials is an invalid security token (the common symptom of a stale
  AWS_SESSION_TOKEN next to new long-term keys).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iamd.auth.authenticate import (
    AuthConfig,
    Authenticated,
    KeyStatus,
    ResolvedKey,
    authenticate,
)
from iamd.auth.secrets import Secret
from iamd.auth.sigv4 import HttpRequest
from iamd.errors import ExpiredToken, InvalidClientTokenId, SignatureDoesNotMatch

NOW = datetime(2026, 11, 23, 15, 0, 0, tzinfo=UTC)
LONG_TERM = "AKIAZ3MSJV4WWNEXAMPL"
TEMPORARY = "ASIAZ3MSJV4WWNEXAMPL"
SECRET = "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"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEtoken"


class DictResolver:
    def __init__(self, *keys: ResolvedKey) -> None:
        self.keys = {key.access_key_id: key for key in keys}
        self.calls: list[str] = []

    def resolve(self, access_key_id: str) -> ResolvedKey | None:
        self.calls.append(access_key_id)
        return self.keys.get(access_key_id)


class FakeSessions:
    """Stands in for the STS work's verifier: knows one (key, token) pair until it expires."""

    def __init__(self, key: ResolvedKey, token: str, expires: datetime) -> None:
        self.key, self.token, self.expires = key, token, expires

    def resolve_session(self, access_key_id: str, session_token: str, now: datetime) -> ResolvedKey | None:
        if access_key_id != self.key.access_key_id or session_token != self.token:
            return None
        if now >= self.expires:
            raise ExpiredToken()
        return self.key


def key(access_key_id: str = LONG_TERM, status: KeyStatus = KeyStatus.ACTIVE) -> ResolvedKey:
    return ResolvedKey(
        access_key_id, Secret(SECRET), status, principal_id="AIDAEXAMPLEUSERID1234", account_id="123456789012"
    )


def signed(access_key_id: str = LONG_TERM, token: str | None = None, secret: str = SECRET) -> HttpRequest:
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: NOW.replace(tzinfo=None)
    try:
        request = AWSRequest(
            method="POST",
            url="https://sts.amazonaws.com/",
            data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        SigV4Auth(Credentials(access_key_id, secret, token), "sts", "us-east-1").add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    prepared = request.prepare()
    body = prepared.body if isinstance(prepared.body, bytes) else prepared.body.encode()
    headers = (("Host", "sts.amazonaws.com"), *prepared.headers.items())
    return HttpRequest("POST", "/", "", headers, body)


CONFIG = AuthConfig()


def test_an_active_key_authenticates() -> None:
    result = authenticate(signed(), DictResolver(key()), NOW, CONFIG)
    assert result == Authenticated(
        access_key_id=LONG_TERM,
        principal_id="AIDAEXAMPLEUSERID1234",
        account_id="123456789012",
        session_token=None,
        region="us-east-1",
        service="sts",
        signed_at=NOW,
        presigned=False,
    )
    assert not result.temporary


def test_unknown_key_is_an_invalid_client_token_id() -> None:
    with pytest.raises(InvalidClientTokenId) as error:
        authenticate(signed(), DictResolver(), NOW, CONFIG)
    assert error.value.message == "The security token included in the request is invalid."
    assert (error.value.code, error.value.status) == ("InvalidClientTokenId", 403)


def test_inactive_key_is_refused_like_an_unknown_one() -> None:
    with pytest.raises(InvalidClientTokenId):
        authenticate(signed(), DictResolver(key(status=KeyStatus.INACTIVE)), NOW, CONFIG)


def test_wrong_secret_is_a_signature_mismatch() -> None:
    with pytest.raises(SignatureDoesNotMatch):
        authenticate(signed(secret=SECRET[::-1]), DictResolver(key()), NOW, CONFIG)


def test_session_token_with_a_long_term_key_is_refused_without_lookup() -> None:
    resolver = DictResolver(key())
    with pytest.raises(InvalidClientTokenId):
        authenticate(signed(token=TOKEN), resolver, NOW, CONFIG)
    assert resolver.calls == []


def test_temporary_key_without_a_session_verifier_is_refused() -> None:
    resolver = DictResolver(key(TEMPORARY))
    with pytest.raises(InvalidClientTokenId):
        authenticate(signed(TEMPORARY, token=TOKEN), resolver, NOW, CONFIG)
    assert resolver.calls == []  # temporary keys are never looked up as long-term ones


def test_temporary_key_without_a_token_is_refused() -> None:
    sessions = FakeSessions(key(TEMPORARY), TOKEN, NOW + timedelta(hours=1))
    with pytest.raises(InvalidClientTokenId):
        authenticate(signed(TEMPORARY), DictResolver(), NOW, CONFIG, sessions)


def test_temporary_credentials_go_through_the_session_verifier() -> None:
    sessions = FakeSessions(key(TEMPORARY), TOKEN, NOW + timedelta(hours=1))
    result = authenticate(signed(TEMPORARY, token=TOKEN), DictResolver(), NOW, CONFIG, sessions)
    assert result.temporary
    assert result.session_token == TOKEN
    with pytest.raises(InvalidClientTokenId):
        authenticate(signed(TEMPORARY, token=TOKEN + "x"), DictResolver(), NOW, CONFIG, sessions)
    expired = FakeSessions(key(TEMPORARY), TOKEN, NOW)
    with pytest.raises(ExpiredToken):
        authenticate(signed(TEMPORARY, token=TOKEN), DictResolver(), NOW, CONFIG, expired)


def test_config_uses_its_skew_and_services() -> None:
    request = signed()
    later = NOW + timedelta(minutes=10)
    with pytest.raises(SignatureDoesNotMatch, match="Signature expired"):
        authenticate(request, DictResolver(key()), later, CONFIG)
    authenticate(request, DictResolver(key()), later, AuthConfig(max_skew=timedelta(minutes=15)))
    with pytest.raises(SignatureDoesNotMatch, match="correct service: 'iam'"):
        authenticate(request, DictResolver(key()), NOW, AuthConfig(services=("iam",)))


@pytest.mark.parametrize(
    "skew", [timedelta(minutes=15, seconds=1), timedelta(hours=1), timedelta(0), timedelta(seconds=-1)]
)
def test_config_refuses_skew_windows_beyond_fifteen_minutes(skew: timedelta) -> None:
    with pytest.raises(ValueError, match="clock-skew window"):
        AuthConfig(max_skew=skew)


def test_config_defaults() -> None:
    assert AuthConfig().max_skew == timedelta(minutes=5)
    assert AuthConfig().services == ("iam", "sts")
    assert AuthConfig(max_skew=timedelta(minutes=15)).max_skew == timedelta(minutes=15)
    with pytest.raises(ValueError, match="service"):
        AuthConfig(services=())


def test_resolved_key_repr_hides_the_secret() -> None:
    assert SECRET not in repr(key())
    assert "Secret('****')" in repr(key())
