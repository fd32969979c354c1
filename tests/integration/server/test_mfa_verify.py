"""``verify_mfa_code``, the check STS runs for ``SerialNumber`` + ``TokenCode`` (AssumeRole, GetSessionToken),
on SQLite and PostgreSQL: the device must be enabled for that user, the code must be current, and a code
is never accepted twice, not even by two requests racing each other (issue 5, section 2)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from iamd.auth import totp
from iamd.auth.secrets import SecretBox
from iamd.model import Account, User, VirtualMfaDevice, iam_arn
from iamd.services.iam.mfa_devices import seal_seed, verify_mfa_code
from iamd.store import Database

ACCOUNT = "123456789012"
NOW = datetime(2026, 11, 23, 15, 30, 7, tzinfo=UTC)
BOX = SecretBox.from_master_key(os.urandom(32))


def _user(name: str, number: int) -> User:
    return User(ACCOUNT, f"AIDA{number:017d}", name, "/", iam_arn(ACCOUNT, "user", "/", name), NOW)


@pytest.fixture
def enabled(database: Database) -> tuple[User, User, str, pyotp.TOTP]:
    """alice with an enabled device (enabled with the codes of the two steps before NOW), and bob."""
    alice, bob = _user("alice", 1), _user("bob", 2)
    seed = totp.new_seed()
    serial = iam_arn(ACCOUNT, "mfa", "/", "alice")
    with database.transaction() as tx:
        tx.accounts.create(Account(ACCOUNT, None, NOW))
        tx.users.create(alice)
        tx.users.create(bob)
        tx.mfa_devices.create(
            VirtualMfaDevice(ACCOUNT, serial, "alice", "/", NOW, seal_seed(BOX, seed, serial))
        )
        tx.mfa_devices.enable(serial, alice, NOW, totp.time_step(NOW) - 1)
    return alice, bob, serial, pyotp.TOTP(totp.base32_seed(seed))


def _verify(database: Database, user: User, serial: str, code: str, now: datetime = NOW) -> bool:
    with database.transaction() as tx:
        return verify_mfa_code(tx, BOX, user, serial, code, now)


def test_current_code_accepted_once(database: Database, enabled: tuple[User, User, str, pyotp.TOTP]) -> None:
    alice, _, serial, app = enabled
    assert _verify(database, alice, serial, app.at(NOW)) is True
    assert _verify(database, alice, serial, app.at(NOW)) is False  # replay
    assert (
        _verify(database, alice, serial, app.at(NOW + timedelta(seconds=30))) is True
    )  # clock drift: +1 step
    assert _verify(database, alice, serial, app.at(NOW)) is False  # older than the last accepted


def test_codes_used_to_enable_and_old_or_far_codes_are_refused(
    database: Database, enabled: tuple[User, User, str, pyotp.TOTP]
) -> None:
    alice, _, serial, app = enabled
    assert _verify(database, alice, serial, app.at(NOW - timedelta(seconds=30))) is False  # used to enable
    later = NOW + timedelta(minutes=10)
    assert _verify(database, alice, serial, app.at(NOW), now=later) is False  # outside the window
    assert _verify(database, alice, serial, app.at(later + timedelta(seconds=90)), now=later) is False


def test_only_the_devices_own_user(database: Database, enabled: tuple[User, User, str, pyotp.TOTP]) -> None:
    alice, bob, serial, app = enabled
    assert _verify(database, bob, serial, app.at(NOW)) is False
    assert _verify(database, alice, serial + "-missing", app.at(NOW)) is False
    assert _verify(database, alice, serial, app.at(NOW)) is True  # bob's attempt used nothing up
    with database.transaction() as tx:
        tx.mfa_devices.deactivate(serial, alice)
    assert _verify(database, alice, serial, app.at(NOW + timedelta(seconds=30))) is False


def test_racing_requests_accept_a_code_once(
    database: Database, enabled: tuple[User, User, str, pyotp.TOTP]
) -> None:
    alice, _, serial, app = enabled
    code = app.at(NOW)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _verify(database, alice, serial, code), range(8)))
    assert results.count(True) == 1
