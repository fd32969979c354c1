"""Reading a running server's audit trail in tests: its database, and the ``iamd audit`` CLI."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from botocore.exceptions import ClientError
from click.testing import CliRunner, Result
from sqlalchemy import select

from iamd.audit.recorder import drain_orphans
from iamd.cli.main import cli
from iamd.store import Database
from iamd.store.audit_events import audit_events
from tests.integration.server.harness import RunningServer


def store_args(server: RunningServer) -> list[str]:
    """``--data-dir`` (and ``--database-url``) as the server was started with."""
    args = [str(a) for a in server.process.args]  # type: ignore[union-attr]
    out = ["--data-dir", args[args.index("--data-dir") + 1]]
    if "--database-url" in args:
        out += ["--database-url", args[args.index("--database-url") + 1]]
    return out


def database_url(server: RunningServer) -> str:
    args = store_args(server)
    if "--database-url" in args:
        return args[args.index("--database-url") + 1]
    return f"sqlite:///{args[1]}/iamd.db"


def events_of(server: RunningServer, request_id: str) -> list[dict[str, Any]]:
    """Every recorded event with this request id (a request must leave exactly one). Events of reads and
    failures are spooled first and reach the database within milliseconds: wait for them a little."""
    database = Database.open(database_url(server), migrate=False)
    deadline = time.monotonic() + 5
    try:
        while True:
            with database.read() as tx:
                rows = tx.connection.execute(
                    select(audit_events.c.record).where(audit_events.c.request_id == request_id)
                ).all()
            if rows or time.monotonic() > deadline:
                return [json.loads(row.record) for row in rows]
            time.sleep(0.02)
    finally:
        database.close()


def the_event(server: RunningServer, request_id: str) -> dict[str, Any]:
    events = events_of(server, request_id)
    assert len(events) == 1, events
    return events[0]


def request_id_of(response_or_error: Any) -> str:
    response = response_or_error.response if isinstance(response_or_error, ClientError) else response_or_error
    return str(response["ResponseMetadata"]["RequestId"])


def run_audit(server: RunningServer, *args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", *args, *store_args(server)])


def recorded_request_ids(server: RunningServer) -> Counter[str]:
    """How many events each request id has."""
    database = Database.open(database_url(server), migrate=False)
    try:
        drain_orphans(database)  # what a killed server left in its spool
        with database.read() as tx:
            return Counter(row.request_id for row in tx.connection.execute(select(audit_events.c.request_id)))
    finally:
        database.close()
