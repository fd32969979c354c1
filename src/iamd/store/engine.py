"""Engines for the two supported databases, set up for durability and for savepoints.

SQLite
    WAL journal with ``synchronous=NORMAL`` by default. A commit appends the transaction to the WAL file
    with write(2) before it returns, so the data is in the operating system's page cache and survives
    ``kill -9`` of the process (the requirement: an acknowledged write survives kill -9); only a power loss
    or kernel crash could lose the last transactions, and the database stays consistent even then
    (https://www.sqlite.org/wal.html, "synchronous"). ``synchronous="FULL"`` adds an fsync per commit for
    deployments that want durability across power loss, at the cost of commit latency.

    pysqlite's own transaction handling is switched off (``isolation_level=None``) and iamd emits
    ``BEGIN`` itself, because otherwise SAVEPOINT does not work and DDL is not transactional. Write
    transactions begin with ``BEGIN IMMEDIATE`` so that they take the write lock up front instead of
    failing with SQLITE_BUSY when a read lock would have to be upgraded.

    ``sqlite://`` (no file) is an in-memory database for ``--ephemeral``: one connection shared by every
    thread (StaticPool), so all see the same data; the Database serializes transactions on it.

PostgreSQL
    ``postgresql://`` and ``postgres://`` URLs are used as given with the psycopg 3 driver
    (``postgresql+psycopg``). An optional schema goes into the search path of every connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.pool import StaticPool

SqliteSynchronous = Literal["NORMAL", "FULL"]
WRITE_OPTION = "iamd_write"  # execution option marking a connection whose transaction will write
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


def normalize_url(url: str | URL) -> URL:
    """Map plain ``postgresql://`` (and Heroku-style ``postgres://``) URLs to the psycopg 3 dialect."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_sqlite_engine(url: URL, synchronous: SqliteSynchronous) -> Engine:
    memory = is_memory_sqlite(url)
    if not memory and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # e.g. a fresh data directory
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
    }
    if memory:
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # iamd emits BEGIN itself (see the module docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        # Straight to the driver: exec_driver_sql would cost a quarter of a small read transaction.
        driver: Any = connection.connection.driver_connection
        driver.execute("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def create_postgres_engine(url: URL, schema: str | None) -> Engine:
    connect_args: dict[str, Any] = {}
    if schema is not None:
        if not schema.replace("_", "").isalnum():
            raise ValueError(f"unsafe schema name: {schema!r}")
        connect_args["options"] = f"-c search_path={schema}"
    return create_engine(url, connect_args=connect_args, pool_size=10, max_overflow=20, pool_pre_ping=True)


def create(
    url: str | URL, *, schema: str | None = None, sqlite_synchronous: SqliteSynchronous = "NORMAL"
) -> Engine:
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return create_sqlite_engine(parsed, sqlite_synchronous)
    if backend == "postgresql":
        return create_postgres_engine(parsed, schema)
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:// or postgresql://")
