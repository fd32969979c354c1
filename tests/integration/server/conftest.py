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


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def iamd_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp(f"iamd-{request.param}")
    if request.param == "sqlite":
        server = start_server(data_dir, None, "sqlite")
        yield server
        server.stop()
        return
    url, name = _postgres_database()
    server = start_server(data_dir, url, "postgresql")
    try:
        yield server
    finally:
        server.stop()
        _drop_database(name)
