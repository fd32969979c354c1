"""Verification of AWS Signature Version 4 on incoming requests (header-signed and presigned).

Two steps, so that the caller can look the secret up in between:

    info = parse_signature(request)          # structure only; raises AWS's errors for malformed input
    secret = <look up info.access_key_id>
    verify_signature(request, info, secret, now=now)   # scope, time window, then the signature itself

The canonical request is rebuilt exactly as AWS's clients build it for services other than S3
(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the path has its dot
segments and empty segments removed and is then URI-encoded (so a percent-encoded path is encoded a
second time), query parameters are decoded, re-encoded with the RFC 3986 unreserved set and sorted,
header values are trimmed with inner whitespace collapsed, repeated headers are joined with commas.

No I/O here: time comes in as ``now``, secrets as arguments.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

from iamd.errors import (
    IncompleteSignature,
    MissingAuthenticationToken,
    RequestExpired,
    SignatureDoesNotMatch,
)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
# Services whose requests iamd verifies on the Query endpoint, and the signing name of Access Analyzer.
QUERY_SERVICES: tuple[str, ...] = ("iam", "sts")
ACCESS_ANALYZER_SERVICES: tuple[str, ...] = ("access-analyzer",)
DEFAULT_MAX_SKEW = timedelta(minutes=5)
# AWS rejects requests more than 15 minutes away from its clock; iamd never allows a wider window.
MAX_ALLOWED_SKEW = timedelta(minutes=15)
# A presigned URL lives at most seven days, the lifetime of a derived signing key.
MAX_PRESIGN_EXPIRES = 604800

_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_AMZ_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z", re.ASCII)
_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]*")
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_PRESIGN_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An HTTP request as received. ``raw_path`` and ``raw_query`` keep their percent-encoding intact;
    ``headers`` keep their order and repetitions. Text is the wire bytes decoded losslessly as
    UTF-8 with ``surrogateescape`` (see :meth:`from_wire`), so the canonical request gets back the
    exact bytes the client signed."""

    method: str
    raw_path: str
    raw_query: str
    headers: Sequence[tuple[str, str]]
    body: bytes = b""

    @classmethod
    def from_wire(
        cls,
        method: str,
        raw_path: bytes,
        raw_query: bytes,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
    ) -> HttpRequest:
        """Build from the raw pieces an ASGI server hands over (``scope["raw_path"]``,
        ``scope["query_string"]``, ``scope["headers"]``)."""
        return cls(
            method=method,
            raw_path=_from_bytes(raw_path),
            raw_query=_from_bytes(raw_query),
            headers=tuple((_from_bytes(name), _from_bytes(value)) for name, value in headers),
            body=body,
        )


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """What a request claims about its signature; nothing in it has been verified yet."""

    access_key_id: str
    amz_date: str  # ISO 8601 basic format, as it enters the string to sign
    signed_at: datetime  # amz_date as an aware UTC datetime
    scope_date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str
    security_token: str | None
    presigned: bool
    expires: int | None  # X-Amz-Expires of a presigned request, in seconds

    @property
    def credential_scope(self) -> str:
        return f"{self.scope_date}/{self.region}/{self.service}/{self.terminator}"


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_signature(request: HttpRequest) -> SignatureInfo:
    """Read the signature claims of ``request`` from its Authorization header or its query string."""
    headers = _header_map(request.headers)
    authorization = headers.get("authorization")
    # Decode the query only when it may carry a signature (clients never encode these names).
    query = _query_pairs(request.raw_query) if "X-Amz-" in request.raw_query else []
    presigned = any(name in _PRESIGN_PARAMS[:4] for name, _ in query)
    if authorization is not None and presigned:
        raise IncompleteSignature(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the "
            "Authorization header should be specified"
        )
    if authorization is not None:
        return _parse_authorization_header(",".join(authorization), headers)
    if presigned:
        return _parse_presigned_query(query, headers)
    raise MissingAuthenticationToken()


def _parse_authorization_header(value: str, headers: dict[str, list[str]]) -> SignatureInfo:
    algorithm, _, rest = value.strip().partition(" ")
    fields: dict[str, str] = {}
    if algorithm != ALGORITHM and "Credential=" in rest:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{algorithm}'. Use '{ALGORITHM}'.")
    if algorithm == ALGORITHM:
        for raw_part in rest.split(","):
            part = raw_part.strip()
            if not part:
                continue
            key, equals, field_value = part.partition("=")
            if not equals:
                raise IncompleteSignature(
                    f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: "
                    f"'{value}'."
                )
            fields[key.strip()] = field_value.strip()
    date_value = _first(headers, "x-amz-date")
    http_date = _first(headers, "date")
    # AWS names every missing element at once, then quotes the header it was given.
    missing = [
        f"Authorization header requires '{name}' parameter. "
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in fields
    ]
    if date_value is None and http_date is None:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        )
    if missing:
        raise IncompleteSignature("".join(missing) + f"Authorization={value}")
    if date_value is not None:
        amz_date, signed_at = _parse_amz_date(date_value)
    else:
        assert http_date is not None
        amz_date, signed_at = _parse_http_date(http_date)
    access_key_id, scope = _split_credential(fields["Credential"])
    signed_headers = _parse_signed_headers(fields["SignedHeaders"], headers)
    return SignatureInfo(
        access_key_id=access_key_id,
        amz_date=amz_date,
        signed_at=signed_at,
        scope_date=scope[0],
        region=scope[1],
        service=scope[2],
        terminator=scope[3],
        signed_headers=signed_headers,
        signature=fields["Signature"],
        security_token=_first(headers, "x-amz-security-token"),
        presigned=False,
        expires=None,
    )


