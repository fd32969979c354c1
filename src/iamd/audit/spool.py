"""A write-ahead spool for events that do not commit with a change (reads, failures).

Committing a transaction per read request would halve iamd's read throughput on SQLite. Instead each
event is appended to this process's spool file with one ``write(2)`` before the response leaves: from
then on it survives ``kill -9`` (it is in the operating system's page cache, the same guarantee SQLite's
WAL gives with ``synchronous=NORMAL``). A flusher thread moves spooled events into the database in
batches, idempotently (the event id is unique), every few milliseconds.

Each live process holds an exclusive ``flock`` on its own spool file. A file whose lock can be taken
belongs to a process that is gone: :func:`ingest_orphans` (run at start-up and by ``iamd audit``
commands) moves its events into the database and deletes it.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger("iamd.audit")

SPOOL_DIR = "audit-spool"
FLUSH_INTERVAL_SECONDS = 0.1
ROTATE_BYTES = 4 * 1024 * 1024

Rows = list[dict[str, Any]]
WriteRows = Callable[[Rows], None]  # inserts rows in one transaction, skipping event ids already there


def _read_rows(path: Path, offset: int = 0) -> tuple[Rows, int]:
    """Complete lines from ``offset``; a torn last line (killed mid-write) is left for later or dropped."""
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n") + 1
    rows = [orjson.loads(line) for line in data[:end].splitlines() if line.strip()]
    return rows, offset + end


def ingest_orphans(directory: Path, write: WriteRows) -> int:
    """Move the events of spool files no live process holds into the database; return how many."""
    if not directory.is_dir():
        return 0
    moved = 0
    for path in sorted(directory.glob("*.jsonl")):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live process owns it
            rows, _ = _read_rows(path)
            if rows:
                write(rows)
            moved += len(rows)
            path.unlink()
        finally:
            os.close(fd)
    return moved


class Spool:
    def __init__(self, directory: Path, write: WriteRows) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._directory = directory
        self._write = write
        self._lock = threading.Lock()  # appends and rotation
        self._flush_lock = threading.Lock()  # one flush at a time
        self._wake = threading.Event()
        self._closed = False
        self._open_new_file()
        self._thread = threading.Thread(target=self._run, name="iamd-audit-spool", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def _open_new_file(self) -> None:
        self._path = self._directory / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._read_offset = 0
        self._size = 0

    def append(self, row: dict[str, Any]) -> None:
        """Durable against ``kill -9`` when this returns."""
        line = orjson.dumps(row, option=orjson.OPT_PASSTHROUGH_DATETIME, default=_default) + b"\n"
        with self._lock:
            os.write(self._fd, line)
            self._size += len(line)
        self._wake.set()

    def flush(self) -> None:
        """Move what is spooled so far into the database."""
        with self._flush_lock:
            with self._lock:
                path, offset = self._path, self._read_offset
                rotate = self._size >= ROTATE_BYTES
                if rotate:
                    old_fd = self._fd
                    self._open_new_file()
            rows, end = _read_rows(path, offset)
            if rows:
                self._write(rows)
            if rotate:
                os.close(old_fd)
                path.unlink()
            elif end != offset:
                with self._lock:
                    if self._path == path:
                        self._read_offset = end

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the events stay spooled; the next flush (or start) retries
                log.exception("moving spooled audit events into the database failed")
            threading.Event().wait(FLUSH_INTERVAL_SECONDS)  # let a batch gather

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        try:
            self.flush()
        except Exception:
            log.exception("final audit spool flush failed; the events stay in %s", self._path)
            return
        with self._lock:
            os.close(self._fd)
            self._path.unlink(missing_ok=True)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
