"""Instance profiles and the (at most one) role each carries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, select

from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.model import InstanceProfile, Role, Tag
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page, path_prefix_filter
from iamd.store.repositories.base import Dependent, Repository
from iamd.store.repositories.roles import to_role
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import instance_profile_roles, instance_profile_tags, instance_profiles, roles
from iamd.store.violations import Violation, attempt, classify

PROFILE_DEPENDENTS: tuple[Dependent, ...] = (
    (
        instance_profile_roles.c.instance_profile_id,
        "Cannot delete entity, must remove roles from instance profile first.",
    ),
)


def not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"Instance Profile {name} cannot be found.")


class InstanceProfiles(Repository):
    def _to_profile(self, row: Row[Any], tags: tuple[Tag, ...] = ()) -> InstanceProfile:
        role_rows = self.connection.execute(
            select(roles)
            .join(instance_profile_roles, instance_profile_roles.c.role_id == roles.c.id)
            .where(instance_profile_roles.c.instance_profile_id == row.id)
        )
        return InstanceProfile(
            account_id=row.account_id,
            id=row.id,
            name=row.name,
            path=row.path,
            arn=row.arn,
            created=row.created,
            roles=tuple(to_role(role_row) for role_row in role_rows),
            tags=tags,
        )

    def create(self, profile: InstanceProfile) -> InstanceProfile:
        self._insert(
            instance_profiles.insert().values(
                id=profile.id,
                account_id=profile.account_id,
                name=profile.name,
                name_lower=profile.name.lower(),
                path=profile.path,
                arn=profile.arn,
                created=profile.created,
            ),
            exists_message=f"Instance Profile {profile.name} already exists.",
            missing_message=f"The account {profile.account_id} cannot be found.",
        )
        self._take_quota(profile.account_id, "instance_profiles_per_account")
        add_tags(self.connection, self.quotas, instance_profile_tags, profile.id, profile.tags)
        return self.get(profile.account_id, profile.name)

    def find(self, account_id: str, name: str) -> InstanceProfile | None:
        row = self.connection.execute(
            select(instance_profiles).where(
                instance_profiles.c.account_id == account_id, instance_profiles.c.name_lower == name.lower()
            )
        ).first()
        if row is None:
            return None
        return self._to_profile(row, list_tags(self.connection, instance_profile_tags, row.id))

    def get(self, account_id: str, name: str) -> InstanceProfile:
        profile = self.find(account_id, name)
        if profile is None:
            raise not_found(name)
        return profile

    def list(
        self,
        account_id: str,
        *,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[InstanceProfile]:
        statement = select(instance_profiles).where(
            instance_profiles.c.account_id == account_id,
            path_prefix_filter(instance_profiles.c.path, path_prefix),
        )
        return fetch_page(
            self.connection,
            statement,
            instance_profiles.c.name_lower,
            self._to_profile,
            marker=marker,
            max_items=max_items,
        )

    def for_role(self, role: Role) -> tuple[InstanceProfile, ...]:
        """ListInstanceProfilesForRole (a role is in few profiles; not paginated here)."""
        rows = self.connection.execute(
            select(instance_profiles)
            .join(
                instance_profile_roles, instance_profile_roles.c.instance_profile_id == instance_profiles.c.id
            )
            .where(instance_profile_roles.c.role_id == role.id)
            .order_by(instance_profiles.c.name_lower)
        )
        return tuple(self._to_profile(row) for row in rows)

    def list_for_role(
        self, role: Role, *, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[InstanceProfile]:
        """ListInstanceProfilesForRole, by name, paginated as AWS does."""
        statement = (
            select(instance_profiles)
            .join(
                instance_profile_roles, instance_profile_roles.c.instance_profile_id == instance_profiles.c.id
            )
            .where(instance_profile_roles.c.role_id == role.id)
        )
        return fetch_page(
            self.connection,
            statement,
            instance_profiles.c.name_lower,
            self._to_profile,
            marker=marker,
            max_items=max_items,
        )

    def add_role(self, profile: InstanceProfile, role: Role) -> None:
        """AddRoleToInstanceProfile; LimitExceeded when the profile already has its one role."""
        outcome = attempt(
            self.connection,
            instance_profile_roles.insert().values(instance_profile_id=profile.id, role_id=role.id),
        )
        if isinstance(outcome, int):
            return
        violation = classify(outcome)
        if violation is Violation.UNIQUE:
            raise LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1") from None
        if violation is Violation.FOREIGN_KEY:
            raise NoSuchEntity(f"The role with name {role.name} cannot be found.") from None
        raise outcome

    def remove_role(self, profile: InstanceProfile, role: Role) -> None:
        removed = self.connection.execute(
            delete(instance_profile_roles).where(
                instance_profile_roles.c.instance_profile_id == profile.id,
                instance_profile_roles.c.role_id == role.id,
            )
        ).rowcount
        if not removed:
            raise NoSuchEntity(f"The role with name {role.name} cannot be found.")

    def delete(self, account_id: str, name: str) -> None:
        """DeleteInstanceProfile; DeleteConflict while it still carries a role."""
        current = self.get(account_id, name)
        self._delete(
            delete(instance_profiles).where(instance_profiles.c.id == current.id),
            current.id,
            PROFILE_DEPENDENTS,
        )
        self._give_back_quota(account_id, "instance_profiles_per_account")
        quota_usage.forget(self.connection, current.id)

    def tag(self, account_id: str, name: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, instance_profile_tags, self.get(account_id, name).id, tags)

    def untag(self, account_id: str, name: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, instance_profile_tags, self.get(account_id, name).id, keys)

    def list_tags(self, account_id: str, name: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, instance_profile_tags, self.get(account_id, name).id)
