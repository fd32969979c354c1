"""Shared fixtures: ``database``, an empty iamd database, once on SQLite and once on PostgreSQL.

PostgreSQL comes from ``IAMD_TEST_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``).
Each test session works in its own schema, dropped at the end, so parallel runs never collide; tables
are emptied before each test. An unreachable server skips those tests, except under CI (env ``CI``
set), where it fails them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from iamd.store import Database
from iamd.store.engine import normalize_url
from iamd.store.schema import metadata

POSTGRES_URL = os.environ.get("IAMD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    schema = f"iamd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(POSTGRES_URL))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required under CI: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable")
    database = Database.open(POSTGRES_URL, schema=schema)
    try:
        yield database
    finally:
        database.close()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "iamd.db"
    Database.open(f"sqlite:///{path}").close()  # closing checkpoints the WAL into the file
    return path


def _empty(database: Database) -> None:
    # DELETE beats TRUNCATE on a few tiny tables; children first, so no foreign key objects.
    with database.transaction() as tx:
        for table in reversed(metadata.sorted_tables):
            tx.connection.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated iamd database."""
    if request.param == "sqlite":
        path = tmp_path / "iamd.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        sqlite = Database.open(f"sqlite:///{path}")
        yield sqlite
        sqlite.close()
        return
    postgres: Database = request.getfixturevalue("postgres_database")
    _empty(postgres)
    yield postgres
