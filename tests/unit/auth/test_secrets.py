"""iamd.auth.secrets: the secret box, the Secret wrapper and the master key.

These tests touch only pytest's tmp_path (the master key file is the one file-system concern of iamd.auth).
"""

from __future__ import annotations

import base64
import logging
import os
import pickle
import stat
import threading
from pathlib import Path

import pytest

from iamd.auth.secrets import (
    MASTER_KEY_FILE,
    MasterKeyError,
    Secret,
    SecretBox,
    SecretBoxError,
    load_master_key,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))


# --- Secret --------------------------------------------------------------------------------------


def test_secret_never_shows_its_value(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret("wJalrXUtnFEMI/K7MDENG")
    assert repr(secret) == "Secret('****')"
    assert str(secret) == "Secret('****')"
    assert f"{secret}" == "Secret('****')"
    assert "wJalr" not in repr([secret, {"k": secret}])
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("key %s %r", secret, secret)
    assert "wJalr" not in caplog.text
    assert secret.reveal() == "wJalrXUtnFEMI/K7MDENG"


def test_secret_compares_by_value_and_refuses_pickling() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    with pytest.raises(TypeError):
        pickle.dumps(Secret("a"))


# --- SecretBox -----------------------------------------------------------------------------------


def test_seal_and_open_round_trip() -> None:
    box = SecretBox.from_master_key(KEY_A)
    sealed = box.seal(b"secret", purpose="access-key-secret", owner="AKIAEXAMPLE")
    assert b"secret" not in sealed
    assert sealed[0] == 1 and sealed[1] == 0  # format version, key id
    assert box.open(sealed, purpose="access-key-secret", owner="AKIAEXAMPLE") == b"secret"


def test_sealing_twice_gives_different_ciphertexts() -> None:
    box = SecretBox.from_master_key(KEY_A)
    assert box.seal(b"s", purpose="p", owner="o") != box.seal(b"s", purpose="p", owner="o")


@pytest.mark.parametrize(
    ("purpose", "owner"),
    [("access-key-secret", "AKIAOTHER"), ("totp-seed", "AKIAEXAMPLE"), ("access-key-secre", "tAKIAEXAMPLE")],
)
def test_ciphertext_is_bound_to_purpose_and_owner(purpose: str, owner: str) -> None:
    box = SecretBox.from_master_key(KEY_A)
    sealed = box.seal(b"secret", purpose="access-key-secret", owner="AKIAEXAMPLE")
    with pytest.raises(SecretBoxError):
        box.open(sealed, purpose=purpose, owner=owner)


def test_tampering_is_detected() -> None:
    box = SecretBox.from_master_key(KEY_A)
    sealed = bytearray(box.seal(b"secret", purpose="p", owner="o"))
    for index in range(len(sealed)):
        changed = bytearray(sealed)
        changed[index] ^= 0x01
        with pytest.raises(SecretBoxError):
            box.open(bytes(changed), purpose="p", owner="o")
    with pytest.raises(SecretBoxError):
        box.open(bytes(sealed[:-1]), purpose="p", owner="o")
    with pytest.raises(SecretBoxError):
        box.open(b"", purpose="p", owner="o")


def test_wrong_master_key_does_not_open() -> None:
    sealed = SecretBox.from_master_key(KEY_A).seal(b"s", purpose="p", owner="o")
    with pytest.raises(SecretBoxError):
        SecretBox.from_master_key(KEY_B).open(sealed, purpose="p", owner="o")


def test_rotation_keeps_old_values_readable_and_reseals_them() -> None:
    old_box = SecretBox.from_master_key(KEY_A, key_id=1)
    sealed = old_box.seal(b"s", purpose="p", owner="o")
    box = SecretBox({1: KEY_A, 2: KEY_B}, current_key_id=2)
    assert box.open(sealed, purpose="p", owner="o") == b"s"
    assert box.needs_rotation(sealed)
    rotated = box.rotate(sealed, purpose="p", owner="o")
    assert SecretBox.key_id_of(rotated) == 2
    assert not box.needs_rotation(rotated)
    assert box.rotate(rotated, purpose="p", owner="o") is rotated
    assert SecretBox.from_master_key(KEY_B, key_id=2).open(rotated, purpose="p", owner="o") == b"s"
    with pytest.raises(SecretBoxError, match="master key 1"):
        SecretBox.from_master_key(KEY_B, key_id=2).open(sealed, purpose="p", owner="o")


def test_secret_helpers_and_repr() -> None:
    box = SecretBox.from_master_key(KEY_A)
    sealed = box.seal_secret(Secret("abc"), purpose="p", owner="o")
    assert box.open_secret(sealed, purpose="p", owner="o") == Secret("abc")
    assert KEY_A.hex() not in repr(box)


@pytest.mark.parametrize(
    ("keys", "current"), [({0: b"short"}, 0), ({0: KEY_A}, 1), ({256: KEY_A}, 256), ({-1: KEY_A}, -1)]
)
def test_box_refuses_bad_keys(keys: dict[int, bytes], current: int) -> None:
    with pytest.raises(ValueError):
        SecretBox(keys, current)


# --- load_master_key -----------------------------------------------------------------------------


def test_key_from_the_environment(tmp_path: Path) -> None:
    env = {"IAMD_MASTER_KEY": base64.b64encode(KEY_A).decode()}
    assert load_master_key(tmp_path, env) == KEY_A
    assert not (tmp_path / MASTER_KEY_FILE).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (base64.b64encode(b"x" * 16).decode(), "decodes to 16 bytes"),
        (base64.b64encode(b"x" * 33).decode(), "decodes to 33 bytes"),
        ("", "decodes to 0 bytes"),
        ("not base64!", "not valid base64"),
    ],
)
def test_environment_key_of_the_wrong_size_or_form(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(MasterKeyError, match=message) as error:
        load_master_key(tmp_path, {"IAMD_MASTER_KEY": value})
    assert "IAMD_MASTER_KEY" in str(error.value)
    assert "32" in str(error.value)


def test_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = load_master_key(data_dir, {})
    assert len(key) == 32
    path = data_dir / MASTER_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert base64.b64decode(path.read_text()) == key
    assert load_master_key(data_dir, {}) == key
    assert [p.name for p in data_dir.iterdir()] == [MASTER_KEY_FILE]  # no temporary file left


def test_key_file_creation_ignores_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        load_master_key(tmp_path, {})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / MASTER_KEY_FILE).stat().st_mode) == 0o600


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(load_master_key(tmp_path, {}))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert len(set(results)) == 1


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640, 0o660])
def test_readable_key_file_is_refused(tmp_path: Path, mode: int) -> None:
    load_master_key(tmp_path, {})
    path = tmp_path / MASTER_KEY_FILE
    path.chmod(mode)
    with pytest.raises(MasterKeyError, match=f"mode is {mode:04o}.*chmod 600"):
        load_master_key(tmp_path, {})


def test_malformed_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / MASTER_KEY_FILE
    path.write_text(base64.b64encode(b"short").decode())
    path.chmod(0o600)
    with pytest.raises(MasterKeyError, match="decodes to 5 bytes"):
        load_master_key(tmp_path, {})


def test_symlinked_key_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text(base64.b64encode(KEY_A).decode())
    target.chmod(0o600)
    (tmp_path / MASTER_KEY_FILE).symlink_to(target)
    with pytest.raises(OSError):
        load_master_key(tmp_path, {})