def _parse_presigned_query(query: list[tuple[str, str]], headers: dict[str, list[str]]) -> SignatureInfo:
    params: dict[str, str] = {}
    for name, value in query:
        if name.startswith("X-Amz-"):
            if name in params:
                raise IncompleteSignature(f"The query-string parameter '{name}' must appear only once.")
            params[name] = value
    required = (*_PRESIGN_PARAMS, "X-Amz-Expires")
    missing = [name for name in required if name not in params]
    if missing:
        raise IncompleteSignature(
            "".join(f"AWS query-string parameters must include '{name}'. " for name in missing)
            + "Re-examine the query-string parameters."
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignature(
            f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'. Use '{ALGORITHM}'."
        )
    amz_date, signed_at = _parse_amz_date(params["X-Amz-Date"])
    expires_text = params["X-Amz-Expires"]
    if not expires_text.isdigit():
        raise IncompleteSignature(f"X-Amz-Expires must be a non-negative integer, not '{expires_text}'.")
    expires = int(expires_text)
    if expires > MAX_PRESIGN_EXPIRES:
        raise IncompleteSignature(
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}"
        )
    access_key_id, scope = _split_credential(params["X-Amz-Credential"])
    return SignatureInfo(
        access_key_id=access_key_id,
        amz_date=amz_date,
        signed_at=signed_at,
        scope_date=scope[0],
        region=scope[1],
        service=scope[2],
        terminator=scope[3],
        signed_headers=_parse_signed_headers(params["X-Amz-SignedHeaders"], headers),
        signature=params["X-Amz-Signature"],
        security_token=params.get("X-Amz-Security-Token"),
        presigned=True,
        expires=expires,
    )


def _split_credential(credential: str) -> tuple[str, tuple[str, str, str, str]]:
    parts = credential.split("/")
    if len(parts) != 5 or not all(parts):
        raise IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            f"got '{credential}'"
        )
    return parts[0], (parts[1], parts[2], parts[3], parts[4])


def _parse_signed_headers(value: str, headers: dict[str, list[str]]) -> tuple[str, ...]:
    names = tuple(value.split(";")) if value else ()
    # Without a signed host a captured signature could be replayed against another endpoint.
    if "host" not in names:
        raise IncompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    for name in names:
        if name not in headers:
            raise IncompleteSignature(
                f"'{name}' is named as a SignedHeader, but it does not exist in the HTTP request."
            )
    return names


