"""The SQLite store through the standard library's sqlite3, for the commands that must start
at once (add, list, show) and for the brief, whose every import counts: the same tables, the
same rows and the same answers as `Store`, without importing SQLAlchemy or Alembic. Anything
else (PostgreSQL, init, revisions, imports, other reports) uses `Store`; a test holds the two
to the same results.
"""

from __future__ import annotations

import getpass
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from dispstats.errors import Conflict, NotFound, StoreError
from dispstats.model.records import Figure, Site, Source
from dispstats.runtime import many_records
from dispstats.store import latest, lookup
from dispstats.store.contract import Scope
from dispstats.store.filters import FigureFilter
from dispstats.store.location import BUSY_TIMEOUT_MS, resolve_url, sqlite_file
from dispstats.store.revision import check_openable, no_store_at
from dispstats.store.rows import (
    figure_from_row,
    figure_maker,
    now,
    site_from_row,
    source_from_row,
    version_values,
)

WRITE_ATTEMPTS = 6
_SOURCE_DATES = ("published", "accessed")
_CURRENT = (
    "NOT EXISTS (SELECT 1 FROM figure_versions AS newer WHERE newer.figure_id = v.figure_id "
    "AND newer.version > v.version)"
)


class LiteStore:
    """A dispstats store in a SQLite file, read and written with sqlite3."""

    is_public = False

    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA foreign_keys = ON")

    @classmethod
    def open(cls, db: str | None = None) -> LiteStore | None:
        """The store at `db` if it is a plain SQLite file (None for other URLs); raises
        StoreError as `Store.open` does for a missing, foreign, older or newer store."""
        path = sqlite_file(resolve_url(db))
        if path is None:
            return None
        if not path.exists():
            raise no_store_at(path)
        store = cls(path)
        try:
            with store._errors():
                has_table = store._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
                revision = (
                    store._db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                    if has_table
                    else None
                )
            check_openable(revision, store.url)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LiteStore:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # --- reads ----------------------------------------------------------------------------

    def sites(self) -> list[Site]:
        """All sites, by name."""
        with self._errors():
            aliases: dict[str, list[str]] = {}
            for site_id, alias in self._db.execute("SELECT site_id, alias FROM site_aliases"):
                aliases.setdefault(site_id, []).append(alias)
            rows = self._db.execute("SELECT * FROM sites ORDER BY name").fetchall()
        return [site_from_row(dict(r), tuple(aliases.get(r["id"], ()))) for r in rows]

    def find_site(self, ref: str) -> Site:
        return lookup.find_site(self.sites(), ref)

    def find_sites(self, refs: Sequence[str]) -> list[Site]:
        return lookup.find_sites(self.sites(), refs)

    def source(self, source_id: str) -> Source:
        with self._errors():
            row = self._db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise NotFound(f"no source with id '{source_id}'")
        return _source(row)

    def sources(self) -> list[Source]:
        """All sources, newest publication first (Store's order on SQLite)."""
        with self._errors():
            rows = self._db.execute("SELECT * FROM sources ORDER BY published DESC, id").fetchall()
        return [_source(r) for r in rows]

    def find_source(self, ref: str) -> Source:
        return lookup.find_source(self.sources(), ref)

    def figure(self, figure_id: int) -> Figure:
        with self._errors():
            row = self._db.execute(
                "SELECT * FROM figure_versions WHERE figure_id = ? ORDER BY version DESC LIMIT 1",
                (figure_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"no figure {figure_id}")
        return figure_from_row(row)

    def figures(self, where: FigureFilter | None = None) -> list[Figure]:
        """Current versions of figures matching `where`, oldest reference date first."""
        where = where or FigureFilter()
        clauses, params = [_CURRENT], []
        if where.site_ids:
            clauses.append(f"v.site_id IN ({', '.join('?' for _ in where.site_ids)})")
            params += list(where.site_ids)
        for column, op, value in (
            ("indicator", "=", where.indicator),
            ("source_id", "=", where.source_id),
            ("ref_end", ">=", where.date_from and where.date_from.isoformat()),
            ("ref_start", "<=", where.date_to and where.date_to.isoformat()),
        ):
            if value:
                clauses.append(f"v.{column} {op} ?")
                params.append(value)
        if not where.include_retracted:
            clauses.append("v.revision != 'retraction'")
        query = (
            f"SELECT * FROM figure_versions AS v WHERE {' AND '.join(clauses)} "
            "ORDER BY v.ref_start, v.site_id, v.indicator, v.figure_id"
        )
        with self._errors():
            cursor = self._db.execute(query, params)
            make = figure_maker([d[0] for d in cursor.description])
            return [make(row) for row in cursor.fetchall()]

    def iter_figures(self, where: FigureFilter | None = None) -> Iterator[Figure]:
        """As Store.iter_figures (the outputs that stream use Store; this is for a view)."""
        return iter(self.figures(where))

    def iter_versions(self, revised_only: bool = False) -> Iterator[Figure]:
        """As Store.iter_versions."""
        query = "SELECT * FROM figure_versions"
        if revised_only:
            query += " WHERE figure_id IN (SELECT figure_id FROM figure_versions WHERE version > 1)"
        with self._errors():
            cursor = self._db.execute(query + " ORDER BY row_id")
            make = figure_maker([d[0] for d in cursor.description])
            rows = cursor.fetchall()
        return map(make, rows)

    def latest_as_of(
        self,
        as_of: date,
        indicator: str | None = None,
        site_ids: Sequence[str] = (),
        *,
        scope: Scope = "all",
    ) -> list[Figure]:
        """As Store.latest_as_of: the same function (store/latest.py) on this connection."""
        with self._errors(), many_records():
            return latest.latest_as_of(self._db, as_of, indicator, site_ids, scope=scope)

    def has_parts(self) -> bool:
        """As Store.has_parts."""
        with self._errors():
            found = self._db.execute(
                "SELECT 1 FROM figure_versions WHERE parts IS NOT NULL LIMIT 1"
            ).fetchone()
        return bool(found)

    def has_restricted(self) -> bool:
        """As Store.has_restricted: any restricted site, figure version or excerpt."""
        with self._errors():
            (found,) = self._db.execute(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE sensitivity = 'restricted') "
                "OR EXISTS (SELECT 1 FROM figure_versions WHERE sensitivity = 'restricted' "
                "OR (excerpt_sensitivity = 'restricted' AND excerpt IS NOT NULL))"
            ).fetchone()
        return bool(found)

    def setting(self, key: str) -> str | None:
        """As Store.setting."""
        with self._errors():
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # --- writes ---------------------------------------------------------------------------

    def add_figure(self, figure: Figure, *, new_source: Source | None = None) -> Figure:
        """Store a new figure (and, in the same transaction, its new source)."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._errors(), self._write():
                    return self._insert(figure, new_source)
            except sqlite3.OperationalError as exc:  # another writer held the file too long
                if attempt == WRITE_ATTEMPTS or "locked" not in str(exc):
                    raise StoreError(f"database error at {self.url}: {exc}") from None
                time.sleep(random.uniform(0.02, 0.1) * 2**attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    def _insert(self, figure: Figure, new_source: Source | None) -> Figure:
        who, moment = _user(), now()
        stamp = _text(moment)
        if new_source is not None:
            if self._db.execute("SELECT 1 FROM sources WHERE id = ?", (new_source.id,)).fetchone():
                raise Conflict(
                    f"a source with id '{new_source.id}' exists already; choose another id "
                    f"(see 'dispstats source show {new_source.id}')"
                )
            values = {**new_source.__dict__, "entered_by": who, "entered_at": stamp}
            self._insert_row("sources", values)
        self._check_references(figure)
        cursor = self._db.execute(
            "INSERT INTO figures (entered_by, entered_at) VALUES (?, ?)", (who, stamp)
        )
        stored = replace(
            figure,
            id=cursor.lastrowid,
            version=1,
            revision="original",
            reason=None,
            entered_by=who,
            entered_at=moment,
        )
        self._insert_row("figure_versions", version_values(stored))
        latest.refresh(self._db.execute, [latest.series_of(stored)])
        return stored

    def _insert_row(self, table: str, values: dict) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        row = [_text(v) for v in values.values()]
        self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", row)

    def _check_references(self, figure: Figure) -> None:
        """The same messages as Store: a clear error, not a foreign-key one."""
        wanted_sites = sorted(
            {s for s in (figure.site_id, figure.origin_site_id, figure.destination_site_id) if s}
        )
        for table, wanted, what in (
            ("sites", wanted_sites, "site"),
            ("sources", [figure.source_id], "source"),
        ):
            marks = ", ".join("?" for _ in wanted)
            known = {r[0] for r in self._db.execute(
                f"SELECT id FROM {table} WHERE id IN ({marks})", wanted
            )}  # fmt: skip
            if missing := [w for w in wanted if w not in known]:
                raise NotFound(
                    f"no {what} with id '{missing[0]}' (add it first with 'dispstats {what} add')"
                )

    @contextmanager
    def _write(self) -> Iterator[None]:
        # The write lock at once: a deferred transaction that upgrades later can fail with
        # "database is locked" without waiting for the busy timeout.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """The database's own failures as one line a user can act on (as Store says them)."""
        try:
            yield
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"the store refused the write: {exc}") from None
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise
            if "readonly" in str(exc).lower():
                raise StoreError(f"no permission to write to {self.url}: {exc}") from None
            raise StoreError(f"database error at {self.url}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"database error at {self.url}: {exc}") from None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _text(value: object) -> object:
    """A value as SQLAlchemy stores it in SQLite: dates ISO, moments naive UTC with
    microseconds."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dates(row: sqlite3.Row, names: Sequence[str]) -> dict:
    values = dict(row)
    for name in names:
        if values.get(name) is not None:
            values[name] = date.fromisoformat(values[name])
    if values.get("entered_at") is not None:
        values["entered_at"] = datetime.fromisoformat(values["entered_at"])
    return values


def _source(row: sqlite3.Row) -> Source:
    return source_from_row(_dates(row, _SOURCE_DATES))
