"""Console passwords: Argon2id hashes (argon2-cffi), never the password itself.

The hash string is self-describing (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``), so verification
keeps working when the parameters below change; :func:`needs_rehash` tells a caller holding the clear
password (at sign-in) to store a fresh hash. Nothing here logs, and passwords travel as
:class:`~iamd.auth.secrets.Secret` so that a stray ``repr`` or log line shows ``****``.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from iamd.auth.secrets import Secret

# OWASP's Password Storage Cheat Sheet configuration for Argon2id (19 MiB, 2 passes, 1 lane). A hash runs
# inside the request's write transaction, which on SQLite holds the one writer's lock: RFC 9106's 64 MiB,
# 4-lane profile took close to a second on these 2-core machines under load, this one about a tenth of it.
# The type is pinned so that a library default change cannot weaken stored hashes.
_HASHER = PasswordHasher(
    time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)

ARGON2ID_PREFIX = "$argon2id$"


def hash_password(password: Secret) -> str:
    """An Argon2id hash of ``password`` with a fresh random salt."""
    return _HASHER.hash(password.reveal())


def verify_password(password_hash: str, password: Secret) -> bool:
    """True when ``password`` matches ``password_hash``; False for a wrong password or an unusable hash.

    Only Argon2id hashes are accepted: anything else in the column is treated as a mismatch."""
    if not password_hash.startswith(ARGON2ID_PREFIX):
        return False
    try:
        return _HASHER.verify(password_hash, password.reveal())
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