def _parse_amz_date(value: str) -> tuple[str, datetime]:
    # A regular expression instead of strptime: it is strict about padding and ten times faster.
    match = _AMZ_DATE.fullmatch(value)
    if match is not None:
        try:
            year, month, day, hour, minute, second = map(int, match.groups())
            return value, datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            pass
    raise IncompleteSignature(
        f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def _parse_http_date(value: str) -> tuple[str, datetime]:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise IncompleteSignature(f"Date header must be an RFC 1123 date. Got '{value}'.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return parsed.strftime(_AMZ_DATE_FORMAT), parsed


# ---------------------------------------------------------------------------------------------
# Verification


def verify_signature(
    request: HttpRequest,
    info: SignatureInfo,
    secret_access_key: str,
    *,
    now: datetime,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    services: Sequence[str] = QUERY_SERVICES,
) -> None:
    """Raise unless ``request`` carries a valid signature by ``secret_access_key`` at time ``now``.

    ``services`` are the signing names this endpoint accepts; name the expected one first (it appears
    in the error message). The AWS test suite passes ``("service",)``."""
    if max_skew > MAX_ALLOWED_SKEW or max_skew <= timedelta(0):
        raise ValueError(f"max_skew must be above 0 and at most {MAX_ALLOWED_SKEW}, not {max_skew}")
    check_scope(info, services)
    check_time(info, now, max_skew)
    canonical = canonical_request(request, info)
    key = signing_key(secret_access_key, info.scope_date, info.region, info.service)
    expected = hmac.new(key, string_to_sign(info, canonical).encode(), hashlib.sha256).hexdigest()
    provided = info.signature
    if not provided.isascii() or not hmac.compare_digest(expected, provided):
        raise SignatureDoesNotMatch()


def check_scope(info: SignatureInfo, services: Collection[str]) -> None:
    """The credential scope must name an accepted service, the aws4_request terminator and the date
    of the request's own timestamp."""
    if info.service not in services:
        expected = next(iter(services), "")
        raise SignatureDoesNotMatch(f"Credential should be scoped to correct service: '{expected}'. ")
    if info.terminator != TERMINATOR:
        raise SignatureDoesNotMatch(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{info.terminator}'. "
        )
    if info.scope_date != info.amz_date[:8]:
        raise SignatureDoesNotMatch(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{info.scope_date}' != '{info.amz_date[:8]}', from '{info.amz_date}'."
        )


def check_time(info: SignatureInfo, now: datetime, max_skew: timedelta) -> None:
    """Header-signed requests must be within ``max_skew`` of ``now`` either way; presigned ones may
    not come from the future either and expire ``X-Amz-Expires`` seconds after they were signed."""
    minutes = f"{max_skew.total_seconds() / 60:g}"
    if info.signed_at > now + max_skew:
        raise SignatureDoesNotMatch(
            f"Signature not yet current: {info.amz_date} is still later than {_fmt(now + max_skew)} "
            f"({_fmt(now)} + {minutes} min.)"
        )
    if info.presigned:
        assert info.expires is not None
        if now > info.signed_at + timedelta(seconds=info.expires):
            # https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html (RequestExpired)
            raise RequestExpired("Request has expired.")
    elif info.signed_at < now - max_skew:
        raise SignatureDoesNotMatch(
            f"Signature expired: {info.amz_date} is now earlier than {_fmt(now - max_skew)} "
            f"({_fmt(now)} - {minutes} min.)"
        )


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_AMZ_DATE_FORMAT)


# ---------------------------------------------------------------------------------------------
# The canonical request and the string to sign


def canonical_request(request: HttpRequest, info: SignatureInfo) -> str:
    headers = _header_map(request.headers)
    canonical_headers = "".join(
        f"{name}:{','.join(' '.join(value.split()) for value in headers[name])}\n"
        for name in info.signed_headers
    )
    return "\n".join(
        (
            request.method,
            canonical_uri(request.raw_path),
            canonical_query_string(request.raw_query, drop_signature=info.presigned),
            canonical_headers,
            ";".join(info.signed_headers),
            payload_hash(request, headers),
        )
    )


def string_to_sign(info: SignatureInfo, canonical: str) -> str:
    digest = hashlib.sha256(_to_bytes(canonical)).hexdigest()
    return f"{ALGORITHM}\n{info.amz_date}\n{info.credential_scope}\n{digest}"


def canonical_uri(raw_path: str) -> str:
    if raw_path in ("", "/"):
        return "/"
    return quote(_to_bytes(_remove_dot_segments(raw_path)), safe="/~")


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4, plus the removal of empty segments that AWS's clients apply.
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
        else:
            segments.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and segments else ""
    return first + "/".join(segments) + last


def canonical_query_string(raw_query: str, *, drop_signature: bool = False) -> str:
    if not raw_query:
        return ""
    pairs: list[tuple[str, str]] = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        encoded_name = _uri_encode(name)
        if drop_signature and encoded_name == "X-Amz-Signature":
            continue
        pairs.append((encoded_name, _uri_encode(value)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _uri_encode(component: str) -> str:
    if _UNRESERVED.fullmatch(component):  # the common case: nothing to decode or encode
        return component
    # Decode to bytes first so that any byte sequence survives the round trip unchanged.
    return quote(unquote_to_bytes(_to_bytes(component)), safe="-_.~")


def payload_hash(request: HttpRequest, headers: dict[str, list[str]] | None = None) -> str:
    """SHA-256 of the body. A client-sent x-amz-content-sha256 must equal it: iamd verifies bodies."""
    body_hash = hashlib.sha256(request.body).hexdigest() if request.body else _EMPTY_SHA256
    claimed = _first(headers if headers is not None else _header_map(request.headers), "x-amz-content-sha256")
    if claimed is not None and claimed.strip() != body_hash:
        raise SignatureDoesNotMatch(
            "The provided 'x-amz-content-sha256' header does not match what was computed."
        )
    return body_hash


@lru_cache(maxsize=4096)
def signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    """The derived key for one (secret, day, region, service); cached because the server verifies
    many requests per key per day."""
    key = hmac.new(f"AWS4{secret_access_key}".encode(), date.encode(), hashlib.sha256).digest()
    key = hmac.new(key, region.encode(), hashlib.sha256).digest()
    key = hmac.new(key, service.encode(), hashlib.sha256).digest()
    return hmac.new(key, TERMINATOR.encode(), hashlib.sha256).digest()


# ---------------------------------------------------------------------------------------------
# Helpers


def _header_map(headers: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    mapping: dict[str, list[str]] = {}
    for name, value in headers:
        mapping.setdefault(name.lower(), []).append(value)
    return mapping


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0].strip() if values else None


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if not raw_query:
        return pairs
    for piece in raw_query.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            pairs.append((_decode(name), _decode(value)))
    return pairs


def _decode(component: str) -> str:
    # Query values are percent-encoded by SigV4 clients; '+' is a literal plus, not a space.
    if "%" not in component:
        return component
    return unquote_to_bytes(_to_bytes(component)).decode("utf-8", "replace")


def _to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _from_bytes(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")
