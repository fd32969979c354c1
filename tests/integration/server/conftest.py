"""``iamd_server``: a real server process per backend (SQLite and PostgreSQL), shared by the session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.integration.server.harness import RunningServer, start_server

POSTGRES_URL = os.environ.get("IAMD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_database() -> tuple[str, str]:
    """Create a database for this session; return (its URL, its name)."""
    name = f"iamd_it_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required under CI: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def _drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("iamd-sqlite"), None, "sqlite")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgresql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    url, name = _postgres_database()
    server = start_server(tmp_path_factory.mktemp("iamd-postgresql"), url, "postgresql")
    try:
        yield server
    finally:
        server.stop()
        _drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def iamd_server(request: pytest.FixtureRequest) -> RunningServer:
    """The shared server of each backend: every test using it runs on SQLite and on PostgreSQL."""
    server: RunningServer = request.getfixturevalue(f"{request.param}_server")
    return server


@pytest.fixture
def iamd_cli_server(sqlite_server: RunningServer) -> RunningServer:
    """For AWS CLI tests: the CLI checks the wire format, which does not depend on the storage backend,
    and each CLI run costs a Python start-up, so these run once, on SQLite."""
    return sqlite_server
