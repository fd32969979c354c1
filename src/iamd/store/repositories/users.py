"""IAM users: create, read, rename/move, delete (refused while anything still hangs on the user), tags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, select, update

from iamd.errors import NoSuchEntity
from iamd.model import Tag, User
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page, path_prefix_filter
from iamd.store.repositories.base import Dependent, Repository, column_positions, rename_arn
from iamd.store.repositories.policies import boundary_policy_id
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import (
    access_keys,
    group_members,
    login_profiles,
    mfa_devices,
    user_attached_policies,
    user_inline_policies,
    user_tags,
    users,
)

# What DeleteUser requires gone first, in the order AWS reports it
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html).
USER_DEPENDENTS: tuple[Dependent, ...] = (
    (login_profiles.c.user_id, "Cannot delete entity, must delete login profile first."),
    (access_keys.c.user_id, "Cannot delete entity, must delete access keys first."),
    (mfa_devices.c.user_id, "Cannot delete entity, must delete MFA device first."),
    (user_inline_policies.c.owner_id, "Cannot delete entity, must delete policies first."),
    (user_attached_policies.c.owner_id, "Cannot delete entity, must detach all policies first."),
    (group_members.c.user_id, "Cannot delete entity, must remove users from group first."),
)


# Prebuilt: GetUser/GetRole and authorization are hot paths.
def _with_tags(*conditions: Any) -> Select[Any]:
    """A user and its tags in one round trip: the LEFT JOIN gives a row per tag, or one row without."""
    return (
        select(users, user_tags.c.key.label("tag_key"), user_tags.c.value.label("tag_value"))
        .outerjoin(user_tags, user_tags.c.owner_id == users.c.id)
        .where(*conditions)
        .order_by(user_tags.c.key_lower)
    )


_BY_NAME = _with_tags(
    users.c.account_id == bindparam("account_id"), users.c.name_lower == bindparam("name_lower")
)
_BY_ID = _with_tags(users.c.id == bindparam("id"))


def _one_with_tags(rows: Sequence[Row[Any]]) -> User | None:
    if not rows:
        return None
    return to_user(rows[0], tuple(Tag(r.tag_key, r.tag_value) for r in rows if r.tag_key is not None))


def not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The user with name {name} cannot be found.")


_USER = column_positions(users)


def to_user(row: Row[Any], tags: tuple[Tag, ...] = ()) -> User:
    v = tuple(row)
    return User(
        account_id=v[_USER["account_id"]],
        id=v[_USER["id"]],
        name=v[_USER["name"]],
        path=v[_USER["path"]],
        arn=v[_USER["arn"]],
        created=v[_USER["created"]],
        permissions_boundary_arn=v[_USER["permissions_boundary_arn"]],
        password_last_used=v[_USER["password_last_used"]],
        tags=tags,
    )


class Users(Repository):
    def create(self, user: User) -> User:
        """Insert ``user`` (id, ARN and date chosen by the caller) with its tags."""
        self._insert(
            users.insert(),
            {
                "id": user.id,
                "account_id": user.account_id,
                "name": user.name,
                "name_lower": user.name.lower(),
                "path": user.path,
                "arn": user.arn,
                "created": user.created,
                "permissions_boundary_arn": user.permissions_boundary_arn,
                "permissions_boundary_policy_id": boundary_policy_id(
                    self.connection, user.permissions_boundary_arn
                ),
                "password_last_used": user.password_last_used,
            },
            exists_message=f"User with name {user.name} already exists.",
            missing_message=f"The account {user.account_id} cannot be found.",
        )
        self._take_quota(user.account_id, "users_per_account")
        add_tags(self.connection, self.quotas, user_tags, user.id, user.tags)
        return user

    def find(self, account_id: str, name: str) -> User | None:
        rows = self.connection.execute(_BY_NAME, {"account_id": account_id, "name_lower": name.lower()}).all()
        return _one_with_tags(rows)

    def get(self, account_id: str, name: str) -> User:
        """GetUser; NoSuchEntity with AWS's message when there is no such user."""
        user = self.find(account_id, name)
        if user is None:
            raise not_found(name)
        return user

    def find_by_id(self, user_id: str) -> User | None:
        return _one_with_tags(self.connection.execute(_BY_ID, {"id": user_id}).all())

    def list(
        self,
        account_id: str,
        *,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[User]:
        """ListUsers: by name, case-insensitively; like AWS, without tags."""
        statement = select(users).where(
            users.c.account_id == account_id, path_prefix_filter(users.c.path, path_prefix)
        )
        return fetch_page(
            self.connection, statement, users.c.name_lower, to_user, marker=marker, max_items=max_items
        )

    def update(
        self, account_id: str, name: str, *, new_name: str | None = None, new_path: str | None = None
    ) -> User:
        """UpdateUser: rename and/or move; the ARN follows. EntityAlreadyExists when the new name is taken."""
        current = self.get(account_id, name)
        name_after = new_name if new_name is not None else current.name
        path_after = new_path if new_path is not None else current.path
        arn_after = rename_arn(current.arn, account_id, "user", path_after, name_after)
        self._insert(
            update(users)
            .where(users.c.id == current.id)
            .values(name=name_after, name_lower=name_after.lower(), path=path_after, arn=arn_after),
            exists_message=f"User with name {name_after} already exists.",
            missing_message="",
        )
        return self.get(account_id, name_after)

    def delete(self, account_id: str, name: str) -> None:
        """DeleteUser; DeleteConflict while keys, password, MFA, policies or group memberships remain."""
        current = self.get(account_id, name)
        self._delete(delete(users).where(users.c.id == current.id), current.id, USER_DEPENDENTS)
        self._give_back_quota(account_id, "users_per_account")
        quota_usage.forget(self.connection, current.id)

    def set_permissions_boundary(self, account_id: str, name: str, policy_arn: str | None) -> None:
        """PutUserPermissionsBoundary (an ARN) and DeleteUserPermissionsBoundary (``None``)."""
        current = self.get(account_id, name)
        self.connection.execute(
            update(users)
            .where(users.c.id == current.id)
            .values(
                permissions_boundary_arn=policy_arn,
                permissions_boundary_policy_id=boundary_policy_id(self.connection, policy_arn),
            )
        )

    def record_password_use(self, user_id: str, at: datetime) -> None:
        self.connection.execute(update(users).where(users.c.id == user_id).values(password_last_used=at))

    def tag(self, account_id: str, name: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, user_tags, self.get(account_id, name).id, tags)

    def untag(self, account_id: str, name: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, user_tags, self.get(account_id, name).id, keys)

    def list_tags(self, account_id: str, name: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, user_tags, self.get(account_id, name).id)
