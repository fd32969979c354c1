"""Managed policies attached to users, groups and roles (customer managed and AWS managed alike).

An attachment to a customer managed policy carries its id under a RESTRICT foreign key, so DeletePolicy
is refused while attached; AWS managed policies (``arn:aws:iam::aws:policy/...``) live in the catalog and
are referenced by ARN only. The PoliciesPer{User,Group,Role} quotas are counters (``quota_usage``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, delete, func, select

from iamd.errors import NoSuchEntity
from iamd.model import Arn, AttachedPolicy, PolicyEntities, PrincipalKind
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page
from iamd.store.repositories.base import Repository
from iamd.store.repositories.groups import to_group
from iamd.store.repositories.policies import not_found as policy_not_found
from iamd.store.repositories.roles import to_role
from iamd.store.repositories.users import to_user
from iamd.store.schema import (
    group_attached_policies,
    groups,
    managed_policies,
    role_attached_policies,
    roles,
    user_attached_policies,
    users,
)
from iamd.store.violations import Violation, attempt, classify

TABLES: dict[PrincipalKind, Table] = {
    PrincipalKind.USER: user_attached_policies,
    PrincipalKind.GROUP: group_attached_policies,
    PrincipalKind.ROLE: role_attached_policies,
}
QUOTAS: dict[PrincipalKind, str] = {
    PrincipalKind.USER: "attached_policies_per_user",
    PrincipalKind.GROUP: "attached_policies_per_group",
    PrincipalKind.ROLE: "attached_policies_per_role",
}


def _attached(row: Row[Any]) -> AttachedPolicy:
    return AttachedPolicy(arn=row.policy_arn)


class Attachments(Repository):
    def attach(self, kind: PrincipalKind, owner_id: str, policy_arn: str, at: datetime) -> None:
        """Attach{User,Group,Role}Policy. Attaching again is a no-op, as in AWS.

        The caller checks that an AWS managed ARN exists in the catalog; customer managed ones are
        checked here (NoSuchEntity).
        """
        policy_id = self.connection.execute(
            select(managed_policies.c.id).where(managed_policies.c.arn == policy_arn)
        ).scalar_one_or_none()
        if policy_id is None and Arn.parse(policy_arn).account != "aws":
            raise policy_not_found(policy_arn)
        table = TABLES[kind]
        outcome = attempt(
            self.connection,
            table.insert().values(owner_id=owner_id, policy_arn=policy_arn, policy_id=policy_id, attached=at),
        )
        if isinstance(outcome, int):
            self._take_quota(owner_id, QUOTAS[kind])
            return
        violation = classify(outcome)
        if violation is Violation.UNIQUE:
            return
        if violation is Violation.FOREIGN_KEY:  # the principal or the policy went away meanwhile
            raise NoSuchEntity(f"The {kind.value} or policy {policy_arn} cannot be found.") from None
        raise outcome

    def detach(self, kind: PrincipalKind, owner_id: str, policy_arn: str) -> None:
        """Detach{User,Group,Role}Policy; NoSuchEntity when it is not attached."""
        table = TABLES[kind]
        removed = self.connection.execute(
            delete(table).where(table.c.owner_id == owner_id, table.c.policy_arn == policy_arn)
        ).rowcount
        if not removed:
            raise NoSuchEntity(f"Policy {policy_arn} was not found.")
        self._give_back_quota(owner_id, QUOTAS[kind])

    def list(
        self,
        kind: PrincipalKind,
        owner_id: str,
        *,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AttachedPolicy]:
        """ListAttached{User,Group,Role}Policies, ordered by ARN."""
        table = TABLES[kind]
        statement = select(table.c.policy_arn).where(table.c.owner_id == owner_id)
        return fetch_page(
            self.connection, statement, table.c.policy_arn, _attached, marker=marker, max_items=max_items
        )

    def arns(self, kind: PrincipalKind, owner_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Every attached policy ARN per principal (for authorization: a user and all its groups at once)."""
        table = TABLES[kind]
        found: dict[str, list[str]] = {owner_id: [] for owner_id in owner_ids}
        if owner_ids:
            rows = self.connection.execute(
                select(table.c.owner_id, table.c.policy_arn)
                .where(table.c.owner_id.in_(list(owner_ids)))
                .order_by(table.c.policy_arn)
            )
            for row in rows:
                found[row.owner_id].append(row.policy_arn)
        return {owner_id: tuple(arns) for owner_id, arns in found.items()}

    def count(self, policy_arn: str) -> int:
        """AttachmentCount of any managed policy, AWS managed ones included."""
        return sum(
            int(
                self.connection.execute(
                    select(func.count()).select_from(table).where(table.c.policy_arn == policy_arn)
                ).scalar_one()
            )
            for table in TABLES.values()
        )

    def entities(self, policy_arn: str) -> PolicyEntities:
        """ListEntitiesForPolicy: the users, groups and roles it is attached to, each by name."""

        def attached_to(entity: Table, kind: PrincipalKind) -> Any:
            link = TABLES[kind]
            return (
                select(entity)
                .join(link, link.c.owner_id == entity.c.id)
                .where(link.c.policy_arn == policy_arn)
                .order_by(entity.c.name_lower)
            )

        return PolicyEntities(
            users=tuple(
                to_user(row) for row in self.connection.execute(attached_to(users, PrincipalKind.USER))
            ),
            groups=tuple(
                to_group(row) for row in self.connection.execute(attached_to(groups, PrincipalKind.GROUP))
            ),
            roles=tuple(
                to_role(row) for row in self.connection.execute(attached_to(roles, PrincipalKind.ROLE))
            ),
        )

    def boundary_entities(self, policy_arn: str) -> PolicyEntities:
        """ListEntitiesForPolicy with PolicyUsageFilter=PermissionsBoundary: the users and roles whose
        permissions boundary is this policy, each by name (groups have no boundary)."""

        def bounded(entity: Table) -> Any:
            return (
                select(entity)
                .where(entity.c.permissions_boundary_arn == policy_arn)
                .order_by(entity.c.name_lower)
            )

        return PolicyEntities(
            users=tuple(to_user(row) for row in self.connection.execute(bounded(users))),
            roles=tuple(to_role(row) for row in self.connection.execute(bounded(roles))),
        )
