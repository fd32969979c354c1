"""Writing events: inside the request's own transaction for a write that succeeds (the change and its
event commit together, before the response), in a small transaction of their own for everything else
(reads, and requests that failed and rolled back). Either way the event is committed before the
response leaves, so an acknowledged request always has its event.

``IAMD_AUDIT_SINK=none`` builds every event and drops it: only ``bench/http_bench.py`` uses it, to
measure what recording costs. It is not an "audit off" switch for deployments.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, insert

from iamd.audit.batching import GroupCommit
from iamd.audit.events import Draft, build_event
from iamd.store import Database
from iamd.store.audit_events import audit_events

log = logging.getLogger("iamd.audit")


def event_row(event: Mapping[str, Any], time: Any) -> dict[str, Any]:
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


class Recorder(Protocol):
    def record_in(self, connection: Connection, draft: Draft) -> None:
        """Record within the caller's transaction (it commits with the change)."""

    def record_alone(self, draft: Draft) -> None:
        """Record in a transaction of its own, committed before returning."""


class DatabaseRecorder:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._group = GroupCommit(self._write_rows)

    def record_in(self, connection: Connection, draft: Draft) -> None:
        if draft.recorded:
            return
        event = build_event(draft)
        connection.execute(insert(audit_events), event_row(event, draft.time))
        draft.recorded = True

    def record_alone(self, draft: Draft) -> None:
        if draft.recorded:
            return
        self._group.submit(event_row(build_event(draft), draft.time))
        draft.recorded = True

    def _write_rows(self, rows: list[dict[str, Any]]) -> None:
        with self._database.transaction() as tx:
            tx.connection.execute(insert(audit_events), rows)


class NullRecorder:
    """Builds events and keeps none (benchmarks only)."""

    def record_in(self, connection: Connection, draft: Draft) -> None:
        event_row(build_event(draft), draft.time)
        draft.recorded = True

    def record_alone(self, draft: Draft) -> None:
        event_row(build_event(draft), draft.time)
        draft.recorded = True


def recorder_for(database: Database, env: Mapping[str, str] = os.environ) -> Recorder:
    if env.get("IAMD_AUDIT_SINK") == "none":
        log.warning("IAMD_AUDIT_SINK=none: audit events are built and DISCARDED (benchmarking only)")
        return NullRecorder()
    return DatabaseRecorder(database)
