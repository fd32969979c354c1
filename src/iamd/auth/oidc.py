"""Web identity tokens (OIDC ID tokens, JWTs): who issued them, and whether they hold.

:func:`verify_token` checks a token the way STS AssumeRoleWithWebIdentity does
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html): an RSA or ECDSA
signature (RS256/384/512, ES256/384/512) by a key of the issuer's JWKS, ``iss`` naming the provider,
``aud`` (or ``azp`` when present) in the provider's client ids, ``exp`` with AWS's five minutes of clock
skew (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html), ``nbf`` and ``iat``
not in the future. Errors carry STS's codes.

Keys come from :class:`JwksCache`: first a static key set on disk (``<data dir>/oidc-keys/<name>.json``,
see :func:`static_key_file_name`, for issuers iamd cannot reach), else the issuer's discovery document
``<issuer>/.well-known/openid-configuration`` → ``jwks_uri``, fetched with a short timeout and kept for
the ``Cache-Control: max-age`` the issuer sends (default five minutes, at most a day). A token signed by a
key id the cached set lacks refetches once (key rotation), at most every :data:`REFRESH_INTERVAL` seconds.
When a refetch fails the keys held so far are used; an issuer that could not be reached at all is not
asked again for :data:`FAILURE_BACKOFF` seconds (requests wait on the fetch inside their transaction).

This is the one module of ``iamd.auth`` that does network I/O, and only through :class:`JwksCache`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from iamd.errors import ExpiredIdentityToken, IDPCommunicationError, InvalidIdentityToken

ALGORITHMS: Final = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
EXPIRY_SKEW_SECONDS: Final = 300  # AWS accepts a token up to five minutes past its exp
FUTURE_SKEW_SECONDS: Final = 300  # nbf/iat a little ahead of our clock are tolerated alike
FETCH_TIMEOUT_SECONDS: Final = 3.0
DEFAULT_MAX_AGE: Final = 300
LONGEST_MAX_AGE: Final = 86400
REFRESH_INTERVAL: Final = 30
FAILURE_BACKOFF: Final = 5  # seconds in which an unreachable issuer is not asked again
MAX_DOCUMENT_BYTES: Final = 512 * 1024


# -- issuers -------------------------------------------------------------------------------------------


def provider_id(url: str) -> str:
    """The provider's name in ARNs and condition keys: its URL without the scheme, verbatim."""
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            return url[len(scheme) :]
    return url


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_url_allowed(url: str) -> bool:
    """``https://`` as AWS requires, or ``http://`` on a loopback address (local and CI test issuers)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    if not parts.hostname or parts.query or parts.fragment:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(parts.hostname))


def static_key_file_name(url: str) -> str:
    """``oidc-keys/<name>.json`` for an issuer: its provider id, trailing ``/`` dropped, every other
    character outside ``[A-Za-z0-9._-]`` as ``_`` (``token.actions.githubusercontent.com.json``,
    ``127.0.0.1_9000_oidc.json`` for ``http://127.0.0.1:9000/oidc``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", provider_id(url).rstrip("/")) + ".json"


# -- tokens --------------------------------------------------------------------------------------------


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a compact JWS, signature unchecked: to find the issuer whose keys check it."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidIdentityToken()
    try:
        payload = json.loads(_b64decode(parts[1]))
    except ValueError:
        raise InvalidIdentityToken() from None
    if not isinstance(payload, dict):
        raise InvalidIdentityToken()
    return payload


def _b64decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    claims: Mapping[str, Any]
    issuer: str
    subject: str
    audience: str  # the client id that matched: azp when present, else the matching aud value
    other_audiences: tuple[str, ...]  # aud values besides ``audience`` (the ``oaud`` key)


def _audiences(claims: Mapping[str, Any]) -> tuple[str, ...]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return (aud,)
    if isinstance(aud, list) and all(isinstance(a, str) for a in aud):
        return tuple(aud)
    return ()


def _numeric(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        # "Timestamps in the token must be formatted as either an integer or a long integer."
        raise InvalidIdentityToken(f"The {name} claim of the web identity token is not a number.")
    return int(value)


def check_times(claims: Mapping[str, Any], now: datetime) -> None:
    current = int(now.timestamp())
    expires = _numeric(claims, "exp")
    if expires is None:
        raise InvalidIdentityToken("Missing a required claim: exp")
    if current >= expires + EXPIRY_SKEW_SECONDS:
        raise ExpiredIdentityToken(
            f"Token expired: current date/time {current} must be before the expiration date/time {expires}"
        )
    not_before = _numeric(claims, "nbf")
    if not_before is not None and not_before > current + FUTURE_SKEW_SECONDS:
        raise InvalidIdentityToken("The web identity token is not valid yet (nbf).")
    issued = _numeric(claims, "iat")
    if issued is not None and issued > current + FUTURE_SKEW_SECONDS:
        raise InvalidIdentityToken("The web identity token was issued in the future (iat).")


def check_signature(token: str, keys: Mapping[str, Any]) -> dict[str, Any]:
    """The claims when one of ``keys`` (a JWKS document) signed ``token``; InvalidIdentityToken else."""
    try:
        key_set = KeySet.import_key_set(dict(keys))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise IDPCommunicationError(f"The identity provider's keys are not a usable JWKS: {error}") from None
    # A token naming no key id is checked against each key in turn (an issuer with a single key often
    # leaves ``kid`` out); one naming a key id only against that key.
    candidates: list[Any] = [key_set] if token_key_id(token) is not None else list(key_set.keys)
    for candidate in candidates:
        try:
            return dict(jwt.decode(token, candidate, algorithms=ALGORITHMS).claims)
        except (JoseError, ValueError, TypeError, KeyError):
            continue
    raise InvalidIdentityToken("The web identity token's signature could not be verified.")


def key_ids(keys: Mapping[str, Any]) -> set[str]:
    entries = keys.get("keys")
    if not isinstance(entries, list):
        return set()
    return {str(entry["kid"]) for entry in entries if isinstance(entry, dict) and "kid" in entry}


def token_key_id(token: str) -> str | None:
    try:
        header = json.loads(_b64decode(token.split(".", 1)[0]))
    except ValueError:
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def verify_token(
    token: str, *, issuer_url: str, client_ids: Sequence[str], keys: Mapping[str, Any], now: datetime
) -> VerifiedToken:
    claims = check_signature(token, keys)
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or provider_id(issuer) != provider_id(issuer_url):
        raise InvalidIdentityToken("The issuer of the web identity token does not match the provider.")
    check_times(claims, now)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise InvalidIdentityToken("Missing a required claim: sub")
    audiences = _audiences(claims)
    azp = claims.get("azp")
    if isinstance(azp, str) and azp:
        candidates: tuple[str, ...] = (azp,)
    else:
        candidates = audiences
    if not candidates:
        raise InvalidIdentityToken("Missing a required claim: aud")
    matched = next((c for c in candidates if c in client_ids), None)
    if matched is None:
        raise InvalidIdentityToken("Incorrect token audience")
    others = tuple(a for a in audiences if a != matched)
    return VerifiedToken(claims, issuer, subject, matched, others)


# -- keys ----------------------------------------------------------------------------------------------

Fetch = Callable[[str, float], tuple[Any, int | None]]
"""GET a URL with a timeout → (parsed JSON, Cache-Control max-age or None); raises OSError/ValueError."""


def http_get_json(url: str, timeout: float) -> tuple[Any, int | None]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "iamd"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(MAX_DOCUMENT_BYTES + 1)
        cache_control = response.headers.get("Cache-Control", "")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"{url} sent more than {MAX_DOCUMENT_BYTES} bytes")
    match = re.search(r"max-age=(\d+)", cache_control)
    return json.loads(body), int(match.group(1)) if match else None


@dataclass(slots=True)
class _Cached:
    keys: Mapping[str, Any]
    expires: float
    fetched: float


class JwksCache:
    """An issuer's signing keys, static (from ``static_dir``) or fetched and cached. Thread-safe."""

    def __init__(
        self,
        static_dir: Path | None = None,
        *,
        fetch: Fetch = http_get_json,
        monotonic: Callable[[], float] = time.monotonic,
        timeout: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self._static_dir = static_dir
        self._fetch = fetch
        self._monotonic = monotonic
        self._timeout = timeout
        self._cache: dict[str, _Cached] = {}
        self._failures: dict[str, float] = {}
        self._lock = threading.Lock()

    def static_keys(self, issuer_url: str) -> Mapping[str, Any] | None:
        if self._static_dir is None:
            return None
        path = self._static_dir / static_key_file_name(issuer_url)
        try:
            document = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise IDPCommunicationError(f"The static keys in {path.name} cannot be read: {error}") from None
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise IDPCommunicationError(f"The static keys in {path.name} are not a JWKS document.")
        return document

    def keys_for(self, issuer_url: str, *, key_id: str | None = None) -> Mapping[str, Any]:
        """The key set to check a token of ``issuer_url`` signed with ``key_id``."""
        static = self.static_keys(issuer_url)
        if static is not None:
            return static
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(issuer_url)
        if cached is not None and now < cached.expires:
            missing = key_id is not None and key_id not in key_ids(cached.keys)
            if not missing or now - cached.fetched < REFRESH_INTERVAL:
                return cached.keys
        with self._lock:
            failed_at = self._failures.get(issuer_url)
        if failed_at is not None and now - failed_at < FAILURE_BACKOFF:
            # Do not hold a request for an issuer that just failed; keys held so far still serve.
            if cached is not None:
                return cached.keys
            raise IDPCommunicationError()
        try:
            keys, max_age = self._discover(issuer_url)
        except IDPCommunicationError:
            with self._lock:
                self._failures[issuer_url] = now
            if cached is not None:  # keys we had a moment ago beat none while the issuer is down
                return cached.keys
            raise
        age = DEFAULT_MAX_AGE if max_age is None else min(max_age, LONGEST_MAX_AGE)
        with self._lock:
            self._cache[issuer_url] = _Cached(keys, now + age, now)
            self._failures.pop(issuer_url, None)
        return keys

    def _discover(self, issuer_url: str) -> tuple[Mapping[str, Any], int | None]:
        discovery_url = issuer_url.rstrip("/") + "/.well-known/openid-configuration"
        try:
            configuration, _ = self._fetch(discovery_url, self._timeout)
            jwks_uri = configuration.get("jwks_uri") if isinstance(configuration, dict) else None
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
                raise ValueError("the discovery document names no jwks_uri")
            keys, max_age = self._fetch(jwks_uri, self._timeout)
        except (OSError, ValueError, urllib.error.URLError) as error:
            raise IDPCommunicationError(
                f"Couldn't retrieve verification key from your identity provider: {error}"
            ) from None
        if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
            raise IDPCommunicationError("The identity provider's jwks_uri did not return a JWKS document.")
        return keys, max_age
