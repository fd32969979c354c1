"""``iamd audit verify DIR``: check an export as ``aws cloudtrail validate-logs`` checks a trail
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-cli.html).

Per account, walk the digest chain from its newest digest (the head kept in the data directory, when
known) back to the first: every digest must exist, hash to what its successor recorded and carry a valid
signature; every log file a digest lists must exist and hash to what the digest recorded. A log file
whose content does not match is compared record by record (modified, deleted, added, reordered records);
a file that holds another listed file's content was moved. Files no digest lists were added.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iamd.audit.digest import record_hash, sha256_hex, signature_valid
from iamd.audit.export import ExportHead


@dataclass(slots=True)
class Report:
    problems: list[str] = field(default_factory=list)
    digests_valid: int = 0
    log_files_valid: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_json_gz(path: Path) -> tuple[bytes, Any] | None:
    try:
        content = gzip.decompress(path.read_bytes())
        return content, orjson.loads(content)
    except (OSError, EOFError, zlib.error, orjson.JSONDecodeError):
        return None


def verify(out_dir: Path, key: Ed25519PublicKey, head: ExportHead | None) -> Report:
    report = Report()
    logs_root = out_dir / "AWSLogs"
    accounts = sorted(p.name for p in logs_root.iterdir() if p.is_dir()) if logs_root.is_dir() else []
    if head is not None:
        accounts = sorted(set(accounts) | set(head.accounts))
    for account in accounts:
        _verify_account(out_dir, account, key, head, report)
    return report


def _files(out_dir: Path, account: str, kind: str) -> set[str]:
    root = out_dir / "AWSLogs" / account / kind
    if not root.is_dir():
        return set()
    return {str(p.relative_to(out_dir)) for p in root.rglob("*.json.gz") if p.is_file()}


def _newest_digest(out_dir: Path, digests: set[str]) -> str | None:
    """Without a known head: the digest no other digest names as its predecessor, latest first."""
    named: set[str] = set()
    for relative in digests:
        read = _read_json_gz(out_dir / relative)
        if read is not None and isinstance(read[1], dict) and read[1].get("previousDigestS3Object"):
            named.add(read[1]["previousDigestS3Object"])
    tails = sorted(digests - named)
    return tails[-1] if tails else None


def _verify_account(
    out_dir: Path, account: str, key: Ed25519PublicKey, head: ExportHead | None, report: Report
) -> None:
    digests_on_disk = _files(out_dir, account, "CloudTrail-Digest")
    logs_on_disk = _files(out_dir, account, "CloudTrail")
    known = head.accounts.get(account) if head is not None else None
    current = known.digest if known is not None else _newest_digest(out_dir, digests_on_disk)
    expected_hash = known.hash if known is not None else None
    seen_digests: set[str] = set()
    listed: dict[str, dict[str, Any]] = {}
    while current is not None and current not in seen_digests:
        seen_digests.add(current)
        path = out_dir / current
        if not path.is_file():
            report.problems.append(f"digest file {current}: DELETED")
            break
        data = path.read_bytes()
        read = _read_json_gz(path)
        if expected_hash is not None and sha256_hex(data) != expected_hash:
            report.problems.append(f"digest file {current}: MODIFIED (its hash differs from the chain's)")
        if read is None or not isinstance(read[1], dict):
            report.problems.append(f"digest file {current}: unreadable")
            break
        digest = read[1]
        signature_path = path.with_name(path.name + ".sig")
        signature = signature_path.read_text().strip() if signature_path.is_file() else ""
        if not signature_valid(key, digest, data, signature):
            report.problems.append(f"digest file {current}: INVALID SIGNATURE")
        elif expected_hash is None or sha256_hex(data) == expected_hash:
            report.digests_valid += 1
        if digest.get("digestS3Object") != current:
            report.problems.append(
                f"digest file {current}: MOVED (it was written as {digest.get('digestS3Object')})"
            )
        for entry in digest.get("logFiles", []):
            listed[entry["s3Object"]] = entry
        current = digest.get("previousDigestS3Object")
        expected_hash = digest.get("previousDigestHashValue")
    for extra in sorted(digests_on_disk - seen_digests):
        report.problems.append(f"digest file {extra}: ADDED (not part of the signed chain)")
    by_hash = {entry["hashValue"]: name for name, entry in listed.items()}
    for name in sorted(listed):
        _verify_log_file(out_dir, name, listed[name], by_hash, report)
    for extra in sorted(logs_on_disk - set(listed)):
        report.problems.append(f"log file {extra}: ADDED (no digest lists it)")


def _verify_log_file(
    out_dir: Path, name: str, entry: dict[str, Any], by_hash: dict[str, str], report: Report
) -> None:
    path = out_dir / name
    if not path.is_file():
        report.problems.append(f"log file {name}: DELETED")
        return
    read = _read_json_gz(path)
    if read is None:
        report.problems.append(f"log file {name}: MODIFIED (not gzip JSON any more)")
        return
    content, document = read
    digest_hash = sha256_hex(content)
    if digest_hash == entry["hashValue"]:
        report.log_files_valid += 1
        return
    if digest_hash in by_hash:
        report.problems.append(f"log file {name}: REORDERED (it holds the content of {by_hash[digest_hash]})")
        return
    report.problems.append(f"log file {name}: MODIFIED")
    records = document.get("Records") if isinstance(document, dict) else None
    if isinstance(records, list):
        report.problems += [f"  {line}" for line in _record_changes(entry.get("records", []), records)]


def _record_changes(expected: list[list[str]], records: list[Any]) -> list[str]:
    want = {str(pair[0]): str(pair[1]) for pair in expected}
    got: list[tuple[str, str]] = []
    for record in records:
        if isinstance(record, dict):
            got.append((str(record.get("eventID")), record_hash(record)))
    got_ids = {event_id for event_id, _ in got}
    lines = [f"record {event_id}: DELETED" for event_id, _ in expected if event_id not in got_ids]
    for event_id, digest in got:
        if event_id not in want:
            lines.append(f"record {event_id}: ADDED")
        elif want[event_id] != digest:
            lines.append(f"record {event_id}: MODIFIED")
    kept_expected = [event_id for event_id, _ in expected if event_id in got_ids]
    kept_got = [event_id for event_id, _ in got if event_id in want]
    if kept_expected != kept_got:
        lines.append("records REORDERED: " + ", ".join(kept_got))
    return lines
