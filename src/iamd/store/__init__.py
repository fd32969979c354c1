"""Storage: SQLAlchemy Core tables, Alembic migrations and repositories, on SQLite or PostgreSQL.

The public surface is :class:`Database` (open, transaction, read) and the :class:`Transaction` whose
repositories return ``iamd.model`` dataclasses and raise ``iamd.errors`` (never driver errors).
"""

from iamd.store.database import Database
from iamd.store.pagination import Page
from iamd.store.quotas import Quotas
from iamd.store.transaction import Transaction

__all__ = ["Database", "Page", "Quotas", "Transaction"]
