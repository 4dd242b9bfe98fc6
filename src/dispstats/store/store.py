"""The store: append-only reads and writes of sites, sources and figure versions.

Every write is one transaction: it stores all it was given or nothing. Figures are never
updated or deleted; a revision is a new version. Works on SQLite and PostgreSQL alike. The
class is made of three parts: lifecycle.py (engine, connections, transactions), reads.py and
writes.py.
"""

from __future__ import annotations

from dispstats.errors import StoreError
from dispstats.store.engine import make_engine, resolve_url, sqlite_path
from dispstats.store.lifecycle import database_errors
from dispstats.store.migrate import stored_revision, upgrade
from dispstats.store.revision import check_openable, no_store_at
from dispstats.store.writes import Writes


class Store(Writes):
    """A dispstats store on one database. Open it with `Store.open` or `Store.init`."""

    is_public = False  # every answer is all the data (PublicView answers public data)

    @classmethod
    def init(cls, db: str | None = None) -> tuple[Store, str | None]:
        """Create the store, or upgrade its schema; returns it and the revision it was at.
        The derived latest_figures table is rebuilt from the figures, whatever wrote them."""
        url = resolve_url(db)
        path = sqlite_path(url)
        if path is not None and not path.parent.is_dir():
            raise StoreError(f"cannot create {path}: folder {path.parent} does not exist")
        engine = make_engine(url)
        notes: list[str] = []
        with database_errors(url):
            before = upgrade(engine, notes)
        store = cls(engine)
        store.upgrade_notes = notes
        store.rebuild_latest()
        return store, before

    @classmethod
    def open(cls, db: str | None = None) -> Store:
        """Open an existing, initialised store; raises StoreError saying how to create one."""
        url = resolve_url(db)
        path = sqlite_path(url)
        if path is not None and not path.exists():
            raise no_store_at(path)
        engine = make_engine(url)
        with database_errors(url), engine.connect() as connection:
            revision = stored_revision(connection)
        check_openable(revision, engine.url.render_as_string(hide_password=True))
        return cls(engine)
