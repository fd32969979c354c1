"""The audit trail's table: one row per request, the CloudTrail record as JSON plus the columns it is
searched by (``iamd audit events`` filters like CloudTrail's LookupEvents).

The table joins ``schema.metadata`` (so resets and tests empty it too); migration 0003 creates it. It has
no foreign keys: an event outlives the account, user or key it names, and failed requests may name none.
``seq`` is the order of commit within one database and the order in which events are exported and chained.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from iamd.store.schema import ARN, metadata
from iamd.store.types import UTCDateTime

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("request_id", String(64), nullable=False),
    Column("event_time", UTCDateTime(), nullable=False),
    Column("account_id", String(12), nullable=True),  # recipientAccountId
    Column("event_source", String(64), nullable=False),
    Column("event_name", String(128), nullable=False),
    Column("principal_arn", String(ARN), nullable=True),
    Column("access_key_id", String(128), nullable=True),
    Column("error_code", String(128), nullable=True),
    Column("read_only", Boolean(), nullable=False),
    Column("record", Text(), nullable=False),  # the CloudTrail record, JSON
)

Index("ix_audit_events_request_id", audit_events.c.request_id)
Index("ix_audit_events_event_time", audit_events.c.event_time)
Index("ix_audit_events_principal_arn", audit_events.c.principal_arn)
