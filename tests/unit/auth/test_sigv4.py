"""iamd.auth.sigv4: parsing errors, scope and time checks, canonicalization details.

AWS's wording, where clients or people compare it, comes from AWS responses quoted in public reports:
- "Signature expired: ... is now earlier than ... (... - 15 min.)", code SignatureDoesNotMatch,
  from STS and IAM (aws/aws-cli#6676, devsecops/bootcamp#101);
- "Authorization header requires 'Credential' parameter. ..." with IncompleteSignature
  (brendanhay/amazonka#316);
- "'Host' must be a 'SignedHeader' in the AWS Authorization." (NetSPI/AWSSigner#3);
- "'accept' is named as a SignedHeader, but it does not exist in the HTTP request."
  (awslabs/aws-mobile-appsync-sdk-js#702);
- "'...' not a valid key=value pair (missing equal-sign) in Authorization header: '...'."
  (iann0036/cloud9-sync#10);
- "Credential should be scoped to correct service: 'batch'. " (cllunsford/aws-signing-proxy#25),
  SignatureDoesNotMatch for Query APIs (cognitect-labs/aws-api#27 shows STS scope errors under that code).
Messages not seen in such reports (the Date-scope mismatch, presigned-parameter errors) follow the same
style and are marked where they are tested.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from iamd.auth.sigv4 import (
    HttpRequest,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    parse_signature,
    signing_key,
    string_to_sign,
    verify_signature,
)
from iamd.errors import IncompleteSignature, MissingAuthenticationToken, RequestExpired, SignatureDoesNotMatch

NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)
AMZ_DATE = "20150830T123600Z"
KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
BODY = b"Action=ListUsers&Version=2010-05-08"


def signed_request(
    *,
    amz_date: str = AMZ_DATE,
    scope: str = "20150830/us-east-1/iam/aws4_request",
    signed_headers: str = "content-type;host;x-amz-date",
    extra_headers: tuple[tuple[str, str], ...] = (),
    body: bytes = BODY,
) -> HttpRequest:
    """A POST signed with this module's own canonicalization (checked against AWS's vectors elsewhere)."""
    headers = (
        ("Host", "iam.amazonaws.com"),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", amz_date),
        *extra_headers,
    )
    unsigned = HttpRequest("POST", "/", "", headers, body)
    authorization = f"AWS4-HMAC-SHA256 Credential={KEY}/{scope}, SignedHeaders={signed_headers}, Signature="
    placeholder = replace(unsigned, headers=(*headers, ("Authorization", authorization + "0" * 64)))
    info = parse_signature(placeholder)
    date, region, service, _ = scope.split("/")
    sts = string_to_sign(info, canonical_request(placeholder, info))
    signature = hmac.new(signing_key(SECRET, date, region, service), sts.encode(), hashlib.sha256).hexdigest()
    return replace(unsigned, headers=(*headers, ("Authorization", authorization + signature)))


def verify(request: HttpRequest, now: datetime = NOW, **kwargs: object) -> None:
    verify_signature(request, parse_signature(request), SECRET, now=now, **kwargs)  # type: ignore[arg-type]


def test_a_correctly_signed_request_verifies() -> None:
    verify(signed_request())


# --- parse_signature ---------------------------------------------------------------------------


def test_no_authentication_at_all() -> None:
    request = HttpRequest("POST", "/", "", (("Host", "iam.amazonaws.com"),), BODY)
    with pytest.raises(MissingAuthenticationToken) as error:
        parse_signature(request)
    assert error.value.code == "MissingAuthenticationToken"
    assert error.value.status == 403


def test_authorization_header_missing_everything() -> None:
    request = HttpRequest("GET", "/", "", (("Host", "h"), ("Authorization", "Bearer abc")))
    with pytest.raises(IncompleteSignature) as error:
        parse_signature(request)
    assert error.value.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=Bearer abc"
    )


def test_unsupported_algorithm() -> None:
    value = "AWS4-HMAC-SHA512 Credential=AKID/20150830/r/iam/aws4_request, SignedHeaders=host, Signature=x"
    request = HttpRequest("GET", "/", "", (("Host", "h"), ("X-Amz-Date", AMZ_DATE), ("Authorization", value)))
    with pytest.raises(IncompleteSignature, match="Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"):
        parse_signature(request)


def test_authorization_header_missing_signature_only() -> None:
    value = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host"
    request = HttpRequest("GET", "/", "", (("Host", "h"), ("X-Amz-Date", AMZ_DATE), ("Authorization", value)))
    with pytest.raises(IncompleteSignature, match=r"^Authorization header requires 'Signature' parameter\. "):
        parse_signature(request)


def test_authorization_pair_without_equal_sign() -> None:
    value = "AWS4-HMAC-SHA256 Credential AKID/20150830/r/iam/aws4_request, SignedHeaders=host, Signature=x"
    request = HttpRequest("GET", "/", "", (("Host", "h"), ("X-Amz-Date", AMZ_DATE), ("Authorization", value)))
    with pytest.raises(IncompleteSignature) as error:
        parse_signature(request)
    assert error.value.message == (
        "'Credential AKID/20150830/r/iam/aws4_request' not a valid key=value pair (missing equal-sign) "
        f"in Authorization header: '{value}'."
    )


@pytest.mark.parametrize(
    "credential", ["AKID/20150830/us-east-1/iam", "AKID//us-east-1/iam/aws4_request", "AKID"]
)
def test_malformed_credential(credential: str) -> None:
    value = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=x"
    request = HttpRequest("GET", "/", "", (("Host", "h"), ("X-Amz-Date", AMZ_DATE), ("Authorization", value)))
    with pytest.raises(IncompleteSignature, match="Credential must have exactly 5 slash-delimited elements"):
        parse_signature(request)


def test_host_must_be_signed() -> None:
    with pytest.raises(IncompleteSignature) as error:
        signed_request(signed_headers="content-type;x-amz-date")
    assert error.value.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


def test_signed_header_must_exist() -> None:
    with pytest.raises(IncompleteSignature) as error:
        signed_request(signed_headers="accept;host;x-amz-date")
    assert (
        error.value.message
        == "'accept' is named as a SignedHeader, but it does not exist in the HTTP request."
    )


@pytest.mark.parametrize("bad", ["2015-08-30T12:36:00Z", "20150830T1236Z", "20150830", "20150830T123600"])
def test_date_must_be_iso8601_basic(bad: str) -> None:
    request = HttpRequest(
        "GET",
        "/",
        "",
        (
            ("Host", "h"),
            ("X-Amz-Date", bad),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=A/20150830/r/iam/aws4_request, SignedHeaders=host, Signature=x",
            ),
        ),
    )
    with pytest.raises(IncompleteSignature, match=r"^Date must be in ISO-8601 'basic format'\. Got '"):
        parse_signature(request)


def test_date_header_is_used_without_x_amz_date() -> None:
    info_request = HttpRequest(
        "GET",
        "/",
        "",
        (
            ("Host", "h"),
            ("Date", "Sun, 30 Aug 2015 12:36:00 GMT"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=A/20150830/r/iam/aws4_request, "
                "SignedHeaders=date;host, Signature=x",
            ),
        ),
    )
    info = parse_signature(info_request)
    assert info.amz_date == AMZ_DATE
    assert info.signed_at == NOW


def test_security_token_and_claims_are_read() -> None:
    request = signed_request(extra_headers=(("X-Amz-Security-Token", "tok"),))
    info = parse_signature(request)
    assert (info.access_key_id, info.scope_date, info.region, info.service) == (
        KEY,
        "20150830",
        "us-east-1",
        "iam",
    )
    assert info.signed_headers == ("content-type", "host", "x-amz-date")
    assert info.security_token == "tok"
    assert info.credential_scope == "20150830/us-east-1/iam/aws4_request"
    assert not info.presigned


def test_presigned_query_missing_parameters() -> None:
    request = HttpRequest(
        "GET", "/", "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256", (("Host", "h"),)
    )
    with pytest.raises(IncompleteSignature) as error:
        parse_signature(request)
    assert error.value.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "AWS query-string parameters must include 'X-Amz-Expires'. "
        "Re-examine the query-string parameters."
    )


def _presigned_query(**overrides: str) -> str:
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request",
        "X-Amz-Date": AMZ_DATE,
        "X-Amz-Expires": "900",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "ab",
    } | overrides
    return "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"X-Amz-Expires": "-1"}, "X-Amz-Expires must be a non-negative integer"),
        ({"X-Amz-Expires": "604801"}, "X-Amz-Expires must be less than a week"),
        ({"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}, "Unsupported AWS 'algorithm'"),
    ],
)
def test_presigned_query_bad_values(overrides: dict[str, str], message: str) -> None:
    request = HttpRequest("GET", "/", _presigned_query(**overrides), (("Host", "h"),))
    with pytest.raises(IncompleteSignature, match=message):
        parse_signature(request)


def test_presigned_query_parameters_are_decoded() -> None:
    info = parse_signature(HttpRequest("GET", "/", _presigned_query(), (("Host", "h"),)))
    assert info.presigned
    assert info.access_key_id == "AKID"
    assert info.expires == 900
    assert info.service == "sts"


def test_presigned_duplicate_parameter_is_refused() -> None:
    request = HttpRequest("GET", "/", _presigned_query() + "&X-Amz-Signature=cd", (("Host", "h"),))
    with pytest.raises(IncompleteSignature, match="only once"):
        parse_signature(request)


def test_header_and_query_authentication_together_are_refused() -> None:
    request = signed_request()
    with pytest.raises(IncompleteSignature, match="Only one auth mechanism allowed"):
        parse_signature(replace(request, raw_query=_presigned_query()))


# --- scope ---------------------------------------------------------------------------------------


def test_service_must_be_accepted() -> None:
    request = signed_request(scope="20150830/us-east-1/s3/aws4_request")
    with pytest.raises(SignatureDoesNotMatch) as error:
        verify(request)
    assert error.value.message == "Credential should be scoped to correct service: 'iam'. "
    assert error.value.status == 403


def test_access_analyzer_is_accepted_when_the_endpoint_says_so() -> None:
    request = signed_request(scope="20150830/us-east-1/access-analyzer/aws4_request")
    with pytest.raises(SignatureDoesNotMatch):
        verify(request)
    verify(request, services=("access-analyzer",))


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "cn-north-1", "local"])
def test_any_region_is_accepted(region: str) -> None:
    verify(signed_request(scope=f"20150830/{region}/sts/aws4_request"))


def test_terminator_must_be_aws4_request() -> None:
    request = signed_request(scope="20150830/us-east-1/iam/aws5_request")
    with pytest.raises(SignatureDoesNotMatch, match="valid terminator: 'aws4_request', not 'aws5_request'"):
        verify(request)


def test_scope_date_must_match_the_request_date() -> None:
    request = signed_request(scope="20150831/us-east-1/iam/aws4_request")
    with pytest.raises(SignatureDoesNotMatch) as error:
        verify(request)
    assert error.value.message == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'20150831' != '20150830', from '20150830T123600Z'."
    )


# --- time ------------------------------------------------------------------------------------------


def test_expired_request_message() -> None:
    with pytest.raises(SignatureDoesNotMatch) as error:
        verify(signed_request(), now=NOW + timedelta(minutes=10))
    assert error.value.message == (
        "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)"
    )


def test_request_from_the_future_message() -> None:
    with pytest.raises(SignatureDoesNotMatch) as error:
        verify(signed_request(), now=NOW - timedelta(minutes=6))
    assert error.value.message == (
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
        "(20150830T123000Z + 5 min.)"
    )


def test_skew_window_edges() -> None:
    request = signed_request()
    verify(request, now=NOW + timedelta(minutes=5))
    verify(request, now=NOW - timedelta(minutes=5))
    verify(request, now=NOW + timedelta(minutes=15), max_skew=timedelta(minutes=15))
    with pytest.raises(SignatureDoesNotMatch, match=r"\(20150830T125200Z - 15 min\.\)"):
        verify(request, now=NOW + timedelta(minutes=16), max_skew=timedelta(minutes=15))


@pytest.mark.parametrize("skew", [timedelta(minutes=16), timedelta(0), timedelta(minutes=-1)])
def test_skew_beyond_aws_limits_is_a_programming_error(skew: timedelta) -> None:
    with pytest.raises(ValueError, match="max_skew"):
        verify(signed_request(), max_skew=skew)


def test_expiry_is_checked_before_the_signature() -> None:
    # A correct signature with a stale date still fails with the time message (clients use it to fix skew).
    request = signed_request()
    with pytest.raises(SignatureDoesNotMatch, match="Signature expired"):
        verify_signature(request, parse_signature(request), "wrong", now=NOW + timedelta(hours=1))


def test_presigned_expiry_is_request_expired() -> None:
    request = HttpRequest("GET", "/", _presigned_query(), (("Host", "h"),))
    info = parse_signature(request)
    with pytest.raises(RequestExpired) as error:
        verify_signature(request, info, SECRET, now=NOW + timedelta(seconds=901), services=("sts",))
    assert (error.value.code, error.value.status) == ("RequestExpired", 400)


# --- signature --------------------------------------------------------------------------------


def test_non_ascii_signature_is_a_mismatch_not_a_crash() -> None:
    request = signed_request()
    info = replace(parse_signature(request), signature="é" * 64)
    with pytest.raises(SignatureDoesNotMatch) as error:
        verify_signature(request, info, SECRET, now=NOW)
    assert error.value.message.startswith("The request signature we calculated does not match")


def test_content_sha256_header_matching_the_body_is_accepted() -> None:
    digest = hashlib.sha256(BODY).hexdigest()
    request = signed_request(
        signed_headers="content-type;host;x-amz-content-sha256;x-amz-date",
        extra_headers=(("X-Amz-Content-Sha256", digest),),
    )
    verify(request)
    with pytest.raises(SignatureDoesNotMatch, match="x-amz-content-sha256"):
        verify(replace(request, body=BODY + b"&x=1"))


# --- canonicalization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_path", "canonical"),
    [
        ("", "/"),
        ("/", "/"),
        ("//a//b/", "/a/b/"),
        ("/a/./b/../c", "/a/c"),
        ("/../..", "/"),
        ("/a%20b", "/a%2520b"),  # non-S3 paths are encoded twice
        ("/ü", "/%C3%BC"),
        ("/-_.~", "/-_.~"),
        ("/$x", "/%24x"),
    ],
)
def test_canonical_uri(raw_path: str, canonical: str) -> None:
    assert canonical_uri(raw_path) == canonical


@pytest.mark.parametrize(
    ("raw_query", "canonical"),
    [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1", "a=1&a=2"),
        ("a", "a="),
        ("a=b=c", "a=b%3Dc"),
        ("a=x+y", "a=x%2By"),  # '+' is a literal plus in SigV4
        ("a=%7e%2f", "a=~%2F"),  # decoded, then re-encoded in upper case with ~ unreserved
        ("k=%FF", "k=%FF"),  # bytes that are not UTF-8 survive
        ("&&a=1&", "a=1"),
    ],
)
def test_canonical_query_string(raw_query: str, canonical: str) -> None:
    assert canonical_query_string(raw_query) == canonical


def test_presigned_canonical_query_drops_only_the_signature() -> None:
    query = "X-Amz-Signature=abc&X-Amz-Date=1&Action=A"
    assert canonical_query_string(query, drop_signature=True) == "Action=A&X-Amz-Date=1"


def test_from_wire_keeps_every_byte() -> None:
    request = HttpRequest.from_wire(
        "GET", b"/caf\xc3\xa9", b"a=%FF", [(b"Host", b"h"), (b"X-Odd", b"\xff\xfe")], b""
    )
    assert request.raw_path == "/café"
    assert request.headers[1][1].encode("utf-8", "surrogateescape") == b"\xff\xfe"
