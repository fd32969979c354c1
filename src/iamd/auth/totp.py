"""TOTP for virtual MFA devices: seeds, the Base32 and QR code forms AWS hands out, and code checking.

Codes follow RFC 6238 with the parameters every authenticator app assumes for AWS: HMAC-SHA-1, 30-second
time steps counted from the Unix epoch, 6 digits (RFC 4226 dynamic truncation). The seed is 20 random
bytes, the length RFC 4226 recommends for SHA-1.

What ``CreateVirtualMFADevice`` returns
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html):

* ``Base32StringSeed``: the seed in RFC 3548 Base32 (the wire then base64-encodes it as a blob);
* ``QRCodePNG``: a PNG of ``otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String``.

No I/O and no clock: ``now`` comes in. Replay protection (a code is accepted once) is the store's job;
:func:`matching_counter` only says which time step a code belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import struct
from datetime import datetime
from typing import Final

import segno

SEED_BYTES: Final = 20
STEP_SECONDS: Final = 30
DIGITS: Final = 6
DEFAULT_WINDOW: Final = 1
"""Steps either side of now a code may come from when it is used (clock drift of up to 30 s)."""
SYNC_WINDOW: Final = 10
"""Steps either side of now that EnableMFADevice and ResyncMFADevice search for two consecutive codes:
re-synchronising a drifted device is their purpose, and consecutive codes are hard to guess."""


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def base32_seed(seed: bytes) -> str:
    """The seed as authenticator apps take it (20 bytes give 32 characters, no padding)."""
    return base64.b32encode(seed).decode("ascii").rstrip("=")


def otpauth_uri(device_name: str, account_name: str, seed: bytes) -> str:
    """The key URI AWS puts in the QR code; ``account_name`` is the account id when no user is set."""
    return f"otpauth://totp/{device_name}@{account_name}?secret={base32_seed(seed)}"


def qr_code_png(uri: str) -> bytes:
    """A PNG of the QR code for ``uri``, large enough for a phone camera."""
    out = io.BytesIO()
    segno.make_qr(uri, error="m").save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def time_step(now: datetime) -> int:
    """The RFC 6238 counter T for ``now`` (an aware datetime)."""
    return int(now.timestamp()) // STEP_SECONDS


def code_at(seed: bytes, counter: int, digits: int = DIGITS) -> str:
    """The HOTP value (RFC 4226 section 5.3) of ``counter``, zero-padded to ``digits``."""
    mac = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def _candidates(now: datetime, window: int) -> list[int]:
    # Nearest steps first, so a (rare) collision resolves to the most plausible step.
    current = time_step(now)
    order = [current]
    for distance in range(1, window + 1):
        order += [current - distance, current + distance]
    return order


def _is_code(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_counter(seed: bytes, code: str, now: datetime, window: int = DEFAULT_WINDOW) -> int | None:
    """The time step within ``window`` steps of ``now`` whose code is ``code``, or None."""
    if not _is_code(code):
        return None
    for counter in _candidates(now, window):
        if counter >= 0 and hmac.compare_digest(code_at(seed, counter), code):
            return counter
    return None


def matching_consecutive(
    seed: bytes, first: str, second: str, now: datetime, window: int = SYNC_WINDOW
) -> int | None:
    """The time step of ``second`` when ``first`` and ``second`` are the codes of two consecutive steps
    within ``window`` steps of ``now``, or None. EnableMFADevice and ResyncMFADevice take such pairs."""
    if not (_is_code(first) and _is_code(second)):
        return None
    for counter in _candidates(now, window):
        if (
            counter >= 1
            and hmac.compare_digest(code_at(seed, counter), second)
            and hmac.compare_digest(code_at(seed, counter - 1), first)
        ):
            return counter
    return None
