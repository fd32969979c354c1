"""Reading the trail: filtered, newest first, in pages (like CloudTrail's LookupEvents,
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html), by request id, and
in commit order for exports."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Select, select

from iamd.store.audit_events import audit_events

DEFAULT_MAX_RESULTS = 50  # LookupEvents' default page size


class BadNextToken(ValueError):
    """A next token this trail did not hand out."""


@dataclass(frozen=True, slots=True)
class EventFilter:
    principal_arn: str | None = None
    event_name: str | None = None
    error_code: str | None = None
    access_key_id: str | None = None
    start_time: datetime | None = None  # inclusive
    end_time: datetime | None = None  # inclusive

    def apply(self, query: Select[Any]) -> Select[Any]:
        c = audit_events.c
        for column, value in (
            (c.principal_arn, self.principal_arn),
            (c.event_name, self.event_name),
            (c.error_code, self.error_code),
            (c.access_key_id, self.access_key_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if self.start_time is not None:
            query = query.where(c.event_time >= self.start_time)
        if self.end_time is not None:
            query = query.where(c.event_time <= self.end_time)
        return query


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[dict[str, Any]]
    next_token: str | None


def _encode_token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"iamd-audit:{seq}".encode()).decode("ascii")


def _decode_token(token: str) -> int:
    try:
        prefix, _, seq = base64.urlsafe_b64decode(token.encode("ascii")).decode().partition(":")
        if prefix != "iamd-audit":
            raise ValueError(token)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise BadNextToken(f"invalid next token: {token}") from error


def lookup(
    connection: Connection,
    event_filter: EventFilter,
    max_results: int = DEFAULT_MAX_RESULTS,
    next_token: str | None = None,
) -> EventPage:
    """One page of matching events, newest first; ``next_token`` continues after it."""
    c = audit_events.c
    query = event_filter.apply(select(c.seq, c.record)).order_by(c.seq.desc()).limit(max_results + 1)
    if next_token is not None:
        query = query.where(c.seq < _decode_token(next_token))
    rows = connection.execute(query).all()
    more = len(rows) > max_results
    rows = rows[:max_results]
    token = _encode_token(rows[-1].seq) if more else None
    return EventPage([orjson.loads(row.record) for row in rows], token)


def by_request_id(connection: Connection, request_id: str) -> dict[str, Any] | None:
    c = audit_events.c
    row = connection.execute(select(c.record).where(c.request_id == request_id)).first()
    return None if row is None else dict(orjson.loads(row.record))


def in_commit_order(
    connection: Connection, after_seq: int = 0, batch: int = 1000
) -> Iterator[tuple[int, str]]:
    """``(seq, record JSON)`` of every event after ``after_seq``, oldest first, read in batches."""
    c = audit_events.c
    while True:
        rows = connection.execute(
            select(c.seq, c.record).where(c.seq > after_seq).order_by(c.seq).limit(batch)
        ).all()
        for row in rows:
            yield int(row.seq), str(row.record)
        if len(rows) < batch:
            return
        after_seq = int(rows[-1].seq)
