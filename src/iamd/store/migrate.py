"""Bring a database's schema to the newest Alembic revision, programmatically, at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from iamd.store.engine import WRITE_OPTION

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant: serializes concurrent start-ups (``--workers N``) migrating the same PostgreSQL database.
_POSTGRES_MIGRATION_LOCK = 0x69616D64  # "iamd"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to ``head`` in one transaction."""
    config = alembic_config()
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
