"""Database roles for teams on PostgreSQL: a reader and an editor, as PostgreSQL GRANTs.

- dispstats_reader: can read everything (list, estimate, export, render briefs).
- dispstats_editor: can also add figures, sources, sites and new versions. It gets INSERT but
  never UPDATE or DELETE, so the database itself keeps the store append-only. The one
  exception is latest_figures, which holds no record of its own: it is derived from the
  figures, and every write replaces the rows of the series it touched.

People log in as their own roles and are made members: GRANT dispstats_editor TO alice;
Their role name is then what `entered_by` records.
"""

from __future__ import annotations

from sqlalchemy import text

from dispstats.errors import InputError
from dispstats.store.schema import latest_figures, metadata
from dispstats.store.store import Store

READER = "dispstats_reader"
EDITOR = "dispstats_editor"


def role_statements(schema: str, quote) -> list[str]:
    """The SQL that creates the two roles and grants them access to `schema`'s tables."""
    tables = ", ".join(f"{quote(schema)}.{quote(t.name)}" for t in metadata.sorted_tables)
    create = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        for role in (READER, EDITOR)
    ]
    return [
        *create,
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {READER}, {EDITOR}",
        f"GRANT SELECT ON {tables}, {quote(schema)}.alembic_version TO {READER}, {EDITOR}",
        f"GRANT INSERT ON {tables} TO {EDITOR}",
        f"GRANT DELETE ON {quote(schema)}.{quote(latest_figures.name)} TO {EDITOR}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {EDITOR}",
    ]


def create_roles(store: Store) -> list[str]:
    """Create (or refresh) the reader and editor roles; returns the statements it ran.

    Needs a user allowed to create roles (CREATEROLE) who owns the tables. Raises InputError
    on SQLite, where access is the file's permissions.
    """
    if store.engine.dialect.name != "postgresql":
        raise InputError(
            "roles are a PostgreSQL feature; for a SQLite file, give readers a copy or a "
            "read-only file (chmod a-w dispstats.db)",
            field="roles",
        )
    with store.engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        statements = role_statements(schema, connection.dialect.identifier_preparer.quote)
        for statement in statements:
            connection.execute(text(statement))
    return statements
