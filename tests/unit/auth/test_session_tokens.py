"""iamd.auth.session_tokens: sealed, self-contained session tokens.

AWS behaviour encoded here (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html):
an expired session is refused with ExpiredToken "The security token included in the request is expired";
a token that is not one of ours (tampered, truncated, another key's) is an invalid security token, which
the verifier reports as an unknown pair (None) so that authentication answers InvalidClientTokenId.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from iamd.auth.authenticate import KeyStatus
from iamd.auth.secrets import Secret, SecretBox
from iamd.auth.session_tokens import Session, SessionTokens
from iamd.errors import ExpiredToken

NOW = datetime(2026, 11, 23, 15, 0, 0, 123000, tzinfo=UTC)
KEY = "ASIAZ3MSJV4WWNEXAMPL"
OTHER_KEY = "ASIAZ3MSJV4WWNOTHERK"
SECRET = "Lrk4v9YgJp1kVBjO/8y1oHnqTbmwmOQSQYKWBi1v"
TRUST_ARN = "arn:aws:iam::123456789012:role/app/deploy"


def box(seed: int = 7) -> SecretBox:
    return SecretBox.from_master_key(bytes([seed]) * 32)


def role_session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "access_key_id": KEY,
        "secret_access_key": Secret(SECRET),
        "account_id": "123456789012",
        "kind": "role_session",
        "principal_id": "AROAEXAMPLEEXAMPLEXX",
        "principal_arn": TRUST_ARN,
        "issued_at": NOW,
        "expires_at": NOW.replace(microsecond=0) + timedelta(seconds=900),
        "session_name": "build-42",
        "policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
        "policy_arns": ("arn:aws:iam::aws:policy/ReadOnlyAccess",),
        "tags": (("team", "blue"), ("cost-center", "42")),
        "transitive_tag_keys": ("team",),
        "source_identity": "alice",
        "mfa_authenticated_at": NOW - timedelta(seconds=30),
        "role_chain": True,
    }
    fields.update(changes)
    return Session(**fields)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field() -> None:
    tokens = SessionTokens(box())
    session = role_session()
    opened = tokens.open(KEY, tokens.issue(session))
    assert opened == session
    assert opened is not None and opened.secret_access_key.reveal() == SECRET


def test_minimal_session_round_trips() -> None:
    tokens = SessionTokens(box())
    session = Session(
        access_key_id=KEY,
        secret_access_key=Secret(SECRET),
        account_id="123456789012",
        kind="session_user",
        principal_id="123456789012",
        principal_arn="arn:aws:iam::123456789012:root",
        issued_at=NOW,
        expires_at=NOW.replace(microsecond=0) + timedelta(hours=1),
    )
    assert tokens.open(KEY, tokens.issue(session)) == session


def test_issue_time_keeps_milliseconds_and_expiry_whole_seconds() -> None:
    tokens = SessionTokens(box())
    opened = tokens.open(KEY, tokens.issue(role_session(expires_at=NOW + timedelta(seconds=900))))
    assert opened is not None
    assert opened.issued_at == NOW
    assert opened.expires_at == NOW.replace(microsecond=0) + timedelta(seconds=900)


def test_any_process_with_the_master_key_verifies() -> None:
    token = SessionTokens(box()).issue(role_session())
    assert SessionTokens(box()).open(KEY, token) is not None
    assert SessionTokens(box(seed=8)).open(KEY, token) is None


def test_token_does_not_open_with_another_key_id() -> None:
    tokens = SessionTokens(box())
    token = tokens.issue(role_session())
    assert tokens.open(OTHER_KEY, token) is None
    assert tokens.resolve_session(OTHER_KEY, token, NOW) is None


def test_secret_is_not_visible_in_the_token() -> None:
    token = SessionTokens(box()).issue(role_session())
    assert SECRET.encode() not in base64.b64decode(token)
    assert b"build-42" not in base64.b64decode(token)


@pytest.mark.parametrize("position", [0, 1, 2, 20, -1])
def test_tampered_token_is_refused(position: int) -> None:
    tokens = SessionTokens(box())
    raw = bytearray(base64.b64decode(tokens.issue(role_session())))
    raw[position] ^= 0x01
    assert tokens.open(KEY, base64.b64encode(bytes(raw)).decode()) is None


@pytest.mark.parametrize("junk", ["", "not base64!", "AAAA", "IQoJb3JpZ2luX2VjEXAMPLEtoken", "x" * 70000])
def test_junk_is_refused(junk: str) -> None:
    assert SessionTokens(box()).open(KEY, junk) is None


def test_truncated_token_is_refused() -> None:
    tokens = SessionTokens(box())
    token = tokens.issue(role_session())
    assert tokens.open(KEY, token[:-8]) is None


def test_long_term_key_ids_are_refused() -> None:
    tokens = SessionTokens(box())
    with pytest.raises(ValueError):
        tokens.issue(role_session(access_key_id="AKIAZ3MSJV4WWNEXAMPL"))
    assert tokens.open("AKIAZ3MSJV4WWNEXAMPL", tokens.issue(role_session())) is None


def test_resolve_session_gives_an_active_key_until_the_expiry_second() -> None:
    tokens = SessionTokens(box())
    session = role_session()
    token = tokens.issue(session)
    resolved = tokens.resolve_session(KEY, token, session.expires_at - timedelta(microseconds=1))
    assert resolved is not None
    assert resolved.status is KeyStatus.ACTIVE
    assert resolved.secret_access_key == Secret(SECRET)
    assert (resolved.principal_id, resolved.account_id) == ("AROAEXAMPLEEXAMPLEXX", "123456789012")
    with pytest.raises(ExpiredToken, match="The security token included in the request is expired"):
        tokens.resolve_session(KEY, token, session.expires_at)


def test_tokens_stay_compact() -> None:
    # Even with an inline policy, a managed policy ARN and tags, the token is a few hundred characters
    # (AWS's own session tokens run to about 1,000).
    token = SessionTokens(box()).issue(role_session())
    assert len(token) < 600


def test_repr_hides_the_secret() -> None:
    assert SECRET not in repr(role_session())
