"""Exports and their verification: every way of tampering with the files is caught, as
``aws cloudtrail validate-logs`` catches modified, deleted and added files
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-cli.html); iamd
also names the records changed inside a log file and files moved or reordered."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iamd.audit.export import ExportHead, export
from iamd.audit.verify import Report, verify

ACCOUNT = "123456789012"


def record(time: str, name: str = "ListUsers", account: str | None = ACCOUNT) -> tuple[str, dict[str, Any]]:
    event_id = str(uuid.uuid4())
    return event_id, {
        "eventVersion": "1.09",
        "eventTime": time,
        "eventName": name,
        "eventID": event_id,
        "requestID": str(uuid.uuid4()),
        "recipientAccountId": account,
    }


class Exported:
    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path / "export"
        self.key = Ed25519PrivateKey.generate()
        self.head = ExportHead()
        self.seq = 0

    def run(self, records: list[dict[str, Any]], now: str) -> list[str]:
        events = []
        for item in records:
            self.seq += 1
            events.append((self.seq, json.dumps(item)))
        moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
        return export(events, self.dir, self.key, self.head, moment).log_files

    def verify(self, with_head: bool = True) -> Report:
        return verify(self.dir, self.key.public_key(), self.head if with_head else None)

    def read(self, relative: str) -> dict[str, Any]:
        return dict(json.loads(gzip.decompress((self.dir / relative).read_bytes())))

    def write(self, relative: str, document: dict[str, Any]) -> None:
        (self.dir / relative).write_bytes(gzip.compress(json.dumps(document).encode()))

    def digests(self) -> list[Path]:
        return sorted((self.dir / "AWSLogs" / ACCOUNT / "CloudTrail-Digest").rglob("*.json.gz"))


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Exported, list[str]]:
    trail = Exported(tmp_path)
    first = trail.run(
        [
            record("2026-11-23T10:05:00Z")[1],
            record("2026-11-23T10:06:00Z")[1],
            record("2026-11-23T11:00:00Z")[1],
        ],
        "2026-11-23T11:30:00",
    )
    second = trail.run(
        [record("2026-11-23T12:00:00Z")[1], record("2026-11-23T12:01:00Z")[1]], "2026-11-23T12:30:00"
    )
    return trail, first + second


def test_untouched_export_verifies(exported: tuple[Exported, list[str]]) -> None:
    trail, files = exported
    assert len(files) == 3  # hours 10 and 11, then 12
    report = trail.verify()
    assert report.problems == []
    assert (report.digests_valid, report.log_files_valid) == (2, 3)
    assert trail.verify(with_head=False).ok


def test_layout_is_cloudtrails(exported: tuple[Exported, list[str]]) -> None:
    trail, files = exported
    assert files[0].startswith(
        f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/23/{ACCOUNT}_CloudTrail_us-east-1_20261123T1000Z_"
    )
    assert len(trail.read(files[0])["Records"]) == 2
    digest = json.loads(gzip.decompress(trail.digests()[1].read_bytes()))
    assert digest["previousDigestS3Object"] == str(trail.digests()[0].relative_to(trail.dir))
    assert digest["digestSignatureAlgorithm"] == "Ed25519"


def _modify_record(trail: Exported, files: list[str]) -> str:
    document = trail.read(files[0])
    document["Records"][1]["eventName"] = "DeleteUser"
    trail.write(files[0], document)
    return f"record {document['Records'][1]['eventID']}: MODIFIED"


def _delete_record(trail: Exported, files: list[str]) -> str:
    document = trail.read(files[0])
    gone = document["Records"].pop(0)
    trail.write(files[0], document)
    return f"record {gone['eventID']}: DELETED"


def _add_record(trail: Exported, files: list[str]) -> str:
    document = trail.read(files[0])
    event_id, extra = record("2026-11-23T10:07:00Z", "CreateUser")
    document["Records"].append(extra)
    trail.write(files[0], document)
    return f"record {event_id}: ADDED"


def _reorder_records(trail: Exported, files: list[str]) -> str:
    document = trail.read(files[0])
    document["Records"].reverse()
    trail.write(files[0], document)
    return "records REORDERED"


def _delete_file(trail: Exported, files: list[str]) -> str:
    (trail.dir / files[1]).unlink()
    return f"log file {files[1]}: DELETED"


def _add_file(trail: Exported, files: list[str]) -> str:
    added = files[0].replace("_20261123T1000Z_", "_20261123T1000Z_0000000000000000")
    trail.write(added, {"Records": [record("2026-11-23T10:30:00Z")[1]]})
    return f"log file {added}: ADDED"


def _swap_files(trail: Exported, files: list[str]) -> str:
    a, b = trail.dir / files[0], trail.dir / files[1]
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return f"log file {files[0]}: REORDERED"


def _delete_newest_digest(trail: Exported, files: list[str]) -> str:
    newest = trail.digests()[-1]
    newest.unlink()
    return f"digest file {newest.relative_to(trail.dir)}: DELETED"


def _delete_first_digest(trail: Exported, files: list[str]) -> str:
    first = trail.digests()[0]
    first.unlink()
    return f"digest file {first.relative_to(trail.dir)}: DELETED"


def _modify_digest(trail: Exported, files: list[str]) -> str:
    first = trail.digests()[0]
    digest = json.loads(gzip.decompress(first.read_bytes()))
    digest["logFiles"] = digest["logFiles"][:1]  # hide a log file from the chain
    first.write_bytes(gzip.compress(json.dumps(digest).encode(), mtime=0))
    return f"digest file {first.relative_to(trail.dir)}: MODIFIED"


def _reorder_digests(trail: Exported, files: list[str]) -> str:
    first, second = trail.digests()
    data_first, data_second = first.read_bytes(), second.read_bytes()
    first.write_bytes(data_second)
    second.write_bytes(data_first)
    return f"digest file {second.relative_to(trail.dir)}: MODIFIED"


TAMPERING: dict[str, Callable[[Exported, list[str]], str]] = {
    "modify a record": _modify_record,
    "delete a record": _delete_record,
    "add a record": _add_record,
    "reorder records": _reorder_records,
    "delete a log file": _delete_file,
    "add a log file": _add_file,
    "swap two log files": _swap_files,
    "delete the newest digest": _delete_newest_digest,
    "delete the first digest": _delete_first_digest,
    "modify a digest": _modify_digest,
    "swap two digests": _reorder_digests,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_is_caught(
    exported: tuple[Exported, list[str]], tamper: Callable[[Exported, list[str]], str]
) -> None:
    trail, files = exported
    expected = tamper(trail, files)
    report = trail.verify()
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems


def test_forged_signing_key_is_caught(exported: tuple[Exported, list[str]]) -> None:
    trail, _ = exported
    report = verify(trail.dir, Ed25519PrivateKey.generate().public_key(), trail.head)
    assert sum("INVALID SIGNATURE" in problem for problem in report.problems) == 2


def test_unknown_account_events_go_under_unknown(tmp_path: Path) -> None:
    trail = Exported(tmp_path)
    files = trail.run([record("2026-11-23T10:05:00Z", account=None)[1]], "2026-11-23T11:00:00")
    assert files[0].startswith("AWSLogs/unknown/CloudTrail/")
    assert trail.verify().ok


def test_unsettled_events_wait_for_the_next_run(tmp_path: Path) -> None:
    trail = Exported(tmp_path)
    events = [
        (1, json.dumps(record("2026-11-23T10:00:00Z")[1])),
        (2, json.dumps(record("2026-11-23T10:59:30Z")[1])),
    ]
    now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    first = export(
        events,
        trail.dir,
        trail.key,
        trail.head,
        now,
        settled_before=datetime(2026, 11, 23, 10, 59, tzinfo=UTC),
    )
    assert first.events == 1 and trail.head.last_seq == 1
    second = export(events[1:], trail.dir, trail.key, trail.head, now + timedelta(minutes=5))
    assert second.events == 1 and trail.head.last_seq == 2
    assert trail.verify().ok
