"""Virtual MFA devices in the store: enabling is replay-guarded too; races resolve in the database."""

from __future__ import annotations

from collections.abc import Callable

from iamd.errors import DeleteConflict, EntityAlreadyExists
from iamd.model import User, VirtualMfaDevice
from iamd.store import Database

from .conftest import ACCOUNT, NOW, exactly, peers, run_concurrently

SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/bob-phone"


def _device(database: Database) -> None:
    with database.transaction() as tx:
        tx.mfa_devices.create(VirtualMfaDevice(ACCOUNT, SERIAL, "bob-phone", "/", NOW, b"sealed-seed"))


def test_codes_used_before_deactivation_cannot_enable_again(
    database: Database, create_user: Callable[..., User]
) -> None:
    bob = create_user("bob")
    _device(database)
    with database.transaction() as tx:
        assert tx.mfa_devices.enable(SERIAL, bob, NOW, counter=500) is True
        assert tx.mfa_devices.accept_counter(SERIAL, 501) is True
        tx.mfa_devices.deactivate(SERIAL, bob)
    with database.transaction() as tx:
        assert tx.mfa_devices.get(SERIAL).last_used_counter == 501  # kept while unassigned
        assert tx.mfa_devices.enable(SERIAL, bob, NOW, counter=501) is False
        assert tx.mfa_devices.get(SERIAL).user_id is None  # nothing changed
        assert tx.mfa_devices.enable(SERIAL, bob, NOW, counter=502) is True
    with exactly(EntityAlreadyExists, "MFA Device is already in use."), database.transaction() as tx:
        tx.mfa_devices.enable(SERIAL, bob, NOW, counter=600)
    with (
        exactly(DeleteConflict, "MFA VirtualDevice in use. Must deactivate first."),
        database.transaction() as tx,
    ):
        tx.mfa_devices.delete(SERIAL)


def test_racing_enables_assign_the_device_once(database: Database, create_user: Callable[..., User]) -> None:
    users = [create_user(f"racer{i}") for i in range(4)]
    _device(database)
    with peers(database, 4) as handles:

        def enable(index: int) -> bool:
            with handles[index].transaction() as tx:
                return tx.mfa_devices.enable(SERIAL, users[index], NOW, counter=700)

        results = run_concurrently(4, enable)
    assert results.count(True) == 1
    assert all(isinstance(r, EntityAlreadyExists) for r in results if r is not True)
