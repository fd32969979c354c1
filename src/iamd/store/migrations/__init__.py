"""Alembic migrations (run by iamd.store.migrate.upgrade; no alembic.ini)."""
