"""Round trips with the real client: requests signed by botocore's SigV4Auth / SigV4QueryAuth (the signer
behind boto3 and the AWS CLI) must verify, and any tampering must fail.

botocore's clock is pinned through ``botocore.auth.get_current_datetime``; requests are turned into what
an HTTP server receives (the Host header the HTTP client adds, the path and query as sent on the wire).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import botocore.auth
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from iamd.auth.sigv4 import HttpRequest, parse_signature, verify_signature
from iamd.errors import RequestExpired, SignatureDoesNotMatch

SIGNED_AT = datetime(2026, 11, 23, 15, 0, 0, tzinfo=UTC)
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//////////wEaDKy+token/with=reserved&chars"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: SIGNED_AT.replace(tzinfo=None))
    yield


def to_http_request(prepared_url: str, method: str, headers: dict[str, str], body: bytes) -> HttpRequest:
    parts = urlsplit(prepared_url)
    wire_headers = [("Host", parts.netloc), *headers.items()]
    return HttpRequest(
        method=method,
        raw_path=parts.path or "/",
        raw_query=parts.query,
        headers=tuple(wire_headers),
        body=body,
    )


def sign_header(
    params: dict[str, str],
    *,
    service: str = "iam",
    region: str = "us-east-1",
    token: str | None = None,
    url: str = "https://iam.amazonaws.com/",
) -> HttpRequest:
    request = AWSRequest(method="POST", url=url, data=params, headers={"Content-Type": FORM})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET, token), service, region).add_auth(request)
    prepared = request.prepare()
    body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    return to_http_request(prepared.url, "POST", dict(prepared.headers.items()), body)


def sign_query(
    params: dict[str, str], *, service: str = "sts", token: str | None = None, expires: int = 900
) -> HttpRequest:
    request = AWSRequest(method="GET", url="https://sts.amazonaws.com/", params=params)
    SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET, token), service, "us-east-1", expires=expires).add_auth(
        request
    )
    prepared = request.prepare()
    return to_http_request(prepared.url, "GET", dict(prepared.headers.items()), b"")


def verify(request: HttpRequest, now: datetime = SIGNED_AT) -> None:
    verify_signature(request, parse_signature(request), SECRET, now=now)


IAM_CASES = {
    "plain": {"Action": "ListUsers", "Version": "2010-05-08"},
    "unicode": {"Action": "CreateUser", "Version": "2010-05-08", "UserName": "zoë-東京", "Path": "/ünï/"},
    "reserved": {
        "Action": "PutUserPolicy",
        "Version": "2010-05-08",
        "UserName": "a+b=c@d,e.f-g_h",
        "PolicyName": "p",
        "PolicyDocument": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        '"Resource":"arn:aws:s3:::b/key with spaces/%2F&?#"}]}',
    },
    "tags": {"Action": "TagUser", "Version": "2010-05-08", "UserName": "u", "Tags.member.1.Key": "k ~!*'()"},
}


@pytest.mark.parametrize("token", [None, TOKEN], ids=["long-term", "session-token"])
@pytest.mark.parametrize("params", IAM_CASES.values(), ids=IAM_CASES.keys())
def test_header_signed_iam_query_requests_verify(params: dict[str, str], token: str | None) -> None:
    request = sign_header(params, token=token)
    info = parse_signature(request)
    assert info.access_key_id == ACCESS_KEY
    assert info.security_token == token
    assert not info.presigned
    verify(request)


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-3", "ap-southeast-2"])
def test_sts_in_any_region_verifies(region: str) -> None:
    request = sign_header(
        {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        service="sts",
        region=region,
        url=f"https://sts.{region}.amazonaws.com/",
    )
    assert parse_signature(request).region == region
    verify(request)


def test_paths_with_reserved_and_unicode_characters_verify() -> None:
    # Non-S3 signing normalizes the path and URI-encodes it a second time; the server must agree.
    for path in ["/a%20b/", "/caf%C3%A9/x", "/%2F/./../c//d", "/~user/(x)!*'"]:
        request = sign_header({"Action": "ListUsers"}, url=f"https://iam.amazonaws.com{path}")
        verify(request)


@pytest.mark.parametrize("token", [None, TOKEN], ids=["long-term", "session-token"])
def test_presigned_sts_get_caller_identity_verifies(token: str | None) -> None:
    request = sign_query({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, token=token)
    info = parse_signature(request)
    assert info.presigned
    assert info.expires == 900
    assert info.security_token == token
    verify(request)
    verify(request, now=SIGNED_AT + timedelta(seconds=900))


def test_presigned_with_unicode_and_reserved_values_verifies() -> None:
    request = sign_query({"Action": "GetCallerIdentity", "Version": "2011-06-15", "X": "ü +/=&?"})
    verify(request)


def test_presigned_request_expires() -> None:
    # https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: RequestExpired covers requests
    # that arrive after a pre-signed URL's expiration date.
    request = sign_query({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, expires=60)
    with pytest.raises(RequestExpired):
        verify(request, now=SIGNED_AT + timedelta(seconds=61))


def test_header_signed_request_outside_the_skew_window() -> None:
    request = sign_header(IAM_CASES["plain"])
    with pytest.raises(SignatureDoesNotMatch, match=r"^Signature expired: 20261123T150000Z is now earlier"):
        verify(request, now=SIGNED_AT + timedelta(minutes=5, seconds=1))
    verify(request, now=SIGNED_AT + timedelta(minutes=5))


def _tamper_header(request: HttpRequest, header: str, change: str) -> HttpRequest:
    return replace(
        request,
        headers=tuple((n, v + change if n.lower() == header else v) for n, v in request.headers),
    )


def test_tampered_header_signed_requests_fail() -> None:
    request = sign_header(IAM_CASES["reserved"], token=TOKEN)
    verify(request)
    tampered = [
        replace(request, method="PUT"),
        replace(request, raw_path="/x"),
        replace(request, raw_query="Action=DeleteUser"),
        replace(request, body=request.body.replace(b"UserName=a", b"UserName=b")),
        replace(request, body=request.body + b"&UserName=evil"),
        _tamper_header(request, "host", ".evil"),
        _tamper_header(request, "content-type", "x"),
        _tamper_header(request, "x-amz-security-token", "x"),
    ]
    for variant in tampered:
        with pytest.raises(SignatureDoesNotMatch):
            verify(variant)
    with pytest.raises(SignatureDoesNotMatch):
        verify_signature(request, parse_signature(request), SECRET.lower(), now=SIGNED_AT)


def test_tampered_presigned_requests_fail() -> None:
    request = sign_query({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, token=TOKEN)
    query = request.raw_query
    tampered = [
        replace(request, raw_query=query.replace("GetCallerIdentity", "GetSessionToken")),
        replace(request, raw_query=query.replace("X-Amz-Expires=900", "X-Amz-Expires=9000")),
        replace(request, raw_query=query + "&Extra=1"),
        replace(request, raw_query=query.replace("X-Amz-Security-Token=", "X-Amz-Security-Token=x")),
        replace(request, method="POST"),
        _tamper_header(request, "host", ".evil"),
    ]
    for variant in tampered:
        with pytest.raises(SignatureDoesNotMatch):
            verify(variant)


def test_body_hash_header_must_match_the_body() -> None:
    request = sign_header(IAM_CASES["plain"])
    spoofed = replace(request, headers=(*request.headers, ("X-Amz-Content-Sha256", "0" * 64)))
    with pytest.raises(SignatureDoesNotMatch, match="x-amz-content-sha256"):
        verify(spoofed)


# Any text a client may put in a form value or a query value round-trips (surrogates excluded: clients
# cannot encode them). Property-based: hypothesis draws names and values from all of Unicode.
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_params = st.dictionaries(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12), _text, max_size=5
)


@settings(max_examples=60, deadline=None)
@given(params=_params)
def test_any_form_values_round_trip(params: dict[str, str]) -> None:
    verify(sign_header({"Action": "CreateUser", **params}))


@settings(max_examples=60, deadline=None)
@given(params=_params)
def test_any_presigned_query_values_round_trip(params: dict[str, str]) -> None:
    params = {k: v for k, v in params.items() if not k.startswith("X-Amz-")}
    verify(sign_query({"Action": "GetCallerIdentity", **params}))
