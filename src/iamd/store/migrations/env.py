"""Alembic environment: runs on the connection that ``iamd.store.migrate.upgrade`` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from iamd.store import audit_events  # noqa: F401  (its table joins the metadata)
from iamd.store.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("iamd migrations run through iamd.store.migrate.upgrade(), which passes a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
