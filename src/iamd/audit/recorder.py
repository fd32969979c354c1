"""Writing events. A write that succeeds records its event inside its own transaction: the change and
the event commit together, before the response. Everything else (reads, requests that failed and rolled
back) is recorded before the response too, but more cheaply:

* on a SQLite file, appended to this process's spool (``spool.py``: one ``write(2)``, durable against
  ``kill -9``) and moved into the database in batches by a flusher thread;
* otherwise (PostgreSQL, in-memory), committed in a small transaction shared by the requests that are
  recording at the same moment (``batching.py``).

``IAMD_AUDIT_SINK=none`` builds every event and drops it: only ``bench/http_bench.py`` uses it, to
measure what recording costs. It is not an "audit off" switch for deployments.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from iamd.audit.batching import GroupCommit
from iamd.audit.events import Draft, build_event
from iamd.audit.spool import SPOOL_DIR, Spool, ingest_orphans
from iamd.store import Database
from iamd.store.audit_events import audit_events
from iamd.store.engine import is_memory_sqlite

log = logging.getLogger("iamd.audit")


def event_row(event: Mapping[str, Any], time: datetime) -> dict[str, Any]:
    identity = event["userIdentity"]
    return {
        "event_id": event["eventID"],
        "request_id": event["requestID"],
        "event_time": time,
        "account_id": event.get("recipientAccountId"),
        "event_source": event["eventSource"],
        "event_name": event["eventName"],
        "principal_arn": identity.get("arn"),
        "access_key_id": identity.get("accessKeyId"),
        "error_code": event.get("errorCode"),
        "read_only": bool(event["readOnly"]),
        "record": orjson.dumps(event).decode("utf-8"),
    }


def spool_directory(database: Database) -> Path | None:
    """Beside the SQLite file; None where events are committed directly."""
    url = database.engine.url
    if database.dialect != "sqlite" or is_memory_sqlite(url) or not url.database:
        return None
    return Path(url.database).parent / SPOOL_DIR


def insert_rows(database: Database, rows: list[dict[str, Any]]) -> None:
    """Insert in one transaction, skipping events already there (a spool may be moved twice)."""
    for row in rows:
        if isinstance(row["event_time"], str):
            row["event_time"] = datetime.fromisoformat(row["event_time"])
    dialect = sqlite if database.dialect == "sqlite" else postgresql
    statement = dialect.insert(audit_events).on_conflict_do_nothing(index_elements=["event_id"])
    with database.transaction() as tx:
        tx.connection.execute(statement, rows)


def drain_orphans(database: Database) -> int:
    """Move events spooled by processes that are gone (killed) into the database."""
    directory = spool_directory(database)
    if directory is None:
        return 0
    return ingest_orphans(directory, lambda rows: insert_rows(database, rows))


class Recorder(Protocol):
    def record_in(self, connection: Connection, draft: Draft) -> None:
        """Record within the caller's transaction (it commits with the change)."""

    def record_alone(self, draft: Draft) -> None:
        """Record durably, outside any transaction of the request, before returning."""


class DatabaseRecorder:
    def __init__(self, database: Database, *, spool: bool = True) -> None:
        self._database = database
        self._group = GroupCommit(lambda rows: insert_rows(database, rows))
        directory = spool_directory(database) if spool else None
        self._spool: Spool | None = None
        if directory is not None:
            drain_orphans(database)
            self._spool = Spool(directory, lambda rows: insert_rows(database, rows))

    def record_in(self, connection: Connection, draft: Draft) -> None:
        if draft.recorded:
            return
        event = build_event(draft)
        connection.execute(insert(audit_events), event_row(event, draft.time))
        draft.recorded = True

    def record_alone(self, draft: Draft) -> None:
        if draft.recorded and draft.error is None:
            return
        if draft.recorded:
            # Recorded inside a transaction that failed after (its commit, or the response after it):
            # the event is in the trail only if that transaction committed.
            self._record_unless_committed(draft)
            return
        row = event_row(build_event(draft), draft.time)
        if self._spool is not None:
            self._spool.append(row)
        else:
            self._group.submit(row)
        draft.recorded = True

    def flush(self) -> None:
        """Move spooled events into the database now (tests, shutdown)."""
        if self._spool is not None:
            self._spool.flush()

    def _record_unless_committed(self, draft: Draft) -> None:
        with self._database.transaction() as tx:
            present = select(audit_events.c.seq).where(audit_events.c.event_id == draft.event_id)
            if tx.connection.execute(present).first() is None:
                tx.connection.execute(insert(audit_events), event_row(build_event(draft), draft.time))


class NullRecorder:
    """Builds events and keeps none (benchmarks only)."""

    def record_in(self, connection: Connection, draft: Draft) -> None:
        self.record_alone(draft)

    def record_alone(self, draft: Draft) -> None:
        event_row(build_event(draft), draft.time)
        draft.recorded = True


def recorder_for(database: Database, env: Mapping[str, str] = os.environ) -> Recorder:
    if env.get("IAMD_AUDIT_SINK") == "none":
        log.warning("IAMD_AUDIT_SINK=none: audit events are built and DISCARDED (benchmarking only)")
        return NullRecorder()
    return DatabaseRecorder(database)
