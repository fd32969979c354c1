"""TOTP: RFC 6238's published SHA-1 vectors, agreement with pyotp, windows, and the QR code PNG."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import segno

from iamd.auth import totp

# RFC 6238 Appendix B (https://datatracker.ietf.org/doc/html/rfc6238#appendix-B): the SHA-1 seed is the
# ASCII string "12345678901234567890"; the published values are 8-digit codes.
RFC6238_SEED = b"12345678901234567890"
RFC6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
NOW = datetime(2026, 11, 23, 15, 30, 7, tzinfo=UTC)


@pytest.mark.parametrize(("unix_time", "expected"), RFC6238_SHA1)
def test_rfc6238_sha1_vectors(unix_time: int, expected: str) -> None:
    moment = datetime.fromtimestamp(unix_time, UTC)
    assert totp.code_at(RFC6238_SEED, totp.time_step(moment), digits=8) == expected
    # The 6-digit code AWS devices show is the low six digits of the same value.
    assert totp.matching_counter(RFC6238_SEED, expected[-6:], moment, window=0) == unix_time // 30


def test_rfc4226_hotp_vectors() -> None:
    # RFC 4226 Appendix D (https://datatracker.ietf.org/doc/html/rfc4226#appendix-D), counters 0..9.
    expected = ["755224", "287082", "359152", "969429", "338314"]
    expected += ["254676", "287922", "162583", "399871", "520489"]
    assert [totp.code_at(RFC6238_SEED, counter) for counter in range(10)] == expected


def test_new_seeds_are_20_random_bytes_in_unpadded_base32() -> None:
    first, second = totp.new_seed(), totp.new_seed()
    assert len(first) == 20 and first != second
    encoded = totp.base32_seed(first)
    assert len(encoded) == 32 and "=" not in encoded
    assert base64.b32decode(encoded) == first


def test_agrees_with_pyotp_from_the_base32_seed() -> None:
    seed = totp.new_seed()
    app = pyotp.TOTP(totp.base32_seed(seed))  # what an authenticator app computes
    for offset in range(-3, 4):
        moment = NOW + timedelta(seconds=30 * offset)
        assert totp.code_at(seed, totp.time_step(moment)) == app.at(moment)


def test_window_accepts_one_step_either_side_and_nothing_further() -> None:
    seed = totp.new_seed()
    app = pyotp.TOTP(totp.base32_seed(seed))
    current = totp.time_step(NOW)
    for offset in (-1, 0, 1):
        code = app.at(NOW + timedelta(seconds=30 * offset))
        assert totp.matching_counter(seed, code, NOW) == current + offset
    for offset in (-3, -2, 2, 3):
        code = app.at(NOW + timedelta(seconds=30 * offset))
        if code not in {app.at(NOW + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}:
            assert totp.matching_counter(seed, code, NOW) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", "１２３４５６", " 12345"])
def test_malformed_codes_never_match(code: str) -> None:
    assert totp.matching_counter(RFC6238_SEED, code, NOW, window=1000) is None


def test_consecutive_codes_give_the_later_step() -> None:
    seed = totp.new_seed()
    app = pyotp.TOTP(totp.base32_seed(seed))
    earlier, later = app.at(NOW - timedelta(seconds=30)), app.at(NOW)
    assert totp.matching_consecutive(seed, earlier, later, NOW) == totp.time_step(NOW)
    # Reversed, or the same code twice, or a gap of a step: not consecutive.
    assert totp.matching_consecutive(seed, later, earlier, NOW) is None
    assert totp.matching_consecutive(seed, later, later, NOW) is None
    gap = app.at(NOW - timedelta(seconds=60))
    assert totp.matching_consecutive(seed, gap, later, NOW) is None


def test_consecutive_codes_outside_the_sync_window_are_refused() -> None:
    seed = totp.new_seed()
    app = pyotp.TOTP(totp.base32_seed(seed))
    old = NOW - timedelta(seconds=30 * (totp.SYNC_WINDOW + 2))
    pair = app.at(old - timedelta(seconds=30)), app.at(old)
    assert totp.matching_consecutive(seed, *pair, NOW) is None
    assert totp.matching_consecutive(seed, *pair, old) == totp.time_step(old)


def test_otpauth_uri_as_the_api_reference_gives_it() -> None:
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html (QRCodePNG)
    seed = bytes(range(20))
    uri = totp.otpauth_uri("alice-phone", "123456789012", seed)
    assert uri == f"otpauth://totp/alice-phone@123456789012?secret={totp.base32_seed(seed)}"
    parsed = pyotp.parse_uri(uri)
    assert isinstance(parsed, pyotp.TOTP) and parsed.byte_secret() == seed


def _png_modules(png: bytes) -> tuple[list[list[bool]], int]:
    """Dark/light pixels of a greyscale or palette PNG of bit depth 1 or 8, and its width."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks += data
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (colour in (0, 3), depth in (1, 8), interlace) == (True, True, 0)
    raw = zlib.decompress(chunks)
    stride = (width * depth + 7) // 8
    rows: list[list[bool]] = []
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        assert line[0] in (0, 2), "unfiltered or Up-filtered rows only"
        current = bytearray(line[1:])
        if line[0] == 2:
            current = bytearray((a + b) & 0xFF for a, b in zip(current, previous, strict=True))
        previous = current
        if depth == 1:
            bits = [(current[x // 8] >> (7 - x % 8)) & 1 for x in range(width)]
        else:
            bits = [1 if current[x] else 0 for x in range(width)]
        rows.append([bit == 0 for bit in bits])  # index/value 0 is dark in segno's 1-bit output
    return rows, width


def test_qr_code_png_is_a_png_of_the_uri() -> None:
    uri = totp.otpauth_uri("alice-phone", "123456789012", totp.new_seed())
    png = totp.qr_code_png(uri)
    pixels, width = _png_modules(png)
    # Sample the centre of each 4x4 module after the 4-module quiet zone and compare with the symbol
    # segno builds for the URI: the image shows exactly that QR code.
    symbol = segno.make_qr(uri, error="m")
    size = int(symbol.symbol_size(scale=1, border=0)[0])
    assert width == (size + 8) * 4
    sampled = [[pixels[(4 + r) * 4 + 2][(4 + c) * 4 + 2] for c in range(size)] for r in range(size)]
    assert sampled == [[bool(m) for m in row] for row in symbol.matrix]
    assert segno.make_qr(uri + "x", error="m").matrix != symbol.matrix
