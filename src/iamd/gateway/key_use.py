"""GetAccessKeyLastUsed's data: record that a long-term key signed an accepted request.

A write on every request would halve throughput, so each worker remembers when it last recorded a key and
writes again only a minute later; the store's conditional update keeps several workers from piling up.
"""

from __future__ import annotations

import threading
from datetime import datetime

from iamd.auth.authenticate import Authenticated
from iamd.services.iam.access_keys import LAST_USED_RESOLUTION, record_key_use
from iamd.store import Database, Transaction

_MEMORY_LIMIT = 100_000  # keys remembered per worker before the memory starts over


class KeyUseRecorder:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._recorded: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def _due(self, authenticated: Authenticated, now: datetime) -> bool:
        if authenticated.temporary:  # session keys have no last-used record
            return False
        with self._lock:
            last = self._recorded.get(authenticated.access_key_id)
            if last is not None and now - last < LAST_USED_RESOLUTION:
                return False
            if len(self._recorded) >= _MEMORY_LIMIT:
                self._recorded.clear()
            self._recorded[authenticated.access_key_id] = now
        return True

    def record_in(self, tx: Transaction, authenticated: Authenticated, now: datetime) -> None:
        """Inside the request's own write transaction."""
        if self._due(authenticated, now):
            _record(tx, authenticated, now)

    def record_after_read(self, authenticated: Authenticated, now: datetime) -> None:
        """After a read-only request (its transaction is rolled back): a small write of its own."""
        if self._due(authenticated, now):
            with self._database.transaction() as tx:
                _record(tx, authenticated, now)


def _record(tx: Transaction, authenticated: Authenticated, now: datetime) -> None:
    record_key_use(tx, authenticated.access_key_id, now, authenticated.service, authenticated.region)
