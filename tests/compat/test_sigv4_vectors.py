"""AWS's published Signature Version 4 test suite, fed from the files in ``aws4_testsuite/``.

Source: botocore's source distribution, tests/unit/auth/aws4_testsuite (see aws4_testsuite/README.md).
Every case signs with AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY for service ``service`` in
us-east-1 at 20150830T123600Z. For each case iamd must rebuild the suite's canonical request (.creq) and
string to sign (.sts) byte for byte, accept the signed request (.sreq), and reject it once any byte of
the method, path, a signed header, the body or the signature changes.

No case is skipped: the suite covers only non-S3 signing, which is what iamd verifies. One case is
repaired: get-vanilla-with-session-token's .sreq carries get-vanilla's signature (a slip in the suite;
its .creq, .sts and .authz agree with each other), so the tests sign it with its .authz line, and
check that the shipped .sreq is rejected.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iamd.auth.sigv4 import (
    HttpRequest,
    canonical_request,
    parse_signature,
    string_to_sign,
    verify_signature,
)
from iamd.errors import IncompleteSignature, SignatureDoesNotMatch

SUITE = Path(__file__).parent / "aws4_testsuite"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)
SERVICES = ("service",)


def _cases() -> list[Path]:
    return sorted(path.with_suffix("") for path in SUITE.rglob("*.sreq"))


def _case_id(case: Path) -> str:
    return str(case.relative_to(SUITE).parent)


def parse_sreq(data: bytes) -> HttpRequest:
    """Parse the suite's HTTP/1.1 text: request line, headers (with folded continuation lines), body."""
    text = data.decode("utf-8")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest.rsplit(" ", 1)[0]  # drop " HTTP/1.1"; the path itself may contain spaces
    raw_path, _, raw_query = target.partition("?")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value}\n{line}")
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    return HttpRequest(
        method=method, raw_path=raw_path, raw_query=raw_query, headers=tuple(headers), body=body.encode()
    )


def _read(case: Path, suffix: str) -> str:
    return case.with_suffix(suffix).read_text(encoding="utf-8")


CASES = _cases()
# The one case whose .sreq Authorization differs from its .authz (see the module docstring).
STALE_SREQ = {"get-vanilla-with-session-token"}


def load_signed(case: Path) -> HttpRequest:
    """The case's .sreq with its Authorization header taken from .authz, the suite's reference."""
    request = parse_sreq(case.with_suffix(".sreq").read_bytes())
    authz = _read(case, ".authz").strip()
    headers = tuple(
        (name, authz) if name.lower() == "authorization" else (name, value) for name, value in request.headers
    )
    return replace(request, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sreq_carries_the_authz_line(case: Path) -> None:
    shipped = parse_sreq(case.with_suffix(".sreq").read_bytes())
    authorization = {name.lower(): value for name, value in shipped.headers}["authorization"]
    if _case_id(case) in STALE_SREQ:
        assert authorization.strip() != _read(case, ".authz").strip()
        with pytest.raises(SignatureDoesNotMatch):
            verify_signature(shipped, parse_signature(shipped), SECRET, now=NOW, services=SERVICES)
    else:
        assert authorization.strip() == _read(case, ".authz").strip()


def test_the_suite_is_complete() -> None:
    # The 2015 suite as shipped by botocore has 34 cases; a missing file would silently shrink coverage.
    assert len(CASES) == 34
    for case in CASES:
        for suffix in (".req", ".creq", ".sts", ".authz", ".sreq"):
            assert case.with_suffix(suffix).is_file(), case.with_suffix(suffix)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_canonical_request_and_string_to_sign_match_the_suite(case: Path) -> None:
    request = load_signed(case)
    info = parse_signature(request)
    canonical = canonical_request(request, info)
    assert canonical == _read(case, ".creq")
    assert string_to_sign(info, canonical) == _read(case, ".sts")
    assert _read(case, ".authz").endswith(f"Signature={info.signature}")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_signed_request_is_accepted(case: Path) -> None:
    request = load_signed(case)
    info = parse_signature(request)
    assert info.access_key_id == "AKIDEXAMPLE"
    assert (info.region, info.service) == ("us-east-1", "service")
    verify_signature(request, info, SECRET, now=NOW, services=SERVICES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_default_services_reject_the_suites_service_name(case: Path) -> None:
    request = load_signed(case)
    with pytest.raises(SignatureDoesNotMatch, match="Credential should be scoped to correct service: 'iam'"):
        verify_signature(request, parse_signature(request), SECRET, now=NOW)


def _tampered(request: HttpRequest) -> dict[str, HttpRequest]:
    """One variant per part of the request, each differing from the original by one byte or so."""
    variants = {
        "method": replace(request, method="PUT" if request.method != "PUT" else "GET"),
        "path": replace(request, raw_path=request.raw_path.rstrip("/") + "/x"),
        "body": replace(request, body=request.body + b"x"),
    }
    headers = list(request.headers)
    for index, (name, value) in enumerate(headers):
        if name.lower() == "host":
            changed = [*headers]
            changed[index] = (name, value + "m")
            variants["host header"] = replace(request, headers=tuple(changed))
        if name.lower() == "authorization":
            flipped = value[:-1] + ("0" if value[-1] != "0" else "1")
            changed = [*headers]
            changed[index] = (name, flipped)
            variants["signature"] = replace(request, headers=tuple(changed))
    return variants


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_any_changed_byte_is_rejected(case: Path) -> None:
    original = load_signed(case)
    variants = _tampered(original)
    assert set(variants) == {"method", "path", "body", "host header", "signature"}
    for what, request in variants.items():
        with pytest.raises(SignatureDoesNotMatch):
            verify_signature(request, parse_signature(request), SECRET, now=NOW, services=SERVICES)
        assert what  # the loop names the part in a failure's traceback


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_other_signed_header_is_covered(case: Path) -> None:
    original = load_signed(case)
    signed = parse_signature(original).signed_headers
    for target in signed:
        if target in ("host", "x-amz-date"):
            continue  # host is tampered above; x-amz-date changes the timestamp check instead
        changed = tuple(
            (name, value + "z") if name.lower() == target else (name, value)
            for name, value in original.headers
        )
        request = replace(original, headers=changed)
        with pytest.raises(SignatureDoesNotMatch):
            verify_signature(request, parse_signature(request), SECRET, now=NOW, services=SERVICES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_dropping_a_signed_header_is_an_incomplete_signature(case: Path) -> None:
    original = load_signed(case)
    request = replace(original, headers=tuple(h for h in original.headers if h[0].lower() != "host"))
    with pytest.raises(IncompleteSignature, match="'host' is named as a SignedHeader"):
        parse_signature(request)


def test_wrong_secret_is_rejected() -> None:
    request = load_signed(SUITE / "get-vanilla" / "get-vanilla")
    with pytest.raises(SignatureDoesNotMatch):
        verify_signature(request, parse_signature(request), SECRET[:-1] + "Z", now=NOW, services=SERVICES)
