"""Who is calling: turn an authenticated access key into a :class:`~iamd.services.call.Caller`."""

from __future__ import annotations

from iamd.auth.authenticate import Authenticated
from iamd.errors import InvalidClientTokenId
from iamd.services.call import Caller
from iamd.store import Transaction


def identify(tx: Transaction, authenticated: Authenticated) -> Caller:
    """The root user when the key belongs to the account itself, else the IAM user owning the key."""
    if authenticated.principal_id == authenticated.account_id:
        account = tx.accounts.find(authenticated.account_id)
        if account is None:
            raise InvalidClientTokenId()
        return Caller(
            account_id=account.id,
            kind="root",
            arn=account.root_arn,
            user_id=account.id,
            access_key_id=authenticated.access_key_id,
        )
    user = tx.users.find_by_id(authenticated.principal_id)
    if user is None:  # the key outlived its user: AWS no longer knows the key
        raise InvalidClientTokenId()
    return Caller(
        account_id=user.account_id,
        kind="user",
        arn=user.arn,
        user_id=user.id,
        access_key_id=authenticated.access_key_id,
        user=user,
    )
