"""Scalar values on the wire: text to Python for requests, Python to text for responses.

Shared by the Query and REST-JSON codecs. Parsing is strict where Python is lenient (``int`` would
accept ``" 1_0 "``; AWS does not) and raises MalformedInput naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re

from iamd.errors import MalformedInput

_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_EPOCH_SECONDS = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)


def _malformed(parameter: str, text: str, type_name: str) -> MalformedInput:
    return MalformedInput(f"Invalid value '{text}' for parameter {parameter}: expected {type_name}.")


def integer_range(shape_type: str) -> tuple[int, int]:
    """The values a model ``integer`` (Java int) or ``long`` (Java long) can hold."""
    return _INT32 if shape_type == "integer" else _INT64


def parse_integer(text: str, parameter: str, shape_type: str) -> int:
    # The length check keeps int() away from huge digit strings (and Python's digit limit).
    if len(text) > 21 or _INTEGER.fullmatch(text) is None:
        raise _malformed(parameter, text[:32], "an integer")
    value = int(text)
    low, high = integer_range(shape_type)
    if not low <= value <= high:
        raise _malformed(parameter, text, f"a {shape_type} in [{low}, {high}]")
    return value


def parse_float(text: str, parameter: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _malformed(parameter, text, "a number") from None


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def parse_boolean(text: str, parameter: str) -> bool:
    """xsd:boolean, case-sensitive, as AWS's Query services read it: anything else is MalformedInput
    ("boolean must follow xsd1.1 definition", as SES answers ``Enabled=yes``)."""
    value = _BOOLEANS.get(text)
    if value is None:
        raise MalformedInput(
            f"Invalid value '{text}' for parameter {parameter}: boolean must follow xsd1.1 definition"
        )
    return value


def parse_timestamp(text: str, parameter: str) -> datetime.datetime:
    """ISO 8601 (what botocore's Query serializer sends) or epoch seconds, as an aware UTC datetime."""
    if _EPOCH_SECONDS.fullmatch(text):
        return datetime.datetime.fromtimestamp(float(text), datetime.UTC)
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise _malformed(parameter, text, "an ISO 8601 timestamp") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


def parse_blob(text: str, parameter: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise _malformed(parameter, text, "base64-encoded data") from None


_FORMATTED: dict[datetime.datetime, str] = {}
_FORMATTED_LIMIT = 8192


def format_timestamp(value: datetime.datetime) -> str:
    """ISO 8601 in UTC with ``Z``, as AWS writes it: whole seconds, or milliseconds when there are any.

    Naive datetimes are taken as UTC. IAM's dates (CreateDate ...) carry whole seconds; pass them so.
    Formatting costs ~2 µs and a page of 100 users repeats the same dates request after request, so
    results are memoized (bounded; the memo is dropped when full).
    """
    text = _FORMATTED.get(value)
    if text is not None:
        return text
    utc = value.astimezone(datetime.UTC) if value.tzinfo is not None else value
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        + (f".{utc.microsecond // 1000:03d}Z" if utc.microsecond else "Z")
    )
    if len(_FORMATTED) >= _FORMATTED_LIMIT:
        _FORMATTED.clear()
    _FORMATTED[value] = text
    return text


def format_blob(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")
