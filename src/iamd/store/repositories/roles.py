"""IAM roles: trust policy, session duration, description, boundary, last use, tags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, select, update

from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.model import Role, RoleLastUsed, Tag
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page, path_prefix_filter
from iamd.store.quotas import non_whitespace_length
from iamd.store.repositories.base import Dependent, Repository, column_positions
from iamd.store.repositories.policies import boundary_policy_id
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import (
    instance_profile_roles,
    role_attached_policies,
    role_inline_policies,
    role_tags,
    roles,
)

# What DeleteRole requires gone first (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html).
ROLE_DEPENDENTS: tuple[Dependent, ...] = (
    (
        instance_profile_roles.c.role_id,
        "Cannot delete entity, must remove roles from instance profile first.",
    ),
    (role_inline_policies.c.owner_id, "Cannot delete entity, must delete policies first."),
    (role_attached_policies.c.owner_id, "Cannot delete entity, must detach all policies first."),
)


# Prebuilt: GetUser/GetRole and authorization are hot paths.
_BY_NAME = select(roles).where(
    roles.c.account_id == bindparam("account_id"), roles.c.name_lower == bindparam("name_lower")
)
_BY_ID = select(roles).where(roles.c.id == bindparam("id"))


def not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role with name {name} cannot be found.")


_ROLE = column_positions(roles)


def to_role(row: Row[Any], tags: tuple[Tag, ...] = ()) -> Role:
    v = tuple(row)
    last_used = None
    if v[_ROLE["last_used_date"]] is not None:
        last_used = RoleLastUsed(date=v[_ROLE["last_used_date"]], region=v[_ROLE["last_used_region"]] or "")
    return Role(
        account_id=v[_ROLE["account_id"]],
        id=v[_ROLE["id"]],
        name=v[_ROLE["name"]],
        path=v[_ROLE["path"]],
        arn=v[_ROLE["arn"]],
        created=v[_ROLE["created"]],
        assume_role_policy_document=v[_ROLE["assume_role_policy_document"]],
        description=v[_ROLE["description"]],
        max_session_duration=v[_ROLE["max_session_duration"]],
        permissions_boundary_arn=v[_ROLE["permissions_boundary_arn"]],
        last_used=last_used,
        tags=tags,
    )


class Roles(Repository):
    def _check_trust_policy_size(self, document: str) -> None:
        """LimitExceeded for a trust policy over the ACLSizePerRole quota (non-whitespace characters,
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""
        limit = self.quotas.assume_role_policy_size
        if non_whitespace_length(document) > limit:
            raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {limit}")

    def create(self, role: Role) -> Role:
        self._check_trust_policy_size(role.assume_role_policy_document)
        self._insert(
            roles.insert(),
            {
                "id": role.id,
                "account_id": role.account_id,
                "name": role.name,
                "name_lower": role.name.lower(),
                "path": role.path,
                "arn": role.arn,
                "created": role.created,
                "assume_role_policy_document": role.assume_role_policy_document,
                "description": role.description,
                "max_session_duration": role.max_session_duration,
                "permissions_boundary_arn": role.permissions_boundary_arn,
                "permissions_boundary_policy_id": boundary_policy_id(
                    self.connection, role.permissions_boundary_arn
                ),
            },
            exists_message=f"Role with name {role.name} already exists.",
            missing_message=f"The account {role.account_id} cannot be found.",
        )
        self._take_quota(role.account_id, "roles_per_account")
        add_tags(self.connection, self.quotas, role_tags, role.id, role.tags)
        return role

    def find(self, account_id: str, name: str) -> Role | None:
        row = self.connection.execute(
            _BY_NAME, {"account_id": account_id, "name_lower": name.lower()}
        ).first()
        return None if row is None else to_role(row, list_tags(self.connection, role_tags, row.id))

    def get(self, account_id: str, name: str) -> Role:
        role = self.find(account_id, name)
        if role is None:
            raise not_found(name)
        return role

    def find_by_id(self, role_id: str) -> Role | None:
        row = self.connection.execute(_BY_ID, {"id": role_id}).first()
        return None if row is None else to_role(row, list_tags(self.connection, role_tags, row.id))

    def list(
        self,
        account_id: str,
        *,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Role]:
        """ListRoles, by name; like AWS, without tags."""
        statement = select(roles).where(
            roles.c.account_id == account_id, path_prefix_filter(roles.c.path, path_prefix)
        )
        return fetch_page(
            self.connection, statement, roles.c.name_lower, to_role, marker=marker, max_items=max_items
        )

    def _update(self, account_id: str, name: str, values: dict[str, Any]) -> Role:
        current = self.get(account_id, name)
        if values:
            self.connection.execute(update(roles).where(roles.c.id == current.id).values(values))
        return self.get(account_id, name)

    def update(
        self,
        account_id: str,
        name: str,
        *,
        description: str | None = None,
        max_session_duration: int | None = None,
    ) -> Role:
        """UpdateRole / UpdateRoleDescription: only the given fields change."""
        values: dict[str, Any] = {}
        if description is not None:
            values["description"] = description
        if max_session_duration is not None:
            values["max_session_duration"] = max_session_duration
        return self._update(account_id, name, values)

    def update_assume_role_policy(self, account_id: str, name: str, document: str) -> Role:
        self._check_trust_policy_size(document)
        return self._update(account_id, name, {"assume_role_policy_document": document})

    def set_permissions_boundary(self, account_id: str, name: str, policy_arn: str | None) -> Role:
        """PutRolePermissionsBoundary (an ARN) and DeleteRolePermissionsBoundary (``None``)."""
        return self._update(
            account_id,
            name,
            {
                "permissions_boundary_arn": policy_arn,
                "permissions_boundary_policy_id": boundary_policy_id(self.connection, policy_arn),
            },
        )

    def record_use(self, role_id: str, at: datetime, region: str) -> None:
        """RoleLastUsed, set when the role's credentials are used."""
        self.connection.execute(
            update(roles).where(roles.c.id == role_id).values(last_used_date=at, last_used_region=region)
        )

    def delete(self, account_id: str, name: str) -> None:
        """DeleteRole; DeleteConflict while in an instance profile or with inline or attached policies."""
        current = self.get(account_id, name)
        self._delete(delete(roles).where(roles.c.id == current.id), current.id, ROLE_DEPENDENTS)
        self._give_back_quota(account_id, "roles_per_account")
        quota_usage.forget(self.connection, current.id)

    def tag(self, account_id: str, name: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, role_tags, self.get(account_id, name).id, tags)

    def untag(self, account_id: str, name: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, role_tags, self.get(account_id, name).id, keys)

    def list_tags(self, account_id: str, name: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, role_tags, self.get(account_id, name).id)
