"""Who sent this request? parse the signature → resolve the access key → check its status → verify.

The store implements :class:`AccessKeyResolver` for long-term keys (AKIA...). Temporary credentials
(ASIA... with a session token) are resolved by a :class:`SessionTokenVerifier` that the STS work will
provide; until one is passed in, every temporary credential is refused as AWS refuses an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from iamd.auth.secrets import Secret
from iamd.auth.sigv4 import (
    DEFAULT_MAX_SKEW,
    MAX_ALLOWED_SKEW,
    QUERY_SERVICES,
    HttpRequest,
    SignatureInfo,
    parse_signature,
    verify_signature,
)
from iamd.errors import InvalidClientTokenId
from iamd.model import AccessKeyStatus

TEMPORARY_KEY_PREFIX = "ASIA"


# The access key statuses of the IAM API (StatusType in the service model), shared with the model.
KeyStatus = AccessKeyStatus


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """What the server knows about an access key. ``principal_id`` and ``account_id`` are opaque here:
    the unique id of the owning user or role (or the account for root) and its 12-digit account."""

    access_key_id: str
    secret_access_key: Secret
    status: KeyStatus
    principal_id: str
    account_id: str


class AccessKeyResolver(Protocol):
    """Looks up a long-term access key; returns None for a key that does not exist (or was deleted)."""

    def resolve(self, access_key_id: str) -> ResolvedKey | None: ...


class SessionTokenVerifier(Protocol):
    """Resolves temporary credentials (an ASIA key id plus its session token) at time ``now``.

    Returns None when the pair is unknown or does not belong together; raises
    :class:`iamd.errors.ExpiredToken` when the session has expired. Implemented by the STS work."""

    def resolve_session(
        self, access_key_id: str, session_token: str, now: datetime
    ) -> ResolvedKey | None: ...


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """Authentication settings. ``max_skew`` is the allowed distance between a request's timestamp and
    the server clock: 5 minutes by default, never more than AWS's 15. ``services`` are the accepted
    signing names, the expected one first."""

    max_skew: timedelta = DEFAULT_MAX_SKEW
    services: tuple[str, ...] = field(default=QUERY_SERVICES)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.max_skew <= MAX_ALLOWED_SKEW:
            raise ValueError(
                f"the clock-skew window must be above 0 and at most {MAX_ALLOWED_SKEW}, not {self.max_skew}"
            )
        if not self.services:
            raise ValueError("at least one signing service name is required")


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A request whose signature has been verified, and the principal behind its key."""

    access_key_id: str
    principal_id: str
    account_id: str
    session_token: str | None
    region: str
    service: str
    signed_at: datetime
    presigned: bool

    @property
    def temporary(self) -> bool:
        return self.session_token is not None


def authenticate(
    request: HttpRequest,
    resolver: AccessKeyResolver,
    now: datetime,
    config: AuthConfig,
    session_verifier: SessionTokenVerifier | None = None,
) -> Authenticated:
    """Authenticate ``request`` or raise the IamdError AWS would return."""
    info = parse_signature(request)
    key = _resolve(info, resolver, now, session_verifier)
    # AWS answers a deactivated key exactly like an unknown one (InvalidClientTokenId, 403).
    if key is None or key.status is not KeyStatus.ACTIVE:
        raise InvalidClientTokenId()
    verify_signature(
        request,
        info,
        key.secret_access_key.reveal(),
        now=now,
        max_skew=config.max_skew,
        services=config.services,
    )
    return Authenticated(
        access_key_id=info.access_key_id,
        principal_id=key.principal_id,
        account_id=key.account_id,
        session_token=info.security_token,
        region=info.region,
        service=info.service,
        signed_at=info.signed_at,
        presigned=info.presigned,
    )


def _resolve(
    info: SignatureInfo,
    resolver: AccessKeyResolver,
    now: datetime,
    session_verifier: SessionTokenVerifier | None,
) -> ResolvedKey | None:
    token = info.security_token
    if info.access_key_id.startswith(TEMPORARY_KEY_PREFIX):
        if token is None or session_verifier is None:
            return None
        return session_verifier.resolve_session(info.access_key_id, token, now)
    # A session token sent with a long-term key is refused by AWS as an invalid token.
    if token is not None:
        return None
    return resolver.resolve(info.access_key_id)
