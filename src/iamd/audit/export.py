"""``iamd audit export DIR``: the trail as CloudTrail delivers it to S3, plus signed digests.

Layout (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html):

    AWSLogs/ACCOUNT/CloudTrail/us-east-1/YYYY/MM/DD/ACCOUNT_CloudTrail_us-east-1_YYYYMMDDTHHmmZ_UNIQUE.json.gz
    AWSLogs/ACCOUNT/CloudTrail-Digest/us-east-1/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_us-east-1_iamd_us-east-1_YYYYMMDDTHHmmssZ.json.gz

One log file per account and hour of event time per run (the name carries the hour), one digest per account
per run. Events of requests no account was identified for (failed authentication) go under ``unknown``.
Each run continues after the last event the previous run exported to the same directory; that head (last
sequence number, last digest per account) is kept in the data directory, beside the signing key, where
``verify`` also finds it, so a deleted tail of the chain is noticed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iamd.audit.digest import HASH_ALGORITHM, SIGNATURE_ALGORITHM, gzip_json, record_hash, sha256_hex, sign
from iamd.audit.keys import fingerprint

REGION = "us-east-1"
BUCKET = "iamd-export"  # the digest fields name an S3 bucket; an export directory has none
HEADS_FILE = "audit-export-heads.json"
UNKNOWN_ACCOUNT = "unknown"


@dataclass(slots=True)
class AccountHead:
    digest: str  # path of the newest digest, relative to the export directory
    hash: str  # SHA-256 of that digest file
    signature: str
    end_time: str


@dataclass(slots=True)
class ExportHead:
    last_seq: int = 0
    accounts: dict[str, AccountHead] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "lastSeq": self.last_seq,
            "accounts": {
                k: {"digest": v.digest, "hash": v.hash, "signature": v.signature, "endTime": v.end_time}
                for k, v in self.accounts.items()
            },
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ExportHead:
        accounts = {
            k: AccountHead(v["digest"], v["hash"], v["signature"], v["endTime"])
            for k, v in raw["accounts"].items()
        }
        return cls(int(raw["lastSeq"]), accounts)


def load_heads(data_dir: Path) -> dict[str, ExportHead]:
    path = data_dir / HEADS_FILE
    if not path.exists():
        return {}
    return {k: ExportHead.from_json(v) for k, v in json.loads(path.read_text()).items()}


def save_heads(data_dir: Path, heads: dict[str, ExportHead]) -> None:
    path = data_dir / HEADS_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({k: v.to_json() for k, v in heads.items()}, indent=2))
    temporary.replace(path)


def head_key(out_dir: Path) -> str:
    return str(out_dir.resolve())


def _stamp(moment: datetime, seconds: bool) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ" if seconds else "%Y%m%dT%H%MZ")


def _day_dir(account: str, kind: str, moment: datetime) -> str:
    return f"AWSLogs/{account}/{kind}/{REGION}/{moment:%Y/%m/%d}"


@dataclass(frozen=True, slots=True)
class ExportResult:
    log_files: list[str]
    digest_files: list[str]
    events: int


def export(
    events: Iterable[tuple[int, str]],
    out_dir: Path,
    key: Ed25519PrivateKey,
    head: ExportHead,
    now: datetime,
    settled_before: datetime | None = None,
) -> ExportResult:
    """Write the given ``(seq, record JSON)`` events (all after ``head.last_seq``, in order) and advance
    ``head``. Nothing is written when there is nothing new.

    ``settled_before`` stops at the first event at or after that time: on PostgreSQL, sequence numbers
    are taken when a transaction inserts and become visible when it commits, so a recent event could
    still be preceded by one in flight, which a later run would then skip."""
    out_dir.mkdir(parents=True, exist_ok=True)
    groups: dict[tuple[str, datetime], list[dict[str, Any]]] = {}
    last_seq = head.last_seq
    for seq, text in events:
        record = orjson.loads(text)
        account = record.get("recipientAccountId") or UNKNOWN_ACCOUNT
        moment = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if settled_before is not None and moment >= settled_before:
            break
        hour = moment.replace(minute=0, second=0, microsecond=0)
        groups.setdefault((account, hour), []).append(record)
        last_seq = max(last_seq, seq)
    by_account: dict[str, list[dict[str, Any]]] = {}
    log_files: list[str] = []
    for (account, hour), records in sorted(groups.items()):
        content = orjson.dumps({"Records": records})
        content_hash = sha256_hex(content)
        name = f"{account}_CloudTrail_{REGION}_{_stamp(hour, False)}_{content_hash[:16]}.json.gz"
        relative = f"{_day_dir(account, 'CloudTrail', hour)}/{name}"
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip_json({"Records": records}))
        log_files.append(relative)
        by_account.setdefault(account, []).append(
            {
                "s3Bucket": BUCKET,
                "s3Object": relative,
                "hashValue": content_hash,
                "hashAlgorithm": HASH_ALGORITHM,
                "oldestEventTime": min(r["eventTime"] for r in records),
                "newestEventTime": max(r["eventTime"] for r in records),
                "records": [[r["eventID"], record_hash(r)] for r in records],
            }
        )
    digests = [
        _write_digest(out_dir, key, account, files, head, now)
        for account, files in sorted(by_account.items())
    ]
    head.last_seq = last_seq
    return ExportResult(log_files, digests, sum(len(r) for r in groups.values()))


def _write_digest(
    out_dir: Path,
    key: Ed25519PrivateKey,
    account: str,
    files: list[dict[str, Any]],
    head: ExportHead,
    now: datetime,
) -> str:
    previous = head.accounts.get(account)
    end = now.astimezone(UTC).replace(microsecond=0)
    if previous is not None and end <= datetime.strptime(previous.end_time, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC
    ):
        # Two runs within a second: digests are named by their end time, which must move on.
        end = datetime.strptime(previous.end_time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) + timedelta(
            seconds=1
        )
    end_text = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    name = f"{account}_CloudTrail-Digest_{REGION}_iamd_{REGION}_{_stamp(end, True)}.json.gz"
    relative = f"{_day_dir(account, 'CloudTrail-Digest', end)}/{name}"
    digest: dict[str, Any] = {
        "awsAccountId": account,
        "digestStartTime": previous.end_time
        if previous is not None
        else min(f["oldestEventTime"] for f in files),
        "digestEndTime": end_text,
        "digestS3Bucket": BUCKET,
        "digestS3Object": relative,
        "digestPublicKeyFingerprint": fingerprint(key.public_key()),
        "digestSignatureAlgorithm": SIGNATURE_ALGORITHM,
        "newestEventTime": max(f["newestEventTime"] for f in files),
        "oldestEventTime": min(f["oldestEventTime"] for f in files),
        "previousDigestS3Bucket": BUCKET if previous is not None else None,
        "previousDigestS3Object": previous.digest if previous is not None else None,
        "previousDigestHashValue": previous.hash if previous is not None else None,
        "previousDigestHashAlgorithm": HASH_ALGORITHM if previous is not None else None,
        "previousDigestSignature": previous.signature if previous is not None else None,
        "logFiles": files,
    }
    data = gzip_json(digest)
    signature = sign(key, digest, data)
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_text(signature + "\n")
    head.accounts[account] = AccountHead(relative, sha256_hex(data), signature, end_text)
    return relative
