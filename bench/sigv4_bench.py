"""SigV4 verification speed for a typical IAM Query POST (CreateUser with tags), signed by botocore.

Prints verifications per second and microseconds per verification for parse + verify, for verify alone,
and for a presigned STS GetCallerIdentity. Run: .venv/bin/python bench/sigv4_bench.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iamd.auth.sigv4 import HttpRequest, parse_signature, verify_signature

NOW = datetime(2026, 11, 23, 15, 0, 0, tzinfo=UTC)
CREDENTIALS = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
SECRET = CREDENTIALS.secret_key


def _to_http(prepared_url: str, method: str, headers: dict[str, str], body: bytes) -> HttpRequest:
    parts = urlsplit(prepared_url)
    extra = [
        ("User-Agent", "aws-cli/2.17.0 Python/3.11 Linux botocore/2.0"),
        ("Accept-Encoding", "identity"),
        ("Content-Length", str(len(body))),
    ]
    return HttpRequest(
        method, parts.path or "/", parts.query, (("Host", parts.netloc), *headers.items(), *extra), body
    )


def iam_post() -> HttpRequest:
    params = {
        "Action": "CreateUser",
        "Version": "2010-05-08",
        "UserName": "alice",
        "Path": "/engineering/",
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "platform",
    }
    request = AWSRequest(
        method="POST",
        url="https://iam.amazonaws.com/",
        data=params,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(CREDENTIALS, "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    return _to_http(prepared.url, "POST", dict(prepared.headers.items()), prepared.body.encode())


def sts_presigned() -> HttpRequest:
    request = AWSRequest(
        method="GET",
        url="https://sts.amazonaws.com/",
        params={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
    )
    SigV4QueryAuth(CREDENTIALS, "sts", "us-east-1", expires=900).add_auth(request)
    prepared = request.prepare()
    return _to_http(prepared.url, "GET", dict(prepared.headers.items()), b"")


def measure(name: str, action: Callable[[], object], seconds: float = 1.0) -> None:
    action()  # warm the signing-key cache
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(1000):
            action()
        count += 1000
    print(f"{name:<44} {count / elapsed:>12,.0f} {elapsed / count * 1e6:>10.1f}")


def main() -> None:
    botocore.auth.get_current_datetime = lambda: NOW.replace(tzinfo=None)
    post, presigned = iam_post(), sts_presigned()
    post_info = parse_signature(post)

    def full(request: HttpRequest) -> Callable[[], None]:
        return lambda: verify_signature(request, parse_signature(request), SECRET, now=NOW)

    print(f"{'case':<44} {'verifications/s':>12} {'µs each':>10}")
    measure("IAM POST CreateUser: parse + verify", full(post))
    measure("IAM POST CreateUser: verify only", lambda: verify_signature(post, post_info, SECRET, now=NOW))
    measure("STS presigned GetCallerIdentity: parse + verify", full(presigned))


if __name__ == "__main__":
    main()
