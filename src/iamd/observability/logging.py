"""Log records as text or as JSON lines (one object per line), each carrying the request id when one is
being handled.

The gateway binds the request id with :func:`request_context` for the time of a request; every record
logged meanwhile, by iamd or by a library, carries it. Secrets are never logged on purpose; as a second
line of defence both formats blank the value of anything that looks like ``SecretAccessKey=...``,
``"Password": "..."`` and the like (names of AWS's secret-bearing parameters), in messages and tracebacks.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

LogFormat = Literal["text", "json"]

REQUEST_ID: ContextVar[str | None] = ContextVar("iamd_request_id", default=None)

_SECRET_NAMES = (
    r"aws_secret_access_key|secret_?access_?key|secretkey|aws_session_token|session_?token|security_?token"
    r"|(?:new|old)?_?password|base32_?string_?seed|qr_?code_?png|authentication_?code_?[12]"
)
# A secret-bearing name, then ``=`` or ``:`` (optionally quoted, as in JSON, XML-ish or query strings), then
# the value up to the next delimiter.
_SECRET_ASSIGNMENT = re.compile(
    rf"(?i)(\b(?:{_SECRET_NAMES})\b[\"']?\s*[=:]\s*[\"']?)([^\s\"'&,;<>}}]+)",
)
REDACTED = "<redacted>"


def redact(text: str) -> str:
    return _SECRET_ASSIGNMENT.sub(lambda match: match.group(1) + REDACTED, text)


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    """Tag every record logged in this context (thread or task) with ``request_id``."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "pid", "request_id"?, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "pid": record.process if record.process is not None else os.getpid(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(entry).decode("utf-8")


class TextFormatter(logging.Formatter):
    """``TIME LEVEL LOGGER [request_id]: message``, tracebacks after it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = REQUEST_ID.get()
        record.request_tag = f" [{request_id}]" if request_id is not None else ""
        return redact(super().format(record))


def log_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for iamd's and uvicorn's loggers; uvicorn applies it in every worker
    process (its ``log_config``), so workers log alike."""
    formatter = "JsonFormatter" if log_format == "json" else "TextFormatter"
    handler = {"class": "logging.StreamHandler", "formatter": "iamd", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"iamd": {"()": f"iamd.observability.logging.{formatter}"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "iamd": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }
