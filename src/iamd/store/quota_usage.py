"""Quota counters that the database keeps honest under concurrency.

``take`` raises a counter with ``UPDATE ... SET used = used + 1 WHERE used < limit``: the row lock makes
concurrent takers wait on PostgreSQL and re-check the condition, and SQLite runs one writer at a time, so
the limit holds without any check-then-act in Python. Every repository that creates a counted entity
takes, and every delete gives back, in the same transaction as the insert or delete.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from iamd.store.schema import quota_usage

# Prebuilt statements: these run in every create and delete.
_ENSURE = {
    "postgresql": postgresql.insert(quota_usage).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(quota_usage).on_conflict_do_nothing(),
}
_TAKE = (
    update(quota_usage)
    .where(
        quota_usage.c.scope_id == bindparam("scope"),
        quota_usage.c.kind == bindparam("quota"),
        quota_usage.c.used + bindparam("count") <= bindparam("limit"),
    )
    .values(used=quota_usage.c.used + bindparam("count"))
)
_GIVE_BACK = (
    update(quota_usage)
    .where(quota_usage.c.scope_id == bindparam("scope"), quota_usage.c.kind == bindparam("quota"))
    .values(used=quota_usage.c.used - bindparam("count"))
)


def take(connection: Connection, scope_id: str, kind: str, limit: int, count: int = 1) -> bool:
    """Count ``count`` more against the quota; False (and nothing counted) when it would exceed ``limit``."""
    connection.execute(_ENSURE[connection.dialect.name], {"scope_id": scope_id, "kind": kind, "used": 0})
    result = connection.execute(_TAKE, {"scope": scope_id, "quota": kind, "count": count, "limit": limit})
    return result.rowcount == 1


def give_back(connection: Connection, scope_id: str, kind: str, count: int = 1) -> None:
    connection.execute(_GIVE_BACK, {"scope": scope_id, "quota": kind, "count": count})


def used(connection: Connection, scope_id: str, kind: str) -> int:
    value = connection.execute(
        select(quota_usage.c.used).where(quota_usage.c.scope_id == scope_id, quota_usage.c.kind == kind)
    ).scalar_one_or_none()
    return value or 0


def forget(connection: Connection, scope_id: str) -> None:
    """Drop the counters of an entity that no longer exists."""
    connection.execute(delete(quota_usage).where(quota_usage.c.scope_id == scope_id))
