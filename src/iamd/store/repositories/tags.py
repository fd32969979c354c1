"""Tags of any taggable entity; each entity kind has its own ``*_tags`` table (rows go with the owner).

IAM tag keys are unique per resource regardless of case: tagging with ``Env`` when ``env`` exists
replaces that tag. The TagsPerResource quota counts keys; only keys new to the resource take from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from iamd.model import Tag
from iamd.store import quota_usage
from iamd.store.quotas import Quotas, quota_exceeded
from iamd.store.violations import Violation, attempt, classify

TAGS_QUOTA = "tags_per_resource"


# Hot paths (GetUser, authorization) run prebuilt statements: building and hashing a fresh statement
# per call costs more than the SQLite query itself.
_LIST_STATEMENTS: dict[str, Select[Any]] = {}


def list_tags(connection: Connection, table: Table, owner_id: str) -> tuple[Tag, ...]:
    statement = _LIST_STATEMENTS.get(table.name)
    if statement is None:
        statement = _LIST_STATEMENTS[table.name] = (
            select(table.c.key, table.c.value)
            .where(table.c.owner_id == bindparam("owner_id"))
            .order_by(table.c.key_lower)
        )
    rows = connection.execute(statement, {"owner_id": owner_id})
    return tuple(Tag(row.key, row.value) for row in rows)


def _update(connection: Connection, table: Table, owner_id: str, tag: Tag) -> bool:
    result = connection.execute(
        update(table)
        .where(table.c.owner_id == owner_id, table.c.key_lower == tag.key.lower())
        .values(key=tag.key, value=tag.value)
    )
    return result.rowcount == 1


def add_tags(
    connection: Connection, quotas: Quotas, table: Table, owner_id: str, tags: Iterable[Tag]
) -> None:
    """Add or replace tags; LimitExceeded when the resource would carry more than the quota."""
    added = 0
    for tag in tags:
        if _update(connection, table, owner_id, tag):
            continue
        row = {"owner_id": owner_id, "key": tag.key, "key_lower": tag.key.lower(), "value": tag.value}
        outcome = attempt(connection, table.insert().values(row))
        if isinstance(outcome, IntegrityError):
            if classify(outcome) is not Violation.UNIQUE:
                raise outcome
            _update(connection, table, owner_id, tag)  # a concurrent tagger inserted it first
        else:
            added += 1
    if added and not quota_usage.take(connection, owner_id, TAGS_QUOTA, quotas.tags_per_resource, added):
        raise quota_exceeded(quotas, TAGS_QUOTA)


def remove_tags(connection: Connection, table: Table, owner_id: str, keys: Sequence[str]) -> None:
    """Remove the tags with these keys (case-insensitively); absent keys are ignored, as in AWS."""
    lowered = sorted({key.lower() for key in keys})
    if not lowered:
        return
    result = connection.execute(
        delete(table).where(table.c.owner_id == owner_id, table.c.key_lower.in_(lowered))
    )
    if result.rowcount:
        quota_usage.give_back(connection, owner_id, TAGS_QUOTA, result.rowcount)
