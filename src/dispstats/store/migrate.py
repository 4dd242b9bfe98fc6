"""Creating and upgrading the schema with Alembic; checking a store's schema version cheaply.

Alembic is imported only by `upgrade`, so everyday commands do not pay for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from dispstats.errors import StoreError
from dispstats.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns the revision it was at before.
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
        command.upgrade(config, "head")
    return before


def stored_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database, or None if it has no dispstats schema."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(revision: str | None) -> bool:
    return revision == SCHEMA_REVISION


def known_revisions() -> set[str]:
    """The revisions this dispstats has migrations for (their files are named by them)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def check_not_newer(revision: str | None) -> None:
    """A revision this dispstats does not know was written by a newer one: say so."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"this store was written by a newer dispstats (schema {revision}; this one "
            f"knows up to {SCHEMA_REVISION}): upgrade dispstats (pip install -U dispstats) "
            "to use it; nothing was changed"
        )
