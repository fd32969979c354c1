"""Virtual MFA devices: the encrypted TOTP seed, the user a device is enabled for, and the replay guard.

``accept_counter`` records the TOTP time step of an accepted code with a conditional UPDATE, so a code
(or an older one) can never be accepted twice, even by two requests racing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, delete, or_, select, update

from iamd.errors import DeleteConflict, EntityAlreadyExists, NoSuchEntity
from iamd.model import Tag, User, VirtualMfaDevice
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page
from iamd.store.repositories.base import Repository
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import mfa_device_tags, mfa_devices


class AssignmentStatus(StrEnum):
    """ListVirtualMFADevices' filter."""

    ASSIGNED = "Assigned"
    UNASSIGNED = "Unassigned"
    ANY = "Any"


def not_found(serial_number: str) -> NoSuchEntity:
    return NoSuchEntity(f"VirtualMFADevice with serial number {serial_number} doesn't exist.")


def to_device(row: Row[Any], tags: tuple[Tag, ...] = ()) -> VirtualMfaDevice:
    return VirtualMfaDevice(
        account_id=row.account_id,
        serial_number=row.serial_number,
        name=row.name,
        path=row.path,
        created=row.created,
        seed_ciphertext=bytes(row.seed_ciphertext),
        user_id=row.user_id,
        enable_date=row.enable_date,
        last_used_counter=row.last_used_counter,
        tags=tags,
    )


class MfaDevices(Repository):
    def create(self, device: VirtualMfaDevice) -> VirtualMfaDevice:
        """CreateVirtualMFADevice (unassigned; enable it with :meth:`enable`)."""
        self._insert(
            mfa_devices.insert().values(
                serial_number=device.serial_number,
                account_id=device.account_id,
                name=device.name,
                name_lower=device.name.lower(),
                path=device.path,
                created=device.created,
                seed_ciphertext=device.seed_ciphertext,
            ),
            exists_message="MFADevice entity at the same path and name already exists.",
            missing_message=f"The account {device.account_id} cannot be found.",
        )
        add_tags(self.connection, self.quotas, mfa_device_tags, device.serial_number, device.tags)
        return self.get(device.serial_number)

    def find(self, serial_number: str) -> VirtualMfaDevice | None:
        row = self.connection.execute(
            select(mfa_devices).where(mfa_devices.c.serial_number == serial_number)
        ).first()
        return (
            None
            if row is None
            else to_device(row, list_tags(self.connection, mfa_device_tags, serial_number))
        )

    def get(self, serial_number: str) -> VirtualMfaDevice:
        device = self.find(serial_number)
        if device is None:
            raise not_found(serial_number)
        return device

    def list_virtual(
        self,
        account_id: str,
        *,
        assignment: AssignmentStatus = AssignmentStatus.ANY,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[VirtualMfaDevice]:
        """ListVirtualMFADevices, by serial number."""
        statement = select(mfa_devices).where(mfa_devices.c.account_id == account_id)
        if assignment is AssignmentStatus.ASSIGNED:
            statement = statement.where(mfa_devices.c.user_id.is_not(None))
        elif assignment is AssignmentStatus.UNASSIGNED:
            statement = statement.where(mfa_devices.c.user_id.is_(None))
        return fetch_page(
            self.connection,
            statement,
            mfa_devices.c.serial_number,
            to_device,
            marker=marker,
            max_items=max_items,
        )

    def for_user(self, user: User) -> tuple[VirtualMfaDevice, ...]:
        """ListMFADevices of a user (at most MFADevicesPerUser, so not paginated here)."""
        rows = self.connection.execute(
            select(mfa_devices).where(mfa_devices.c.user_id == user.id).order_by(mfa_devices.c.serial_number)
        )
        return tuple(to_device(row) for row in rows)

    def enable(self, serial_number: str, user: User, at: datetime, counter: int) -> bool:
        """EnableMFADevice, after the caller checked the two consecutive codes; ``counter`` is the later one's
        time step. False (nothing changes) when that step is not newer than the last accepted one, i.e. codes
        already used before the device was deactivated. EntityAlreadyExists when the device is assigned."""
        assigned = self.connection.execute(
            update(mfa_devices)
            .where(
                mfa_devices.c.serial_number == serial_number,
                mfa_devices.c.user_id.is_(None),
                or_(mfa_devices.c.last_used_counter.is_(None), mfa_devices.c.last_used_counter < counter),
            )
            .values(user_id=user.id, enable_date=at, last_used_counter=counter)
        ).rowcount
        if not assigned:
            if self.get(serial_number).user_id is not None:
                raise EntityAlreadyExists("MFA Device is already in use.")
            return False
        self._take_quota(user.id, "mfa_devices_per_user")
        return True

    def deactivate(self, serial_number: str, user: User) -> None:
        """DeactivateMFADevice: the device stays, unassigned. The last accepted time step stays too, so codes
        used before cannot enable it again."""
        changed = self.connection.execute(
            update(mfa_devices)
            .where(mfa_devices.c.serial_number == serial_number, mfa_devices.c.user_id == user.id)
            .values(user_id=None, enable_date=None)
        ).rowcount
        if not changed:
            raise NoSuchEntity(f"MFA Device with serial number {serial_number} does not exist.")
        self._give_back_quota(user.id, "mfa_devices_per_user")

    def accept_counter(self, serial_number: str, counter: int) -> bool:
        """Record that the code of TOTP time step ``counter`` was used; False when it (or a later one) was
        already used, i.e. a replay."""
        accepted = self.connection.execute(
            update(mfa_devices)
            .where(
                mfa_devices.c.serial_number == serial_number,
                or_(mfa_devices.c.last_used_counter.is_(None), mfa_devices.c.last_used_counter < counter),
            )
            .values(last_used_counter=counter)
        ).rowcount
        return accepted == 1

    def delete(self, serial_number: str) -> None:
        """DeleteVirtualMFADevice; DeleteConflict while it is enabled for a user."""
        removed = self.connection.execute(
            delete(mfa_devices).where(
                mfa_devices.c.serial_number == serial_number, mfa_devices.c.user_id.is_(None)
            )
        ).rowcount
        if not removed:
            self.get(serial_number)
            raise DeleteConflict("MFA VirtualDevice in use. Must deactivate first.")
        quota_usage.forget(self.connection, serial_number)

    def tag(self, serial_number: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, mfa_device_tags, self.get(serial_number).serial_number, tags)

    def untag(self, serial_number: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, mfa_device_tags, self.get(serial_number).serial_number, keys)

    def list_tags(self, serial_number: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, mfa_device_tags, self.get(serial_number).serial_number)
