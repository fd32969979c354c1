"""Argon2id password hashing (DESIGN.md: "passwords are hashed with Argon2id")."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type

from iamd.auth.passwords import hash_password, needs_rehash, verify_password
from iamd.auth.secrets import Secret

PASSWORD = Secret("correct horse battery staple")


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$")
    # No weaker than OWASP's Argon2id minimum (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1).
    params = dict(item.split("=") for item in hashed.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert PASSWORD.reveal() not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not needs_rehash(hashed)


def test_each_hash_has_its_own_salt() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


@pytest.mark.parametrize(
    "candidate",
    ["correct horse battery stapl", "Correct horse battery staple", "", "correct horse battery staple "],
)
def test_wrong_passwords_do_not_verify(candidate: str) -> None:
    assert not verify_password(hash_password(PASSWORD), Secret(candidate))


@pytest.mark.parametrize("stored", ["", "plaintext", "$argon2id$garbage", "$2b$12$abcdefghijklmnopqrstuv"])
def test_unusable_hashes_never_verify(stored: str) -> None:
    assert not verify_password(stored, PASSWORD)


def test_other_argon2_types_are_refused() -> None:
    # An Argon2i hash of the right password still fails: only Argon2id is accepted.
    argon2i = PasswordHasher(type=Type.I).hash(PASSWORD.reveal())
    assert not verify_password(argon2i, PASSWORD)


def test_weaker_parameters_need_a_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(PASSWORD.reveal())
    assert verify_password(old, PASSWORD)
    assert needs_rehash(old)
    assert needs_rehash("not a hash")
