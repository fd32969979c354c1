"""The audit signing key: Ed25519, generated once into the data directory (0600), its public half
published beside it (``audit-public-key.pem``) for anyone who verifies exports."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNING_KEY_FILE = "audit-signing-key.pem"
PUBLIC_KEY_FILE = "audit-public-key.pem"


def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    path = data_dir / SIGNING_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} holds no Ed25519 private key")
    (data_dir / PUBLIC_KEY_FILE).write_bytes(public_key_pem(loaded.public_key()))
    return loaded


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(path: Path) -> Ed25519PublicKey:
    loaded = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"{path} holds no Ed25519 public key")
    return loaded


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex (the digest's ``digestPublicKeyFingerprint``)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def published_public_key(data_dir: Path) -> bytes:
    """The PEM to serve at ``/_iamd/audit/public-key`` (the key pair is created on first use)."""
    return public_key_pem(load_or_create_signing_key(data_dir).public_key())
