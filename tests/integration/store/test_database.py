"""Database set-up: URLs, migrations, SQLite settings, the in-memory mode, durability across kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from iamd.store import Database
from iamd.store.engine import normalize_url
from iamd.store.migrate import alembic_config

from .conftest import ACCOUNT, NOW, user


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg"),
        ("postgres://postgres@db/iamd", "postgresql+psycopg"),
        ("postgresql+psycopg://postgres@db/iamd", "postgresql+psycopg"),
        ("sqlite:////var/lib/iamd/iamd.db", "sqlite"),
    ],
)
def test_urls_are_used_as_given(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_sqlite_runs_wal_with_foreign_keys(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'iamd.db'}")
    try:
        with database.read() as tx:
            pragma = {
                name: tx.connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys")
            }
        assert pragma == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1}  # 1 = NORMAL
    finally:
        database.close()


def test_reopening_migrates_nothing_and_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'iamd.db'}"
    first = Database.open(url)
    with first.transaction() as tx:
        from iamd.model import Account

        tx.accounts.create(Account(ACCOUNT, None, NOW))
    first.close()
    second = Database.open(url)
    try:
        with second.read() as tx:
            assert tx.accounts.count() == 1
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert tx.connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    finally:
        second.close()


def test_ephemeral_database_is_shared_by_all_threads() -> None:
    from iamd.model import Account

    database = Database.ephemeral()
    try:
        with database.transaction() as tx:
            tx.accounts.create(Account(ACCOUNT, None, NOW))

        def create_in_thread() -> None:
            with database.transaction() as tx:
                tx.users.create(user("alice"))

        worker = threading.Thread(target=create_in_thread)
        worker.start()
        worker.join()
        with database.read() as tx:
            assert tx.users.get(ACCOUNT, "alice").name == "alice"
        database.reset()
        with database.read() as tx:
            assert tx.accounts.count() == 0
    finally:
        database.close()


def test_an_exception_rolls_the_transaction_back(database: Database, account: str) -> None:
    with pytest.raises(RuntimeError), database.transaction() as tx:
        tx.users.create(user("alice"))
        raise RuntimeError("handler failed after writing")
    with database.read() as tx:
        assert tx.users.find(ACCOUNT, "alice") is None


WRITER = """
import sys, time
from datetime import UTC, datetime
from iamd.model import Account, User
from iamd.store import Database

database = Database.open(sys.argv[1])
now = datetime.now(UTC)
with database.transaction() as tx:
    tx.accounts.create(Account("123456789012", None, now))
    tx.users.create(User("123456789012", "AIDADURABLE000000001", "durable", "/",
                         "arn:aws:iam::123456789012:user/durable", now))
print("committed", flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    # DESIGN.md: "An acknowledged write survives kill -9." The writer commits, says so, and is killed
    # before it can close anything; the committed transaction is still in the WAL file, not yet
    # checkpointed, so reopening must recover it from there.
    path = tmp_path / "iamd.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, f"sqlite:///{path}"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "committed"
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
        if writer.stdout is not None:
            writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert Path(f"{path}-wal").stat().st_size > 0
    reopened = Database.open(f"sqlite:///{path}")
    try:
        with reopened.read() as tx:
            assert tx.users.get(ACCOUNT, "durable").id == "AIDADURABLE000000001"
    finally:
        reopened.close()


def test_sqlite_file_in_a_new_directory(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'fresh' / 'data' / 'iamd.db'}")
    database.close()
    assert (tmp_path / "fresh" / "data" / "iamd.db").exists()
