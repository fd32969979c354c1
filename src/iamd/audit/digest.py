"""Digest files: what CloudTrail's log file integrity validation keeps, with Ed25519 for RSA.

As in https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html,
each digest lists the log files delivered since the previous one with the SHA-256 of their (uncompressed)
content, and chains to the previous digest by its hash and signature. CloudTrail keeps the signature in
S3 object metadata; a directory has none, so it sits beside the digest in ``<digest>.sig`` (hex). The
signed string is CloudTrail's: digestEndTime, the digest's path, the SHA-256 of the digest file as stored
and the previous signature, one per line. iamd adds each log file's records (event id, SHA-256 of the
record) in order, so verification can name the records that were changed, added, dropped or moved.
"""

from __future__ import annotations

import gzip
import hashlib
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_ALGORITHM = "Ed25519"
HASH_ALGORITHM = "SHA-256"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_hash(record: dict[str, Any]) -> str:
    return sha256_hex(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))


def gzip_json(document: Any) -> bytes:
    """Deterministic gzip (no timestamp in the header)."""
    return gzip.compress(orjson.dumps(document), mtime=0)


def string_to_sign(digest: dict[str, Any], digest_file: bytes) -> bytes:
    previous = digest.get("previousDigestSignature") or "null"
    lines = [digest["digestEndTime"], digest["digestS3Object"], sha256_hex(digest_file), previous]
    return "\n".join(lines).encode("utf-8")


def sign(key: Ed25519PrivateKey, digest: dict[str, Any], digest_file: bytes) -> str:
    return key.sign(string_to_sign(digest, digest_file)).hex()


def signature_valid(
    key: Ed25519PublicKey, digest: dict[str, Any], digest_file: bytes, signature: str
) -> bool:
    try:
        key.verify(bytes.fromhex(signature), string_to_sign(digest, digest_file))
    except (InvalidSignature, ValueError):
        return False
    return True
