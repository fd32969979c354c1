"""The trail in the store, on SQLite and PostgreSQL: events recorded alone or inside a write transaction
(and gone with it when it rolls back), looked up with LookupEvents-style filters and pages
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html: newest first)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from iamd.audit.events import Draft, build_event
from iamd.audit.generate import generate_policy, principal_events
from iamd.audit.queries import BadNextToken, EventFilter, by_request_id, in_commit_order, lookup
from iamd.audit.recorder import DatabaseRecorder, drain_orphans, event_row, spool_directory
from iamd.audit.retention import prune
from iamd.errors import AccessDenied
from iamd.services.call import Caller
from iamd.store import Database

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ALICE = Caller("123456789012", "user", "arn:aws:iam::123456789012:user/alice", "AIDAALICE", "AKIAALICE")
BOB = Caller("123456789012", "user", "arn:aws:iam::123456789012:user/bob", "AIDABOB", "AKIABOB")


def draft(n: int, caller: Caller, name: str = "ListUsers", denied: bool = False) -> Draft:
    out = Draft(f"req-{n}", "iam", T0 + timedelta(minutes=n), "127.0.0.1", "test", name, caller=caller)
    out.error = AccessDenied("no") if denied else None
    return out


@pytest.fixture
def recorded(database: Database) -> Database:
    recorder = DatabaseRecorder(database, spool=False)
    for n in range(5):
        recorder.record_alone(draft(n, ALICE if n % 2 == 0 else BOB, denied=n == 3))
    return database


def test_lookup_filters(recorded: Database) -> None:
    with recorded.read() as tx:
        by_alice = lookup(tx.connection, EventFilter(principal_arn=ALICE.arn))
        denied = lookup(tx.connection, EventFilter(error_code="AccessDenied"))
        by_key = lookup(tx.connection, EventFilter(access_key_id="AKIABOB"))
        window = lookup(
            tx.connection,
            EventFilter(start_time=T0 + timedelta(minutes=1), end_time=T0 + timedelta(minutes=2)),
        )
        none = lookup(tx.connection, EventFilter(event_name="CreateUser"))
    assert [e["requestID"] for e in by_alice.events] == ["req-4", "req-2", "req-0"]
    assert [e["requestID"] for e in denied.events] == ["req-3"]
    assert [e["requestID"] for e in by_key.events] == ["req-3", "req-1"]
    assert [e["requestID"] for e in window.events] == ["req-2", "req-1"]
    assert none.events == [] and none.next_token is None


def test_lookup_pages(recorded: Database) -> None:
    seen: list[str] = []
    token = None
    with recorded.read() as tx:
        while True:
            page = lookup(tx.connection, EventFilter(), max_results=2, next_token=token)
            seen += [e["requestID"] for e in page.events]
            token = page.next_token
            if token is None:
                break
        with pytest.raises(BadNextToken):
            lookup(tx.connection, EventFilter(), next_token="garbage")
    assert seen == [f"req-{n}" for n in range(4, -1, -1)]


def test_event_in_a_rolled_back_transaction_is_gone(database: Database) -> None:
    recorder = DatabaseRecorder(database, spool=False)
    rolled_back = draft(1, ALICE, "CreateUser")
    with pytest.raises(RuntimeError), database.transaction() as tx:
        recorder.record_in(tx.connection, rolled_back)
        raise RuntimeError("the change failed")
    with database.read() as tx:
        assert by_request_id(tx.connection, "req-1") is None
    committed = draft(2, ALICE, "CreateUser")
    with database.transaction() as tx:
        recorder.record_in(tx.connection, committed)
    recorder.record_alone(committed)  # already recorded: not twice
    with database.read() as tx:
        event = by_request_id(tx.connection, "req-2")
        assert event is not None and event["eventName"] == "CreateUser"
        assert [seq for seq, _ in in_commit_order(tx.connection)] and len(
            list(in_commit_order(tx.connection))
        ) == 1


def test_event_of_a_transaction_that_failed_after_recording_is_written_once(database: Database) -> None:
    recorder = DatabaseRecorder(database, spool=False)
    failed = draft(7, ALICE, "CreateUser")
    with pytest.raises(RuntimeError), database.transaction() as tx:
        recorder.record_in(tx.connection, failed)
        raise RuntimeError("commit failed")
    failed.error = AccessDenied("as if the commit had failed")
    recorder.record_alone(failed)
    committed = draft(8, ALICE, "CreateUser")
    with database.transaction() as tx:
        recorder.record_in(tx.connection, committed)
    committed.error = AccessDenied("as if encoding the response had failed")
    recorder.record_alone(committed)
    with database.read() as tx:
        page = lookup(tx.connection, EventFilter(event_name="CreateUser"))
    assert sorted(e["requestID"] for e in page.events) == ["req-7", "req-8"]
    assert next(e for e in page.events if e["requestID"] == "req-7")["errorCode"] == "AccessDenied"


def test_spooled_events_reach_the_database(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the spool serves SQLite files; PostgreSQL commits events directly")
    recorder = DatabaseRecorder(database)
    recorder.record_alone(draft(1, ALICE))
    recorder.record_alone(draft(2, BOB, denied=True))
    recorder.flush()
    with database.read() as tx:
        assert [e["requestID"] for e in lookup(tx.connection, EventFilter()).events] == ["req-2", "req-1"]


def test_orphaned_spool_is_moved_once(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the spool serves SQLite files")
    directory = spool_directory(database)
    assert directory is not None
    directory.mkdir(exist_ok=True)
    rows = [event_row(build_event(draft(n, ALICE)), T0) for n in (1, 2)]
    lines = b"".join(orjson.dumps(row, default=str) + b"\n" for row in rows)
    (directory / "4242-dead.jsonl").write_bytes(lines + b'{"torn": ')  # killed mid-write
    (directory / "4243-dead.jsonl").write_bytes(lines)  # the same events again: moved once
    assert drain_orphans(database) == 4
    assert list(directory.glob("*.jsonl")) == []
    with database.read() as tx:
        assert [e["requestID"] for e in lookup(tx.connection, EventFilter()).events] == ["req-2", "req-1"]


def test_prune_deletes_older_events(recorded: Database) -> None:
    with recorded.transaction() as tx:
        assert prune(tx.connection, T0 + timedelta(minutes=2)) == 2  # req-0 and req-1
    with recorded.read() as tx:
        assert [e["requestID"] for e in lookup(tx.connection, EventFilter()).events] == [
            "req-4",
            "req-3",
            "req-2",
        ]


def test_generated_policy_from_the_trail(database: Database) -> None:
    recorder = DatabaseRecorder(database, spool=False)
    role_session = Caller(
        "123456789012", "role_session", "arn:aws:sts::123456789012:assumed-role/app/s1", "AROAAPP:s1", "ASIAX"
    )
    for n, (caller, action, resource) in enumerate(
        [
            (ALICE, "iam:GetUser", ALICE.arn),
            (role_session, "iam:ListRoles", "arn:aws:iam::123456789012:role/"),
            (BOB, "iam:DeleteUser", BOB.arn),
        ]
    ):
        used = draft(n, caller, action.split(":")[1])
        used.decision = {"decision": "Allow", "action": action, "resource": resource, "enforced": True}
        recorder.record_alone(used)
    with database.read() as tx:
        role_policy = generate_policy(
            principal_events(tx.connection, "arn:aws:iam::123456789012:role/app", None)
        )
        alice_policy = generate_policy(principal_events(tx.connection, ALICE.arn, T0))
    assert role_policy["Statement"] == [
        {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "arn:aws:iam::123456789012:role/"}
    ]
    assert alice_policy["Statement"] == [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": ALICE.arn}]
