"""The store's side of ``iamd.auth.authenticate.AccessKeyResolver``: long-term access keys by id.

Secrets are sealed with ``SecretBox`` under purpose :data:`ACCESS_KEY_SECRET_PURPOSE` and the access key
id as owner; whoever creates keys (the IAM service, bootstrap) must seal them the same way.
"""

from __future__ import annotations

from iamd.auth.authenticate import ResolvedKey
from iamd.auth.secrets import SecretBox
from iamd.store.database import Database
from iamd.store.transaction import Transaction

ACCESS_KEY_SECRET_PURPOSE = "access-key-secret"


def resolve_key(tx: Transaction, box: SecretBox, access_key_id: str) -> ResolvedKey | None:
    """The key's owner, status and opened secret, read in ``tx``; None when it does not exist."""
    key = tx.access_keys.find(access_key_id)
    if key is None:
        return None
    return ResolvedKey(
        access_key_id=key.id,
        secret_access_key=box.open_secret(
            key.secret_ciphertext, purpose=ACCESS_KEY_SECRET_PURPOSE, owner=key.id
        ),
        status=key.status,
        principal_id=key.user_id if key.user_id is not None else key.account_id,
        account_id=key.account_id,
    )


class TransactionKeyResolver:
    """Resolves access keys inside the request's own transaction (one database round trip less)."""

    def __init__(self, tx: Transaction, box: SecretBox) -> None:
        self._tx = tx
        self._box = box

    def resolve(self, access_key_id: str) -> ResolvedKey | None:
        return resolve_key(self._tx, self._box, access_key_id)


class StoreAccessKeyResolver:
    """Resolves an access key id in a read transaction of its own; None when it does not exist."""

    def __init__(self, database: Database, box: SecretBox) -> None:
        self._database = database
        self._box = box

    def resolve(self, access_key_id: str) -> ResolvedKey | None:
        with self._database.read() as tx:
            return resolve_key(tx, self._box, access_key_id)
