"""Accounts and their root users: creation, root access keys, and first-start bootstrap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from iamd.auth.keys import new_access_key_id, new_account_id, new_secret_access_key
from iamd.auth.secrets import Secret, SecretBox
from iamd.model import AccessKey, AccessKeyStatus, Account
from iamd.store import Database, Transaction
from iamd.store.resolver import ACCESS_KEY_SECRET_PURPOSE


@dataclass(frozen=True, slots=True)
class RootCredentials:
    account_id: str
    access_key_id: str
    secret_access_key: Secret


def seal_access_key(
    box: SecretBox,
    *,
    account_id: str,
    user_id: str | None,
    user_name: str | None,
    now: datetime,
    access_key_id: str | None = None,
    secret: str | None = None,
) -> tuple[AccessKey, Secret]:
    """A new access key with its secret sealed for storage, and the clear secret to show once."""
    key_id = access_key_id or new_access_key_id()
    clear = Secret(secret or new_secret_access_key())
    key = AccessKey(
        id=key_id,
        account_id=account_id,
        user_id=user_id,
        user_name=user_name,
        status=AccessKeyStatus.ACTIVE,
        created=now,
        secret_ciphertext=box.seal_secret(clear, purpose=ACCESS_KEY_SECRET_PURPOSE, owner=key_id),
    )
    return key, clear


def create_account(
    tx: Transaction,
    box: SecretBox,
    now: datetime,
    *,
    account_id: str | None = None,
    root_access_key_id: str | None = None,
    root_secret_access_key: str | None = None,
) -> RootCredentials:
    """A new account with a root access key (chosen ids and secret, or fresh ones)."""
    account = tx.accounts.create(Account(id=account_id or new_account_id(), alias=None, created=now))
    key, secret = seal_access_key(
        box,
        account_id=account.id,
        user_id=None,
        user_name=None,
        now=now,
        access_key_id=root_access_key_id,
        secret=root_secret_access_key,
    )
    tx.access_keys.create(key)
    return RootCredentials(account.id, key.id, secret)


def bootstrap(
    database: Database,
    box: SecretBox,
    now: datetime,
    *,
    account_id: str | None = None,
    root_access_key_id: str | None = None,
    root_secret_access_key: str | None = None,
) -> RootCredentials | None:
    """On an empty database, create the first account and its root keys; otherwise do nothing (None)."""
    with database.transaction() as tx:
        if tx.accounts.count() > 0:
            return None
        return create_account(
            tx,
            box,
            now,
            account_id=account_id,
            root_access_key_id=root_access_key_id,
            root_secret_access_key=root_secret_access_key,
        )
