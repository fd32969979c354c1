"""Inline policies embedded in users, groups and roles.

AWS limits the aggregate size of a principal's inline policies (2,048 / 5,120 / 10,240 non-whitespace
characters for users / groups / roles). The check runs under the owner's row lock (SELECT ... FOR UPDATE
on PostgreSQL; SQLite has one writer), so two concurrent PutUserPolicy calls cannot both squeeze in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Table, delete, select, update

from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.model import InlinePolicy, PrincipalKind
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page
from iamd.store.quotas import non_whitespace_length
from iamd.store.repositories.base import Repository
from iamd.store.schema import (
    group_inline_policies,
    groups,
    role_inline_policies,
    roles,
    user_inline_policies,
    users,
)

TABLES: dict[PrincipalKind, tuple[Table, Table]] = {
    PrincipalKind.USER: (user_inline_policies, users),
    PrincipalKind.GROUP: (group_inline_policies, groups),
    PrincipalKind.ROLE: (role_inline_policies, roles),
}
SIZE_QUOTAS: dict[PrincipalKind, str] = {
    PrincipalKind.USER: "user_inline_policy_size",
    PrincipalKind.GROUP: "group_inline_policy_size",
    PrincipalKind.ROLE: "role_inline_policy_size",
}


def not_found(kind: PrincipalKind, name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The {kind.value} policy with name {name} cannot be found.")


class InlinePolicies(Repository):
    def put(self, kind: PrincipalKind, owner_id: str, name: str, document: str) -> None:
        """Put{User,Group,Role}Policy: create or replace; LimitExceeded past the aggregate size quota."""
        table, owners = TABLES[kind]
        owner = self.connection.execute(
            select(owners.c.name).where(owners.c.id == owner_id).with_for_update()
        ).first()
        if owner is None:
            raise NoSuchEntity(f"The {kind.value} with id {owner_id} cannot be found.")
        replaced = self.connection.execute(
            update(table).where(table.c.owner_id == owner_id, table.c.name == name).values(document=document)
        ).rowcount
        if not replaced:
            self.connection.execute(table.insert().values(owner_id=owner_id, name=name, document=document))
        documents = self.connection.execute(
            select(table.c.document).where(table.c.owner_id == owner_id)
        ).scalars()
        limit: int = getattr(self.quotas, SIZE_QUOTAS[kind])
        if sum(non_whitespace_length(text) for text in documents) > limit:
            raise LimitExceeded(
                f"Maximum policy size of {limit} bytes exceeded for {kind.value} {owner.name}"
            )

    def get(self, kind: PrincipalKind, owner_id: str, name: str) -> InlinePolicy:
        table, _ = TABLES[kind]
        document = self.connection.execute(
            select(table.c.document).where(table.c.owner_id == owner_id, table.c.name == name)
        ).scalar_one_or_none()
        if document is None:
            raise not_found(kind, name)
        return InlinePolicy(owner_kind=kind, owner_id=owner_id, name=name, document=document)

    def delete(self, kind: PrincipalKind, owner_id: str, name: str) -> None:
        table, _ = TABLES[kind]
        removed = self.connection.execute(
            delete(table).where(table.c.owner_id == owner_id, table.c.name == name)
        ).rowcount
        if not removed:
            raise not_found(kind, name)

    def names(
        self,
        kind: PrincipalKind,
        owner_id: str,
        *,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[str]:
        """List{User,Group,Role}Policies: the names, in order."""
        table, _ = TABLES[kind]

        def name_of(row: Row[Any]) -> str:
            return str(row.name)

        statement = select(table.c.name).where(table.c.owner_id == owner_id)
        return fetch_page(
            self.connection, statement, table.c.name, name_of, marker=marker, max_items=max_items
        )

    def all_for(self, kind: PrincipalKind, owner_ids: Sequence[str]) -> tuple[InlinePolicy, ...]:
        """Every inline policy of these principals (for authorization), by owner and name."""
        table, _ = TABLES[kind]
        if not owner_ids:
            return ()
        rows = self.connection.execute(
            select(table)
            .where(table.c.owner_id.in_(list(owner_ids)))
            .order_by(table.c.owner_id, table.c.name)
        )
        return tuple(
            InlinePolicy(owner_kind=kind, owner_id=row.owner_id, name=row.name, document=row.document)
            for row in rows
        )
