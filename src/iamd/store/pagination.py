"""AWS-style pagination: ``Marker`` + ``MaxItems`` in, ``IsTruncated`` + ``Marker`` out.

Lists are ordered by the lower-cased name (IAM names are unique case-insensitively, so the order is total
and stable while entities come and go). The marker is the last returned sort key, base64url-encoded so
that clients treat it as opaque; the next page starts strictly after it, so deleting the last returned
entity between two calls neither skips nor repeats anything.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, Row, Select, func

from iamd.errors import InvalidInput

T = TypeVar("T")

DEFAULT_MAX_ITEMS = 100  # AWS's default for MaxItems; the wire layer validates the range 1..1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    marker: str | None = None  # set exactly when the list is truncated

    @property
    def is_truncated(self) -> bool:
        return self.marker is not None


def encode_marker(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_marker(marker: str) -> str:
    try:
        padded = marker + "=" * (-len(marker) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidInput("Invalid Marker.") from None


def path_prefix_filter(path_column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """Case-sensitive prefix match on both dialects (SQLite's LIKE ignores ASCII case)."""
    return func.substr(path_column, 1, len(prefix)) == prefix


def fetch_page(
    connection: Connection,
    statement: Select[Any],
    sort_key: ColumnElement[str],
    to_item: Callable[[Row[Any]], T],
    *,
    marker: str | None,
    max_items: int,
) -> Page[T]:
    """Run ``statement`` ordered by ``sort_key`` from just after ``marker``, at most ``max_items`` rows."""
    if marker is not None:
        statement = statement.where(sort_key > decode_marker(marker))
    rows: Sequence[Row[Any]] = connection.execute(
        statement.add_columns(sort_key.label("_sort_key")).order_by(sort_key).limit(max_items + 1)
    ).all()
    truncated = len(rows) > max_items
    rows = rows[:max_items]
    next_marker = encode_marker(rows[-1]._mapping["_sort_key"]) if truncated and rows else None
    return Page(tuple(to_item(row) for row in rows), next_marker)
