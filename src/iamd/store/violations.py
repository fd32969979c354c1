"""Driver errors, read portably: which kind of constraint did the database refuse?

Repositories run each statement that may be refused inside a SAVEPOINT (PostgreSQL aborts the whole
transaction on an error otherwise), look at the kind of violation and raise the IamdError AWS would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.exc import IntegrityError


class Violation(Enum):
    UNIQUE = "unique"
    FOREIGN_KEY = "foreign key"
    CHECK = "check"
    NOT_NULL = "not null"
    OTHER = "other"


# PostgreSQL SQLSTATE codes (class 23, integrity constraint violation).
_POSTGRES = {
    "23505": Violation.UNIQUE,
    "23503": Violation.FOREIGN_KEY,
    "23514": Violation.CHECK,
    "23502": Violation.NOT_NULL,
}
# SQLite extended result codes (https://www.sqlite.org/rescode.html).
_SQLITE = {
    2067: Violation.UNIQUE,  # SQLITE_CONSTRAINT_UNIQUE
    1555: Violation.UNIQUE,  # SQLITE_CONSTRAINT_PRIMARYKEY
    787: Violation.FOREIGN_KEY,  # SQLITE_CONSTRAINT_FOREIGNKEY
    1811: Violation.FOREIGN_KEY,  # SQLITE_CONSTRAINT_TRIGGER: how ON DELETE RESTRICT refuses
    275: Violation.CHECK,  # SQLITE_CONSTRAINT_CHECK
    1299: Violation.NOT_NULL,  # SQLITE_CONSTRAINT_NOTNULL
}


def classify(error: IntegrityError) -> Violation:
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return _SQLITE.get(getattr(original, "sqlite_errorcode", -1), Violation.OTHER)
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _POSTGRES.get(sqlstate, Violation.OTHER)
    return Violation.OTHER


def attempt(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> int | IntegrityError:
    """Run ``statement`` in a savepoint: its row count, or the IntegrityError the database raised.

    The savepoint is rolled back on failure, so the surrounding transaction stays usable.
    """
    try:
        with connection.begin_nested():
            result = connection.execute(statement, parameters)
    except IntegrityError as error:
        return error
    return result.rowcount
