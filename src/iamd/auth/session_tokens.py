"""Self-contained session tokens for temporary credentials (``ASIA...`` key id + secret + token).

Everything a later request needs to know about the session travels inside the token, sealed with the
master key (AES-256-GCM through :class:`~iamd.auth.secrets.SecretBox`, purpose :data:`PURPOSE`, owner the
access key id). So any iamd process, also one of ``--workers N`` or another host sharing the master key,
verifies a token without a database round trip, and a token presented with another key id does not open.

Token text (version 1): ``base64( 0x69 | SecretBox.seal( zlib( JSON payload ) ) )``. The JSON uses short
keys to keep tokens compact; AWS SDKs accept long tokens, but headers and presigned URLs stay small.

Times: ``issued_at`` keeps milliseconds (so "revoke older sessions", a Deny with ``DateLessThan`` on
``aws:TokenIssueTime``, tells apart sessions issued within one second); ``expires_at`` is whole seconds,
as AWS reports ``Expiration``, and a session is expired from that second on.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import orjson

from iamd.auth.authenticate import KeyStatus, ResolvedKey
from iamd.auth.keys import is_temporary_access_key_id
from iamd.auth.secrets import Secret, SecretBox, SecretBoxError
from iamd.errors import ExpiredToken

PURPOSE: Final = "sts-session-token"
_MAGIC: Final = 0x69
_MAX_TOKEN_CHARS: Final = 64 * 1024  # refuse absurd inputs before decoding them

SessionKind = Literal["role_session", "federated_user", "session_user"]
"""role_session: AssumeRole*; federated_user: GetFederationToken; session_user: GetSessionToken (an IAM
user or the root user with temporary credentials of their own)."""

SESSION_KINDS: Final[tuple[SessionKind, ...]] = ("role_session", "federated_user", "session_user")


@dataclass(frozen=True, slots=True)
class Session:
    """One session's facts. ``principal_id``/``principal_arn`` name the role (role sessions) or the IAM
    user (federated users and session users; the account id and root ARN for the root user)."""

    access_key_id: str
    secret_access_key: Secret = field(repr=False)
    account_id: str
    kind: SessionKind
    principal_id: str
    principal_arn: str
    issued_at: datetime
    expires_at: datetime
    session_name: str | None = None  # role session name, or the federated user's name
    policy: str | None = None  # inline session policy, as given
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    mfa_authenticated_at: datetime | None = None
    role_chain: bool = False

    @property
    def has_session_policies(self) -> bool:
        return self.policy is not None or bool(self.policy_arns)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def resolved_key(self) -> ResolvedKey:
        return ResolvedKey(
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            status=KeyStatus.ACTIVE,
            principal_id=self.principal_id,
            account_id=self.account_id,
        )


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(value: Any) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("a time must be an integer")
    return datetime.fromtimestamp(value / 1000, UTC)


def _payload(session: Session) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "s": session.secret_access_key.reveal(),
        "a": session.account_id,
        "k": SESSION_KINDS.index(session.kind),
        "p": session.principal_id,
        "r": session.principal_arn,
        "i": _ms(session.issued_at),
        "e": int(session.expires_at.timestamp()),
    }
    optional: dict[str, Any] = {
        "n": session.session_name,
        "P": session.policy,
        "A": list(session.policy_arns),
        "T": [list(tag) for tag in session.tags],
        "X": list(session.transitive_tag_keys),
        "S": session.source_identity,
        "m": _ms(session.mfa_authenticated_at) if session.mfa_authenticated_at else None,
        "c": 1 if session.role_chain else None,
    }
    payload.update({key: value for key, value in optional.items() if value})
    return payload


def _str(payload: Mapping[str, Any], key: str) -> str:
    value = payload[key]
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def _opt_str(payload: Mapping[str, Any], key: str) -> str | None:
    return _str(payload, key) if key in payload else None


def _strs(payload: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = payload.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{key} must be a list of text")
    return tuple(values)


def _session(access_key_id: str, payload: Any) -> Session:
    if not isinstance(payload, dict):
        raise ValueError("the payload must be an object")
    tags = payload.get("T", [])
    if not isinstance(tags, list) or not all(
        isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in tags
    ):
        raise ValueError("tags must be key/value pairs")
    expires = payload["e"]
    if not isinstance(expires, int) or isinstance(expires, bool):
        raise ValueError("the expiry must be an integer")
    return Session(
        access_key_id=access_key_id,
        secret_access_key=Secret(_str(payload, "s")),
        account_id=_str(payload, "a"),
        kind=SESSION_KINDS[payload["k"]],
        principal_id=_str(payload, "p"),
        principal_arn=_str(payload, "r"),
        issued_at=_from_ms(payload["i"]),
        expires_at=datetime.fromtimestamp(expires, UTC),
        session_name=_opt_str(payload, "n"),
        policy=_opt_str(payload, "P"),
        policy_arns=_strs(payload, "A"),
        tags=tuple((k, v) for k, v in tags),
        transitive_tag_keys=_strs(payload, "X"),
        source_identity=_opt_str(payload, "S"),
        mfa_authenticated_at=_from_ms(payload["m"]) if "m" in payload else None,
        role_chain=payload.get("c") == 1,
    )


class SessionTokens:
    """Issues and verifies session tokens; the :class:`~iamd.auth.authenticate.SessionTokenVerifier`."""

    def __init__(self, box: SecretBox) -> None:
        self._box = box

    def issue(self, session: Session) -> str:
        if not is_temporary_access_key_id(session.access_key_id):
            raise ValueError(f"{session.access_key_id!r} is not a temporary (ASIA...) access key id")
        packed = zlib.compress(orjson.dumps(_payload(session)), 9)
        sealed = self._box.seal(packed, purpose=PURPOSE, owner=session.access_key_id)
        return base64.b64encode(bytes((_MAGIC,)) + sealed).decode("ascii")

    def open(self, access_key_id: str, token: str) -> Session | None:
        """The session sealed in ``token`` for ``access_key_id``; None for anything else (another key's
        token, tampered or truncated text, a token of another master key). Expiry is not checked here."""
        if len(token) > _MAX_TOKEN_CHARS or not is_temporary_access_key_id(access_key_id):
            return None
        try:
            raw = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            return None
        if not raw or raw[0] != _MAGIC:
            return None
        try:
            packed = self._box.open(raw[1:], purpose=PURPOSE, owner=access_key_id)
            return _session(access_key_id, orjson.loads(zlib.decompress(packed)))
        except (
            SecretBoxError,
            zlib.error,
            orjson.JSONDecodeError,
            KeyError,
            IndexError,
            TypeError,
            ValueError,
        ):
            # Only our own sealed payloads open, so a malformed one means a bug or an old format.
            return None

    def session(self, access_key_id: str, token: str, now: datetime) -> Session | None:
        """:meth:`open`, then refuse an expired session with AWS's ExpiredToken."""
        session = self.open(access_key_id, token)
        if session is None:
            return None
        if session.expired(now):
            raise ExpiredToken()
        return session

    def resolve_session(self, access_key_id: str, session_token: str, now: datetime) -> ResolvedKey | None:
        session = self.session(access_key_id, session_token, now)
        return session.resolved_key() if session is not None else None
