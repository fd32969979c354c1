"""What every repository shares: the transaction's connection, the quotas, and error translation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Executable, Table, exists, select
from sqlalchemy.exc import IntegrityError

from iamd.errors import DeleteConflict, EntityAlreadyExists, NoSuchEntity
from iamd.model import Arn, iam_arn
from iamd.store import quota_usage
from iamd.store.quotas import Quotas, quota_exceeded
from iamd.store.violations import Violation, attempt, classify

# (a dependent table's column that refers to the entity, AWS's DeleteConflict message)
Dependent = tuple[Column[str], str]
T = TypeVar("T")


class Repository:
    """Base of the repositories; each works inside one transaction, on its connection."""

    def __init__(self, connection: Connection, quotas: Quotas) -> None:
        self.connection = connection
        self.quotas = quotas

    def _insert(
        self,
        statement: Executable,
        parameters: Mapping[str, Any] | None = None,
        *,
        exists_message: str,
        missing_message: str,
    ) -> None:
        """Insert (or update); a duplicate key becomes EntityAlreadyExists, a missing parent NoSuchEntity.

        Hot inserts pass a bare ``table.insert()`` and the row as ``parameters``: building ``.values()``
        statements anew costs more than SQLite's work."""
        outcome = attempt(self.connection, statement, parameters)
        if isinstance(outcome, IntegrityError):
            kind = classify(outcome)
            if kind is Violation.UNIQUE:
                raise EntityAlreadyExists(exists_message) from None
            if kind is Violation.FOREIGN_KEY:
                raise NoSuchEntity(missing_message) from None
            raise outcome

    def _delete(self, statement: Executable, entity_id: str, dependents: Sequence[Dependent]) -> int:
        """Delete; when a RESTRICT foreign key refuses, say which dependent is in the way, as AWS does.

        The database decides (no check-then-act); the query afterwards only picks the message.
        """
        outcome = attempt(self.connection, statement)
        if isinstance(outcome, int):
            return outcome
        if classify(outcome) is not Violation.FOREIGN_KEY:
            raise outcome
        for column, message in dependents:
            if self.connection.execute(select(exists().where(column == entity_id))).scalar():
                raise DeleteConflict(message) from None
        raise DeleteConflict("Cannot delete entity, it is still in use.") from None

    def _take_quota(self, scope_id: str, quota: str, count: int = 1) -> None:
        if not quota_usage.take(self.connection, scope_id, quota, getattr(self.quotas, quota), count):
            raise quota_exceeded(self.quotas, quota)

    def _give_back_quota(self, scope_id: str, quota: str, count: int = 1) -> None:
        quota_usage.give_back(self.connection, scope_id, quota, count)


def column_positions(table: Table) -> dict[str, int]:
    """Where each column of ``select(table, ...)`` sits in a result row.

    Converters read rows by position (``tuple(row)[i]``): attribute access on SQLAlchemy rows costs
    more than a microsecond per field, which dominates a 100-item list page.
    """
    return {column.name: index for index, column in enumerate(table.columns)}


def rename_arn(old_arn: str, account_id: str, kind: str, path: str, name: str) -> str:
    """The ARN after UpdateUser/UpdateGroup changes the name or path (same partition)."""
    return iam_arn(account_id, kind, path, name, Arn.parse(old_arn).partition)


def require_found(value: T | None, message: str) -> T:
    if value is None:
        raise NoSuchEntity(message)
    return value
