"""Quota counters that the database keeps honest under concurrency.

``take`` raises a counter with ``UPDATE ... SET used = used + 1 WHERE used < limit``: the row lock makes
concurrent takers wait on PostgreSQL and re-check the condition, and SQLite runs one writer at a time, so
the limit holds without any check-then-act in Python. Every repository that creates a counted entity
takes, and every delete gives back, in the same transaction as the insert or delete.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from iamd.store.schema import quota_usage


def _ensure_row(connection: Connection, scope_id: str, kind: str) -> None:
    values = {"scope_id": scope_id, "kind": kind, "used": 0}
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql.insert(quota_usage).values(values).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(quota_usage).values(values).on_conflict_do_nothing())


def take(connection: Connection, scope_id: str, kind: str, limit: int, count: int = 1) -> bool:
    """Count ``count`` more against the quota; False (and nothing counted) when it would exceed ``limit``."""
    _ensure_row(connection, scope_id, kind)
    result = connection.execute(
        update(quota_usage)
        .where(
            quota_usage.c.scope_id == scope_id,
            quota_usage.c.kind == kind,
            quota_usage.c.used + count <= limit,
        )
        .values(used=quota_usage.c.used + count)
    )
    return result.rowcount == 1


def give_back(connection: Connection, scope_id: str, kind: str, count: int = 1) -> None:
    connection.execute(
        update(quota_usage)
        .where(quota_usage.c.scope_id == scope_id, quota_usage.c.kind == kind)
        .values(used=quota_usage.c.used - count)
    )


def used(connection: Connection, scope_id: str, kind: str) -> int:
    value = connection.execute(
        select(quota_usage.c.used).where(quota_usage.c.scope_id == scope_id, quota_usage.c.kind == kind)
    ).scalar_one_or_none()
    return value or 0


def forget(connection: Connection, scope_id: str) -> None:
    """Drop the counters of an entity that no longer exists."""
    connection.execute(delete(quota_usage).where(quota_usage.c.scope_id == scope_id))
