"""Creating and upgrading the schema with Alembic; checking a store's schema version cheaply.

Alembic is imported only by `upgrade`, so everyday commands do not pay for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from dispstats.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns the revision it was at before."""
    from alembic import command
    from alembic.config import Config

    with engine.connect() as connection:
        before = stored_revision(connection)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before


def stored_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database, or None if it has no dispstats schema."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(revision: str | None) -> bool:
    return revision == SCHEMA_REVISION
