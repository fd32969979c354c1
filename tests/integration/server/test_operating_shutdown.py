"""Graceful shutdown: on SIGTERM or SIGINT the server stops accepting, answers the requests in flight, and
moves every spooled audit event into the database before it exits, so that the trail is complete without
waiting for the next start (or an ``iamd audit`` command) to drain a leftover spool."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import select
from starlette.applications import Starlette

from iamd.app import build
from iamd.config import ServerConfig
from iamd.store import Database
from iamd.store.audit_events import audit_events
from tests.integration.server.audit_support import run_audit
from tests.integration.server.harness import start_server, unique


def database_request_ids(data_dir: Path) -> list[str]:
    """Request ids in the database itself, without draining any spool."""
    database = Database.open(f"sqlite:///{data_dir / 'iamd.db'}", migrate=False)
    try:
        with database.read() as tx:
            return [row.request_id for row in tx.connection.execute(select(audit_events.c.request_id))]
    finally:
        database.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_drains_requests_and_flushes_the_audit(tmp_path: Path, stop_signal: signal.Signals) -> None:
    server = start_server(tmp_path, None, "sqlite")
    acknowledged: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        iam = server.client("iam")
        denied_iam, _ = server.user_client("iam", None)

        def load(worker: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                try:  # reads and failures go through the spool; writes commit with their event
                    if n % 3 == 0:
                        response = iam.create_user(UserName=unique(f"shut{worker}"))
                    elif n % 3 == 1:
                        response = iam.list_users(MaxItems=2)
                    else:
                        response = denied_iam.list_roles()
                    request_id = response["ResponseMetadata"]["RequestId"]
                except ClientError as error:
                    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                    if status >= 500:
                        failures.append(str(error))
                    request_id = error.response["ResponseMetadata"]["RequestId"]
                except BotoCoreError:
                    return  # the server stopped accepting: this request was never acknowledged
                with lock:
                    acknowledged.append(request_id)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.process.send_signal(stop_signal)
        exit_code = server.process.wait(timeout=20)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        server.stop()
    assert exit_code in (0, -stop_signal), server.log_path.read_text()
    assert "Traceback" not in server.log_path.read_text()
    assert failures == []
    assert len(acknowledged) > 30
    in_database = database_request_ids(tmp_path)
    missing = sorted(set(acknowledged) - set(in_database))
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged events not flushed"
    assert len(in_database) == len(set(in_database))  # one event each, none twice
    # And through the CLI, as an operator reads it.
    last = acknowledged[-1]
    result = run_audit(server, "events", "--format", "json", "--max-results", "1000")
    assert result.exit_code == 0, result.output
    listed = {event["requestID"] for event in json.loads(result.output)["Events"]}
    assert set(acknowledged) <= listed
    assert last in listed


async def _lifespan_round(app: Starlette, between: Callable[[httpx.AsyncClient], Awaitable[None]]) -> None:
    """Start the app's lifespan, run ``between`` against it, then shut it down as uvicorn does."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive() -> dict[str, Any]:
        return await inbox.get()

    async def send(message: MutableMapping[str, Any]) -> None:
        await outbox.put(dict(message))

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, receive, send))
    await inbox.put({"type": "lifespan.startup"})
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://iamd") as client:
        await between(client)
    await inbox.put({"type": "lifespan.shutdown"})
    assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
    await task


def test_lifespan_shutdown_moves_the_spool_into_the_database(tmp_path: Path) -> None:
    """In process, so the timing is ours: the spool's flusher has just moved one event and sleeps for its
    interval when the next request is answered, and shutdown comes at once."""
    parts = build(ServerConfig(data_dir=tmp_path, account_id="123456789012"))
    request_ids: list[str] = []

    async def requests(client: httpx.AsyncClient) -> None:
        for attempt in range(2):
            # Unsigned: MissingAuthenticationToken, whose event goes through the spool.
            response = await client.get("/?Action=ListUsers&Version=2010-05-08")
            assert response.status_code == 403
            request_ids.append(response.headers["x-amzn-RequestId"])
            deadline = time.monotonic() + 5
            while attempt == 0 and request_ids[0] not in database_request_ids(tmp_path):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.005)

    try:
        asyncio.run(_lifespan_round(parts.app, requests))
        assert set(request_ids) <= set(database_request_ids(tmp_path))
    finally:
        parts.database.close()
