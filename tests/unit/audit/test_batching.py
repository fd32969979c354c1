"""Group commit: every submitted row is written exactly once before its submitter returns, concurrent
submitters share transactions, and a failed write fails every request of its batch."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from iamd.audit.batching import GroupCommit


def test_concurrent_rows_are_written_once_in_fewer_batches() -> None:
    batches: list[list[dict[str, Any]]] = []
    committed: set[int] = set()
    lock = threading.Lock()

    def write(rows: list[dict[str, Any]]) -> None:
        time.sleep(0.005)  # a commit takes time; others queue meanwhile
        with lock:
            batches.append(rows)
            committed.update(row["n"] for row in rows)

    group = GroupCommit(write)

    def submit(n: int) -> bool:
        group.submit({"n": n})
        with lock:
            return n in committed  # committed before submit returned

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(submit, range(200)))
    assert all(results)
    assert sorted(row["n"] for batch in batches for row in batch) == list(range(200))
    assert len(batches) < 200


def test_a_failed_write_fails_its_batch_and_the_next_batch_goes_on() -> None:
    calls = 0

    def write(rows: list[dict[str, Any]]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("disk full")

    group = GroupCommit(write)
    with pytest.raises(RuntimeError, match="disk full"):
        group.submit({"n": 1})
    group.submit({"n": 2})
    assert calls == 2
