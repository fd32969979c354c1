"""IAM groups and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from iamd.errors import NoSuchEntity
from iamd.model import Group, User
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page, path_prefix_filter
from iamd.store.repositories.base import Dependent, Repository, column_positions, rename_arn
from iamd.store.repositories.users import to_user
from iamd.store.schema import group_attached_policies, group_inline_policies, group_members, groups, users
from iamd.store.violations import Violation, attempt, classify

# What DeleteGroup requires gone first (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html).
GROUP_DEPENDENTS: tuple[Dependent, ...] = (
    (group_members.c.group_id, "Cannot delete entity, must remove users from group first."),
    (group_inline_policies.c.owner_id, "Cannot delete entity, must delete policies first."),
    (group_attached_policies.c.owner_id, "Cannot delete entity, must detach all policies first."),
)


def not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The group with name {name} cannot be found.")


_GROUP = column_positions(groups)


def to_group(row: Row[Any]) -> Group:
    v = tuple(row)
    return Group(
        account_id=v[_GROUP["account_id"]],
        id=v[_GROUP["id"]],
        name=v[_GROUP["name"]],
        path=v[_GROUP["path"]],
        arn=v[_GROUP["arn"]],
        created=v[_GROUP["created"]],
    )


class Groups(Repository):
    def create(self, group: Group) -> Group:
        self._insert(
            groups.insert(),
            {
                "id": group.id,
                "account_id": group.account_id,
                "name": group.name,
                "name_lower": group.name.lower(),
                "path": group.path,
                "arn": group.arn,
                "created": group.created,
            },
            exists_message=f"Group with name {group.name} already exists.",
            missing_message=f"The account {group.account_id} cannot be found.",
        )
        self._take_quota(group.account_id, "groups_per_account")
        return group

    def find(self, account_id: str, name: str) -> Group | None:
        row = self.connection.execute(
            select(groups).where(groups.c.account_id == account_id, groups.c.name_lower == name.lower())
        ).first()
        return None if row is None else to_group(row)

    def get(self, account_id: str, name: str) -> Group:
        group = self.find(account_id, name)
        if group is None:
            raise not_found(name)
        return group

    def list(
        self,
        account_id: str,
        *,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Group]:
        statement = select(groups).where(
            groups.c.account_id == account_id, path_prefix_filter(groups.c.path, path_prefix)
        )
        return fetch_page(
            self.connection, statement, groups.c.name_lower, to_group, marker=marker, max_items=max_items
        )

    def update(
        self, account_id: str, name: str, *, new_name: str | None = None, new_path: str | None = None
    ) -> Group:
        current = self.get(account_id, name)
        name_after = new_name if new_name is not None else current.name
        path_after = new_path if new_path is not None else current.path
        self._insert(
            update(groups)
            .where(groups.c.id == current.id)
            .values(
                name=name_after,
                name_lower=name_after.lower(),
                path=path_after,
                arn=rename_arn(current.arn, account_id, "group", path_after, name_after),
            ),
            exists_message=f"Group with name {name_after} already exists.",
            missing_message="",
        )
        return self.get(account_id, name_after)

    def delete(self, account_id: str, name: str) -> None:
        """DeleteGroup; DeleteConflict while it has members, inline or attached policies."""
        current = self.get(account_id, name)
        self._delete(delete(groups).where(groups.c.id == current.id), current.id, GROUP_DEPENDENTS)
        self._give_back_quota(account_id, "groups_per_account")
        quota_usage.forget(self.connection, current.id)

    def add_user(self, group: Group, user: User, at: datetime) -> None:
        """AddUserToGroup; adding a member again is a no-op, as in AWS; LimitExceeded past GroupsPerUser."""
        outcome = attempt(
            self.connection, group_members.insert().values(group_id=group.id, user_id=user.id, added=at)
        )
        if isinstance(outcome, int):
            self._take_quota(user.id, "groups_per_user")
            return
        if classify(outcome) is Violation.UNIQUE:
            return
        if classify(outcome) is Violation.FOREIGN_KEY:
            raise NoSuchEntity(f"The user with name {user.name} cannot be found.") from None
        raise outcome

    def remove_user(self, group: Group, user: User) -> None:
        """RemoveUserFromGroup; NoSuchEntity when the user is not a member."""
        removed = self.connection.execute(
            delete(group_members).where(
                group_members.c.group_id == group.id, group_members.c.user_id == user.id
            )
        ).rowcount
        if not removed:
            raise NoSuchEntity(f"The user with name {user.name} cannot be found.")
        self._give_back_quota(user.id, "groups_per_user")

    def members(
        self, group: Group, *, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[User]:
        """GetGroup's member list, by user name."""
        statement = (
            select(users)
            .join(group_members, group_members.c.user_id == users.c.id)
            .where(group_members.c.group_id == group.id)
        )
        return fetch_page(
            self.connection, statement, users.c.name_lower, to_user, marker=marker, max_items=max_items
        )

    def for_user(
        self, user: User, *, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[Group]:
        """ListGroupsForUser, by group name."""
        statement = (
            select(groups)
            .join(group_members, group_members.c.group_id == groups.c.id)
            .where(group_members.c.user_id == user.id)
        )
        return fetch_page(
            self.connection, statement, groups.c.name_lower, to_group, marker=marker, max_items=max_items
        )
