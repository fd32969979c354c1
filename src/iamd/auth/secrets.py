"""Secrets at rest: an AES-256-GCM box bound to each secret's purpose and owner, the master key it uses,
and :class:`Secret`, a wrapper that never shows its value in a repr, a log line or a traceback.

Sealed format (version 1), all of it authenticated:

    0x01 | key id (1 byte) | nonce (12 bytes) | AES-GCM ciphertext and 16-byte tag

The associated data binds the ciphertext to the format header, its purpose (for example
``"access-key-secret"``) and its owner (for example the access key id), so a sealed value copied to
another row does not open there. The key id lets the master key rotate: old values keep opening under
their key while new ones are sealed under the current key (see :meth:`SecretBox.rotate`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MASTER_KEY_ENV: Final = "IAMD_MASTER_KEY"
MASTER_KEY_FILE: Final = "master.key"
MASTER_KEY_BYTES: Final = 32
FORMAT_VERSION: Final = 1
_NONCE_BYTES: Final = 12
_HEADER_BYTES: Final = 2
_AAD_LABEL: Final = b"iamd-secretbox"


class Secret:
    """A secret string. ``repr``, ``str`` and formatting show ``Secret('****')``; :meth:`reveal` is
    the one way to the value, so every use of it is greppable."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values are not pickled")


class SecretBoxError(Exception):
    """A sealed value does not open: wrong key, purpose or owner, tampered, or not a sealed value."""


class MasterKeyError(Exception):
    """The master key is missing, malformed or stored unsafely; the message says how to fix it."""


class SecretBox:
    """Seals and opens secrets with AES-256-GCM under numbered master keys."""

    def __init__(self, keys: Mapping[int, bytes], current_key_id: int) -> None:
        if current_key_id not in keys:
            raise ValueError(f"current key id {current_key_id} is not among the keys")
        self._ciphers: dict[int, AESGCM] = {}
        for key_id, key in keys.items():
            if not 0 <= key_id <= 255:
                raise ValueError(f"key ids are one byte (0-255), not {key_id}")
            if len(key) != MASTER_KEY_BYTES:
                raise ValueError(f"master key {key_id} must be {MASTER_KEY_BYTES} bytes, not {len(key)}")
            self._ciphers[key_id] = AESGCM(key)
        self._current = current_key_id

    @classmethod
    def from_master_key(cls, master_key: bytes, key_id: int = 0) -> SecretBox:
        return cls({key_id: master_key}, key_id)

    @property
    def current_key_id(self) -> int:
        return self._current

    def __repr__(self) -> str:
        return f"SecretBox(key_ids={sorted(self._ciphers)}, current={self._current})"

    def seal(self, plaintext: bytes, *, purpose: str, owner: str) -> bytes:
        header = bytes((FORMAT_VERSION, self._current))
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, plaintext, _aad(header, purpose, owner))
        return header + nonce + sealed

    def open(self, blob: bytes, *, purpose: str, owner: str) -> bytes:
        if len(blob) < _HEADER_BYTES + _NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
            raise SecretBoxError("not a sealed value of a known format")
        header, key_id = blob[:_HEADER_BYTES], blob[1]
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SecretBoxError(f"sealed under master key {key_id}, which is not configured")
        nonce = blob[_HEADER_BYTES : _HEADER_BYTES + _NONCE_BYTES]
        try:
            return cipher.decrypt(nonce, blob[_HEADER_BYTES + _NONCE_BYTES :], _aad(header, purpose, owner))
        except InvalidTag:
            raise SecretBoxError(
                "sealed value does not open: wrong key, purpose or owner, or tampered"
            ) from None

    def seal_secret(self, secret: Secret, *, purpose: str, owner: str) -> bytes:
        return self.seal(secret.reveal().encode(), purpose=purpose, owner=owner)

    def open_secret(self, blob: bytes, *, purpose: str, owner: str) -> Secret:
        return Secret(self.open(blob, purpose=purpose, owner=owner).decode())

    @staticmethod
    def key_id_of(blob: bytes) -> int:
        if len(blob) < _HEADER_BYTES or blob[0] != FORMAT_VERSION:
            raise SecretBoxError("not a sealed value of a known format")
        return blob[1]

    def needs_rotation(self, blob: bytes) -> bool:
        return self.key_id_of(blob) != self._current

    def rotate(self, blob: bytes, *, purpose: str, owner: str) -> bytes:
        """Re-seal ``blob`` under the current key (unchanged if it already is)."""
        if not self.needs_rotation(blob):
            return blob
        return self.seal(self.open(blob, purpose=purpose, owner=owner), purpose=purpose, owner=owner)


def _aad(header: bytes, purpose: str, owner: str) -> bytes:
    # Length prefixes keep ("ab", "c") and ("a", "bc") apart.
    parts = [_AAD_LABEL, header, purpose.encode(), owner.encode()]
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


# ---------------------------------------------------------------------------------------------
# The master key


def generate_master_key() -> bytes:
    return secrets.token_bytes(MASTER_KEY_BYTES)


def encode_master_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def load_master_key(data_dir: Path, env: Mapping[str, str]) -> bytes:
    """The 256-bit master key: from ``IAMD_MASTER_KEY`` (base64) if set, else from
    ``<data_dir>/master.key``, which is created (mode 0600, atomically) on first use."""
    if MASTER_KEY_ENV in env:
        return _decode_master_key(env[MASTER_KEY_ENV], source=f"the environment variable {MASTER_KEY_ENV}")
    path = data_dir / MASTER_KEY_FILE
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    return _create_key_file(path)


def _decode_master_key(text: str, *, source: str) -> bytes:
    hint = (
        "it must be the base64 encoding of exactly 32 random bytes (a 256-bit key), e.g. the output of "
        "`python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'`"
    )
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(f"the master key in {source} is not valid base64; {hint}") from None
    if len(key) != MASTER_KEY_BYTES:
        raise MasterKeyError(f"the master key in {source} decodes to {len(key)} bytes; {hint}")
    return key


def _read_key_file(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise MasterKeyError(f"{path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise MasterKeyError(
                f"refusing to use {path}: its mode is {mode:04o}, so other users can read or change the "
                f"master key; restrict it with `chmod 600 {path}` (and check who has seen it)"
            )
        with os.fdopen(os.dup(fd), "r", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    finally:
        os.close(fd)
    return _decode_master_key(text, source=str(path))


def _create_key_file(path: Path) -> bytes:
    """Write a new key to a private temporary file, then link it into place: the link fails if another
    process got there first, so exactly one key wins and nobody ever reads a half-written file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = generate_master_key()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (encode_master_key(key) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return _read_key_file(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_directory(path.parent)
    return key


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
