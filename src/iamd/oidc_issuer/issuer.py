"""The built-in issuer's key pair, documents and tokens.

The private key lives in ``<data dir>/oidc-issuer/signing-key.pem`` (PKCS#8 PEM, mode 0600), created on
first use by whichever comes first, the server or ``iamd oidc token``; a second creator racing the first
keeps the first one's key (the file is linked into place, never overwritten). The key id is the key's
RFC 7638 thumbprint, so the JWKS and the tokens agree without any other state.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from joserfc import jwt
from joserfc.jwk import RSAKey

ISSUER_PATH: Final = "/_iamd/oidc"
JWKS_PATH: Final = ISSUER_PATH + "/jwks.json"
DISCOVERY_PATH: Final = ISSUER_PATH + "/.well-known/openid-configuration"
KEY_DIR: Final = "oidc-issuer"
KEY_FILE: Final = "signing-key.pem"
ALGORITHM: Final = "RS256"
KEY_BITS: Final = 2048


def issuer_url_of(endpoint_url: str) -> str:
    """``http://127.0.0.1:8137`` → ``http://127.0.0.1:8137/_iamd/oidc``."""
    return endpoint_url.rstrip("/") + ISSUER_PATH


def _load_or_create(path: Path) -> RSAKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = RSAKey.generate_key(KEY_BITS, private=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.as_pem(private=True))
        try:
            os.link(temporary, path)  # fails when another process created the key meanwhile
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return RSAKey.import_key(path.read_bytes())


class BuiltinIssuer:
    """Signs tokens and publishes the matching keys; the key is read once per process."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / KEY_DIR / KEY_FILE
        self._key: RSAKey | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> RSAKey:
        with self._lock:
            if self._key is None:
                self._key = _load_or_create(self._path)
            return self._key

    @property
    def key_id(self) -> str:
        return self.key.thumbprint()

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        public.update({"kid": self.key_id, "use": "sig", "alg": ALGORITHM})
        return {"keys": [public]}

    def discovery(self, issuer_url: str) -> dict[str, Any]:
        """The OpenID Provider Metadata (OpenID Connect Discovery 1.0, section 3) STS needs."""
        base = issuer_url.rstrip("/")
        return {
            "issuer": issuer_url,
            "jwks_uri": base + JWKS_PATH.removeprefix(ISSUER_PATH),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "nbf", "jti"],
        }

    def token(
        self,
        *,
        issuer_url: str,
        subject: str,
        audience: str | list[str],
        ttl_seconds: int = 3600,
        claims: Mapping[str, Any] | None = None,
        now: float | None = None,
    ) -> str:
        """A signed JWT; ``claims`` are added last and may override the standard ones."""
        issued = int(time.time() if now is None else now)
        payload: dict[str, Any] = {
            "iss": issuer_url,
            "sub": subject,
            "aud": audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl_seconds,
            "jti": secrets.token_hex(16),
        }
        payload.update(claims or {})
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": self.key_id}
        return jwt.encode(header, payload, self.key, algorithms=[ALGORITHM])
