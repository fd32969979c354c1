"""Group commit for events written on their own: concurrent requests share one transaction.

Each request still waits until its event is committed (nothing is acknowledged unrecorded), but under
load one request leads: it writes every event waiting at that moment in one transaction, then hands the
lead to the first request that queued meanwhile. SQLite then commits once per batch instead of once per
request, which is what recording reads and failures would otherwise cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Rows = list[dict[str, Any]]


@dataclass(slots=True)
class _Waiter:
    row: dict[str, Any]
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    error: BaseException | None = None


class GroupCommit:
    def __init__(self, write: Callable[[Rows], None]) -> None:
        self._write = write  # writes the rows in one transaction, committed when it returns
        self._lock = threading.Lock()
        self._pending: list[_Waiter] = []
        self._busy = False

    def submit(self, row: dict[str, Any]) -> None:
        """Return once ``row`` is committed; raise what writing its batch raised."""
        waiter = _Waiter(row)
        with self._lock:
            self._pending.append(waiter)
            if not self._busy:
                self._busy = waiter.lead = True
        if not waiter.lead:
            waiter.wake.wait()
        if waiter.lead:
            self._lead(waiter)
        if waiter.error is not None:
            raise waiter.error

    def _lead(self, leader: _Waiter) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        try:
            self._write([waiter.row for waiter in batch])
        except BaseException as error:  # every request of the batch fails alike
            for waiter in batch:
                waiter.error = error
        successor = None
        with self._lock:
            if self._pending:
                successor = self._pending[0]
                successor.lead = True
            else:
                self._busy = False
        for waiter in batch:
            if waiter is not leader:
                waiter.wake.set()
        if successor is not None:
            successor.wake.set()
