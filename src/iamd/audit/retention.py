"""Retention: events older than a cut-off are deleted (``iamd audit prune``). Export first: a pruned
event survives only in exported files."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from iamd.store.audit_events import audit_events

_AGE = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_age(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``."""
    match = _AGE.match(text.strip())
    if match is None:
        raise ValueError(f"not an age like 90d, 12h or 30m: {text}")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def prune(connection: Connection, before: datetime) -> int:
    """Delete events older than ``before``; return how many."""
    result = connection.execute(delete(audit_events).where(audit_events.c.event_time < before))
    return int(result.rowcount or 0)
