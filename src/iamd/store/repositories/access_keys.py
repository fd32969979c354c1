"""Access keys of users and of the root user, and the lookup the authenticator needs.

At most two keys per owner: each key takes slot 1 or 2 under UNIQUE(owner_id, slot) and a CHECK on the
range, so of any number of concurrent CreateAccessKey calls for one user, two succeed and the rest get
LimitExceeded. The secret is stored only as ciphertext (``iamd.auth`` encrypts and decrypts it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from iamd.errors import NoSuchEntity
from iamd.model import AccessKey, AccessKeyLastUsed, AccessKeyStatus
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page
from iamd.store.quotas import quota_exceeded
from iamd.store.repositories.base import Repository, column_positions
from iamd.store.schema import ACCESS_KEY_SLOTS, access_keys, users
from iamd.store.violations import Violation, attempt, classify

_SELECT = select(access_keys, users.c.name.label("user_name")).outerjoin(
    users, users.c.id == access_keys.c.user_id
)
_BY_ID = _SELECT.where(access_keys.c.id == bindparam("id"))  # prebuilt: every signed request looks its key up


_RECORD_USE = (
    update(access_keys)
    .where(access_keys.c.id == bindparam("key_id"))
    .values(
        last_used_date=bindparam("at"),
        last_used_service=bindparam("service"),
        last_used_region=bindparam("region"),
    )
)
_RECORD_STALE_USE = _RECORD_USE.where(
    or_(access_keys.c.last_used_date.is_(None), access_keys.c.last_used_date < bindparam("since"))
)


def not_found(access_key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")


_KEY = column_positions(access_keys)


def to_access_key(row: Row[Any]) -> AccessKey:
    v = tuple(row)
    last_used = None
    if v[_KEY["last_used_date"]] is not None:
        last_used = AccessKeyLastUsed(
            date=v[_KEY["last_used_date"]],
            service=v[_KEY["last_used_service"]] or "",
            region=v[_KEY["last_used_region"]] or "",
        )
    return AccessKey(
        id=v[_KEY["id"]],
        account_id=v[_KEY["account_id"]],
        user_id=v[_KEY["user_id"]],
        user_name=v[len(_KEY)],  # the joined user name follows the key's columns
        status=AccessKeyStatus(v[_KEY["status"]]),
        created=v[_KEY["created"]],
        secret_ciphertext=bytes(v[_KEY["secret_ciphertext"]]),
        last_used=last_used,
    )


class AccessKeys(Repository):
    def create(self, key: AccessKey) -> AccessKey:
        """CreateAccessKey for ``key.user_id`` (None: the root user of ``key.account_id``).

        LimitExceeded ("Cannot exceed quota for AccessKeysPerUser: 2") when both slots are taken.
        """
        owner_id = key.user_id if key.user_id is not None else key.account_id
        for slot in range(1, ACCESS_KEY_SLOTS + 1):
            outcome = attempt(
                self.connection,
                access_keys.insert(),
                {
                    "id": key.id,
                    "account_id": key.account_id,
                    "owner_id": owner_id,
                    "user_id": key.user_id,
                    "slot": slot,
                    "status": key.status.value,
                    "created": key.created,
                    "secret_ciphertext": key.secret_ciphertext,
                },
            )
            if not isinstance(outcome, IntegrityError):
                return self.get(key.id)
            violation = classify(outcome)
            if violation is Violation.FOREIGN_KEY:
                raise NoSuchEntity(f"The user with name {key.user_name} cannot be found.") from None
            if violation is not Violation.UNIQUE:
                raise outcome
        raise quota_exceeded(self.quotas, "access_keys_per_user")

    def find(self, access_key_id: str) -> AccessKey | None:
        row = self.connection.execute(_BY_ID, {"id": access_key_id}).first()
        return None if row is None else to_access_key(row)

    def get(self, access_key_id: str) -> AccessKey:
        key = self.find(access_key_id)
        if key is None:
            raise not_found(access_key_id)
        return key

    def list(
        self,
        account_id: str,
        user_id: str | None,
        *,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AccessKey]:
        """ListAccessKeys of a user (or of the root user when ``user_id`` is None), by key id."""
        owner_id = user_id if user_id is not None else account_id
        statement = _SELECT.where(access_keys.c.owner_id == owner_id, access_keys.c.account_id == account_id)
        return fetch_page(
            self.connection, statement, access_keys.c.id, to_access_key, marker=marker, max_items=max_items
        )

    def update_status(self, access_key_id: str, owner_id: str, status: AccessKeyStatus) -> None:
        """UpdateAccessKey; ``owner_id`` is the user id (or account id for root) the key must belong to."""
        changed = self.connection.execute(
            update(access_keys)
            .where(access_keys.c.id == access_key_id, access_keys.c.owner_id == owner_id)
            .values(status=status.value)
        ).rowcount
        if not changed:
            raise not_found(access_key_id)

    def delete(self, access_key_id: str, owner_id: str) -> None:
        removed = self.connection.execute(
            delete(access_keys).where(access_keys.c.id == access_key_id, access_keys.c.owner_id == owner_id)
        ).rowcount
        if not removed:
            raise not_found(access_key_id)

    def record_use(
        self,
        access_key_id: str,
        at: datetime,
        service: str,
        region: str,
        *,
        unless_used_since: datetime | None = None,
    ) -> bool:
        """GetAccessKeyLastUsed's data; written when a request signed with the key is accepted.

        With ``unless_used_since``, nothing is written when the stored date is at or after it: the
        database compares, so one statement decides and a skipped write touches no row. True when written.
        """
        if unless_used_since is None:
            statement = _RECORD_USE
            params: dict[str, Any] = {}
        else:
            statement = _RECORD_STALE_USE
            params = {"since": unless_used_since}
        written = self.connection.execute(
            statement, {"key_id": access_key_id, "at": at, "service": service, "region": region, **params}
        ).rowcount
        return bool(written)
