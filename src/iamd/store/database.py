"""The entry point of the store: open a database, run work in transactions.

    db = Database.open("sqlite:////var/lib/iamd/iamd.db")      # or postgresql://..., or sqlite:// (memory)
    with db.transaction() as tx:                                # one service operation, one transaction
        tx.users.create(user)
        tx.access_keys.create(key)
    with db.read() as tx:                                       # read-only work (Get*, List*)
        tx.users.get(account_id, "alice")

A transaction commits when the block ends normally and rolls back when it raises; IamdErrors raised by
repositories (EntityAlreadyExists, LimitExceeded, DeleteConflict, ...) propagate unchanged.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import URL, Engine

from iamd.store import engine as engines
from iamd.store.migrate import upgrade
from iamd.store.quotas import Quotas
from iamd.store.transaction import Transaction


class Database:
    def __init__(self, engine: Engine, quotas: Quotas) -> None:
        self.engine = engine
        self.quotas = quotas
        sqlite = engine.dialect.name == "sqlite"
        memory = sqlite and engines.is_memory_sqlite(engine.url)
        # SQLite has one writer: queueing writers here is cheaper than SQLite's sleeping busy handler.
        # Other processes (``--workers N``) still wait on BEGIN IMMEDIATE's busy timeout.
        self._write_lock = threading.Lock() if sqlite else None
        # In memory, every thread shares one connection, so reads must queue too.
        self._read_lock = self._write_lock if memory else None

    @classmethod
    def open(
        cls,
        url: str | URL,
        *,
        quotas: Quotas | None = None,
        schema: str | None = None,
        sqlite_synchronous: engines.SqliteSynchronous = "NORMAL",
        migrate: bool = True,
    ) -> Database:
        """Connect and create or upgrade the schema (``migrate=False`` skips that)."""
        engine = engines.create(url, schema=schema, sqlite_synchronous=sqlite_synchronous)
        if migrate:
            upgrade(engine)
        return cls(engine, quotas or Quotas())

    @classmethod
    def ephemeral(cls, *, quotas: Quotas | None = None) -> Database:
        """An in-memory SQLite database for ``--ephemeral``, gone when the process ends."""
        return cls.open("sqlite://", quotas=quotas)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A read-write transaction (SQLite: BEGIN IMMEDIATE). Do not nest on the same thread."""
        with self._locked(self._write_lock), self.engine.connect() as connection:
            connection.execution_options(**{engines.WRITE_OPTION: True})
            with connection.begin():
                yield Transaction(connection, self.quotas)

    @contextlib.contextmanager
    def read(self) -> Iterator[Transaction]:
        """A transaction for reading (one consistent snapshot on SQLite; rolled back at the end)."""
        with self._locked(self._read_lock), self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield Transaction(connection, self.quotas)
            finally:
                transaction.rollback()

    @staticmethod
    @contextlib.contextmanager
    def _locked(lock: threading.Lock | None) -> Iterator[None]:
        if lock is None:
            yield
            return
        with lock:
            yield

    def reset(self) -> None:
        """Delete every row (``POST /_iamd/reset`` in ephemeral mode); the caller bootstraps again."""
        from iamd.store.schema import metadata

        with self.transaction() as tx:
            for table in reversed(metadata.sorted_tables):
                tx.connection.execute(table.delete())

    def close(self) -> None:
        self.engine.dispose()
