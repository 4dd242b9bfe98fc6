"""Creating and upgrading the schema with Alembic; checking a store's schema version cheaply.

Alembic is imported only by `upgrade`, so everyday commands do not pay for it.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, text

from dispstats.store.revision import MIGRATIONS, check_not_newer

__all__ = ["check_not_newer", "stored_revision", "upgrade"]


def upgrade(engine: Engine, notes: list[str] | None = None) -> str | None:
    """Bring the schema to the newest revision; returns the revision it was at before, and
    adds to `notes` what the migrations changed in the data (for the user to read).
    A store written by a newer dispstats is refused untouched (StoreError)."""
    from alembic import command
    from alembic.config import Config

    with engine.connect() as connection:
        before = stored_revision(connection)
    check_not_newer(before)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["notes"] = notes if notes is not None else []
        command.upgrade(config, "head")
    return before


def stored_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database, or None if it has no dispstats schema."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
