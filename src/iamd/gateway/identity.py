"""Who is calling: turn an authenticated request into a :class:`~iamd.services.call.Caller`.

Long-term keys belong to the root user or an IAM user. Temporary credentials carry their session in the
token (already verified and checked for expiry by authentication): a role session, a federated user, or
an IAM user or root user with GetSessionToken credentials. ARNs and ids follow
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html and the GetCallerIdentity
examples (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
"""

from __future__ import annotations

from iamd.auth.authenticate import Authenticated
from iamd.auth.session_tokens import Session, SessionTokens
from iamd.errors import InvalidClientTokenId
from iamd.model import Arn, root_arn
from iamd.services.call import Caller
from iamd.store import Transaction


def assumed_role_arn(role_arn: str, session_name: str) -> str:
    """``arn:aws:sts::ACCOUNT:assumed-role/ROLE_NAME/SESSION`` (the role's path is not part of it)."""
    arn = Arn.parse(role_arn)
    role_name = arn.resource.rsplit("/", 1)[-1]
    return f"arn:{arn.partition}:sts::{arn.account}:assumed-role/{role_name}/{session_name}"


def federated_user_arn(account_id: str, name: str) -> str:
    return f"arn:aws:sts::{account_id}:federated-user/{name}"


def identify(tx: Transaction, authenticated: Authenticated, sessions: SessionTokens | None = None) -> Caller:
    """The caller behind ``authenticated``; InvalidClientTokenId when its principal no longer exists."""
    if authenticated.session_token is not None:
        session = (
            sessions.open(authenticated.access_key_id, authenticated.session_token) if sessions else None
        )
        if session is None:
            raise InvalidClientTokenId()
        return _session_caller(tx, session)
    return _long_term_caller(
        tx, authenticated.access_key_id, authenticated.principal_id, authenticated.account_id
    )


def _long_term_caller(
    tx: Transaction, access_key_id: str, principal_id: str, account_id: str, session: Session | None = None
) -> Caller:
    if principal_id == account_id:
        # A long-term root key's row references its account, so the account exists; a session token
        # outlives nothing in the database, so its account is looked up.
        if session is not None and tx.accounts.find(account_id) is None:
            raise InvalidClientTokenId()
        return Caller(
            account_id=account_id,
            kind="root",
            arn=root_arn(account_id),
            user_id=account_id,
            access_key_id=access_key_id,
            session=session,
        )
    user = tx.users.find_by_id(principal_id)
    if user is None:  # the key outlived its user: AWS no longer knows the key
        raise InvalidClientTokenId()
    return Caller(
        account_id=user.account_id,
        kind="user",
        arn=user.arn,
        user_id=user.id,
        access_key_id=access_key_id,
        user=user,
        session=session,
    )


def _session_caller(tx: Transaction, session: Session) -> Caller:
    if session.kind == "session_user":
        return _long_term_caller(tx, session.access_key_id, session.principal_id, session.account_id, session)
    name = session.session_name or ""
    if session.kind == "federated_user":
        # The IAM user who called GetFederationToken (None for the root user, or a user deleted since).
        user = (
            None if session.principal_id == session.account_id else tx.users.find_by_id(session.principal_id)
        )
        return Caller(
            account_id=session.account_id,
            kind="federated_user",
            arn=federated_user_arn(session.account_id, name),
            user_id=f"{session.account_id}:{name}",
            access_key_id=session.access_key_id,
            user=user,
            session_name=name,
            session=session,
        )
    # A role deleted (or deleted and re-created) since the session began: the session keeps its identity
    # but no role policies apply any more, so every authorized call is denied.
    role = tx.roles.find_by_id(session.principal_id)
    return Caller(
        account_id=session.account_id,
        kind="role_session",
        arn=assumed_role_arn(session.principal_arn, name),
        user_id=f"{session.principal_id}:{name}",
        access_key_id=session.access_key_id,
        role=role,
        session_name=name,
        session=session,
    )
