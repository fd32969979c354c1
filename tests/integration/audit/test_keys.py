"""The audit signing key: created once, private part 0600, public part published beside it."""

from __future__ import annotations

import stat
from pathlib import Path

from iamd.audit.keys import (
    PUBLIC_KEY_FILE,
    SIGNING_KEY_FILE,
    fingerprint,
    load_or_create_signing_key,
    load_public_key,
    published_public_key,
)


def test_key_is_created_once_and_published(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path)
    again = load_or_create_signing_key(tmp_path)
    assert fingerprint(key.public_key()) == fingerprint(again.public_key())
    assert stat.S_IMODE((tmp_path / SIGNING_KEY_FILE).stat().st_mode) == 0o600
    published = load_public_key(tmp_path / PUBLIC_KEY_FILE)
    assert fingerprint(published) == fingerprint(key.public_key())
    assert published_public_key(tmp_path) == (tmp_path / PUBLIC_KEY_FILE).read_bytes()
    assert b"PRIVATE" not in published_public_key(tmp_path)
