"""The store: append-only reads and writes of sites, sources and figure versions.

Every write is one transaction: it stores all it was given or nothing. Figures are never
updated or deleted; a revision is a new version. Works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import getpass
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, exists, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.sql import Select

from dispstats.errors import Conflict, InputError, NotFound, StoreError
from dispstats.model.records import Figure, Site, Source
from dispstats.store import latest, lookup
from dispstats.store.engine import make_engine, resolve_url, sqlite_path
from dispstats.store.filters import FigureFilter
from dispstats.store.migrate import stored_revision, upgrade
from dispstats.store.revision import check_openable, no_store_at
from dispstats.store.rows import (
    as_public,
    figure_from_row,
    figure_maker,
    many_records,
    parents_first,
    site_from_row,
    source_from_row,
    version_values,
)
from dispstats.store.rows import (
    now as utc_now,
)
from dispstats.store.schema import (
    figure_versions,
    figures,
    settings,
    site_aliases,
    sites,
    sources,
)


class Store:
    """A dispstats store on one database. Open it with `Store.open` or `Store.init`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        # What the last `init` changed in the stored figures while upgrading the schema.
        self.upgrade_notes: list[str] = []

    # --- opening --------------------------------------------------------------------------

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
        with _database_errors(url):
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
        with _database_errors(url), engine.connect() as connection:
            revision = stored_revision(connection)
        check_openable(revision, engine.url.render_as_string(hide_password=True))
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def rebuild_latest(self) -> None:
        """Rebuild the latest_figures table (see store/latest.py) from the figures."""

        def work(connection: Connection) -> None:
            with _statements(connection) as execute:
                latest.rebuild(execute, postgres=connection.dialect.name == "postgresql")

        self._transaction(work)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one write transaction, retried (bounded) when the database reports a
        transient conflict: a PostgreSQL serialization failure or deadlock, a locked SQLite."""
        with _database_errors(self.url):
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    with self.engine.connect() as connection:
                        connection = connection.execution_options(dispstats_write=True)
                        with connection.begin():
                            return work(connection)
                except DBAPIError as exc:
                    if attempt == WRITE_ATTEMPTS or not _is_transient(exc):
                        raise
                    time.sleep(random.uniform(0.02, 0.1) * 2**attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _database_errors(self.url), self.engine.connect() as connection:
            yield connection

    def current_user(self, connection: Connection) -> str:
        """Who is writing: the database role on PostgreSQL, the OS user on SQLite."""
        if connection.dialect.name == "postgresql":
            return connection.execute(text("SELECT current_user")).scalar()
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"

    # --- writes ---------------------------------------------------------------------------

    def add_site(self, site: Site) -> Site:
        """Store a new site; raises Conflict if its id is taken, NotFound for a bad parent."""
        return self.add_records(new_sites=[site])[0][0]

    def add_source(self, source: Source) -> Source:
        """Store a new source; raises Conflict if its id is taken."""
        return self.add_records(new_sources=[source])[1][0]

    def add_figure(self, figure: Figure, *, new_source: Source | None = None) -> Figure:
        """Store a new figure (and, in the same transaction, its new source)."""
        return self.add_records(
            new_sources=[new_source] if new_source else [], new_figures=[figure]
        )[2][0]

    def add_records(
        self,
        new_sites: Iterable[Site] = (),
        new_sources: Iterable[Source] = (),
        new_figures: Iterable[Figure] = (),
    ) -> tuple[list[Site], list[Source], list[Figure]]:
        """Store sites, sources and new figures in one transaction: all of them or none."""
        new_sites, new_sources = list(new_sites), list(new_sources)
        new_figures = list(new_figures)

        def work(connection: Connection) -> list[Figure]:
            who, now = self.current_user(connection), utc_now()
            self._insert_sites_and_sources(connection, new_sites, new_sources, who, now)
            _check_references(connection, new_figures)
            stored = [self._insert_new_figure(connection, f, who, now) for f in new_figures]
            _refresh_latest(connection, [latest.series_of(f) for f in stored])
            return stored

        return new_sites, new_sources, self._transaction(work)

    def add_bulk(
        self, new_sites: list[Site], new_sources: list[Source], frame, progress=None
    ) -> list[int]:
        """Store sites, sources and the figures of an import frame (one per line, columns as
        `model.table_figures.read_figures` makes them) in one transaction; returns the new
        figure ids. `progress(done, total)` follows the rows written.

        The frame must be valid (`model.table_figures.check_figures`): lines are not checked
        one by one.
        """
        from dispstats.store import bulk

        def work(connection: Connection) -> list[int]:
            who, now = self.current_user(connection), utc_now()
            self._insert_sites_and_sources(connection, new_sites, new_sources, who, now)
            ids = bulk.insert_figures(connection, frame, who, now, progress)
            keys = ["site_id", "indicator", "unit", "population_group"]
            found = frame[keys].drop_duplicates().itertuples(index=False)
            # pandas may hold a missing group as NaN: every missing group is "not stated".
            series = [(*key[:3], key[3] if isinstance(key[3], str) else None) for key in found]
            _refresh_latest(connection, series)
            return ids

        return self._transaction(work)

    def stored_contents(self, source_ids: Sequence[str]) -> set[tuple]:
        """Content of every version of the figures of these sources (for duplicate checks)."""
        from dispstats.store import bulk

        with self._read() as connection:
            return bulk.stored_contents(connection, source_ids)

    def _insert_sites_and_sources(
        self,
        connection: Connection,
        new_sites: list[Site],
        new_sources: list[Source],
        who: str,
        now: datetime,
    ) -> None:
        _check_ids_free(connection, new_sites, new_sources)
        for site in parents_first(new_sites):
            self._insert_site(connection, site, who, now)
        for source in new_sources:
            connection.execute(
                insert(sources).values(**source.__dict__, entered_by=who, entered_at=now)
            )

    def _insert_site(self, connection: Connection, site: Site, who: str, now: datetime) -> None:
        if (
            site.parent_id
            and not connection.execute(
                select(sites.c.id).where(sites.c.id == site.parent_id)
            ).first()
        ):
            raise NotFound(f"parent site '{site.parent_id}' of '{site.id}' does not exist")
        values = {k: v for k, v in site.__dict__.items() if k != "aliases"}
        connection.execute(insert(sites).values(**values, entered_by=who, entered_at=now))
        for alias in dict.fromkeys(site.aliases):
            connection.execute(insert(site_aliases).values(site_id=site.id, alias=alias))

    def _insert_new_figure(
        self, connection: Connection, figure: Figure, who: str, now: datetime
    ) -> Figure:
        figure_id = connection.execute(
            insert(figures).values(entered_by=who, entered_at=now).returning(figures.c.id)
        ).scalar_one()
        stored = replace(
            figure,
            id=figure_id,
            version=1,
            revision="original",
            reason=None,
            entered_by=who,
            entered_at=now,
        )
        connection.execute(insert(figure_versions).values(**version_values(stored)))
        return stored

    def revise(
        self,
        figure_id: int,
        revision: str,
        reason: str | None,
        expected_version: int | None = None,
        **changes,
    ) -> Figure:
        """Store a new version of a figure: its current fields with `changes` applied.

        `revision` is correction, retraction or recommendation. With `expected_version`, the
        write is refused (Conflict) if someone else revised the figure since it was read.
        """

        def work(connection: Connection) -> Figure:
            current = self._current(connection, figure_id)
            if current.is_retracted:
                raise Conflict(
                    f"figure {figure_id} was retracted (version {current.version}: "
                    f"{current.reason}); add a new figure instead"
                )
            if expected_version is not None and current.version != expected_version:
                raise Conflict(
                    f"figure {figure_id} changed since you read it: it is now at "
                    f"version {current.version} ({current.revision} by "
                    f"{current.entered_by}); look at 'dispstats history "
                    f"{figure_id}' and try again"
                )
            _check_references(connection, [current.revised(**changes)] if changes else [])
            who, now = self.current_user(connection), utc_now()
            new = current.revised(
                **changes,
                version=current.version + 1,
                revision=revision,
                reason=reason,
                entered_by=who,
                entered_at=now,
            )
            try:
                with connection.begin_nested():
                    connection.execute(insert(figure_versions).values(**version_values(new)))
            except IntegrityError:
                raise Conflict(
                    f"figure {figure_id} changed since you read it: someone else revised it "
                    f"at the same moment; look at 'dispstats history {figure_id}' and try again"
                ) from None
            _refresh_latest(connection, [latest.series_of(current), latest.series_of(new)])
            return new

        return self._transaction(work)

    def correct(
        self, figure_id: int, reason: str, expected_version: int | None = None, **changes
    ) -> Figure:
        """A correction: a new version with the changed fields, pointing at the old one."""
        if not changes:
            raise InputError("a correction needs at least one changed field (e.g. --value)")
        return self.revise(figure_id, "correction", reason, expected_version, **changes)

    def recommend(self, figure_id: int, reason: str, expected_version: int | None = None) -> Figure:
        """Mark a figure as the analyst's choice: a new version with role "recommended", and
        the reason. A figure recommended already is refused (a repeat would add a version
        that changes nothing)."""
        if not (reason or "").strip():
            raise InputError("say why the figure is recommended (--reason)", field="reason")
        current = self.figure(figure_id)
        if current.role == "recommended":
            raise InputError(
                f"figure {figure_id} is recommended already (version {current.version}); "
                f"nothing was changed: see 'dispstats history {figure_id}'",
                field="figure",
                value=str(figure_id),
            )
        return self.revise(
            figure_id, "recommendation", reason.strip(), expected_version, role="recommended"
        )

    def retract(self, figure_id: int, reason: str, expected_version: int | None = None) -> Figure:
        """A retraction: a new version that withdraws the figure, with the reason."""
        return self.revise(figure_id, "retraction", reason, expected_version)

    # --- reads ----------------------------------------------------------------------------

    def site(self, site_id: str) -> Site:
        """The site with this exact id; raises NotFound."""
        with self._read() as connection:
            return self._site(connection, site_id)

    def _site(self, connection: Connection, site_id: str) -> Site:
        row = connection.execute(select(sites).where(sites.c.id == site_id)).mappings().first()
        if row is None:
            raise NotFound(f"no site with id '{site_id}'")
        aliases = connection.execute(
            select(site_aliases.c.alias).where(site_aliases.c.site_id == site_id)
        ).scalars()
        return site_from_row(row, tuple(aliases))

    def sites(self) -> list[Site]:
        """All sites, by name."""
        with self._read() as connection:
            alias_rows = connection.execute(select(site_aliases)).all()
            aliases: dict[str, list[str]] = {}
            for site_id, alias in alias_rows:
                aliases.setdefault(site_id, []).append(alias)
            rows = connection.execute(select(sites).order_by(sites.c.name)).mappings()
            return [site_from_row(r, tuple(aliases.get(r["id"], ()))) for r in rows]

    def find_site(self, ref: str) -> Site:
        """The site named by id, p-code, name or alias (case and accents ignored).

        Raises NotFound with close matches as suggestions, or Conflict if several sites share
        the name.
        """
        return lookup.find_site(self.sites(), ref)

    def find_sites(self, refs: Sequence[str], *, public: bool = False) -> list[Site]:
        """Several sites by name, alias or id, reading the site list once. With `public`,
        among public sites only: a restricted name is answered as an unknown one, with no
        suggestion drawn from restricted names."""
        return lookup.find_sites(self.sites(), refs, public=public)

    def source(self, source_id: str) -> Source:
        """The source with this exact id; raises NotFound."""
        with self._read() as connection:
            row = (
                connection.execute(select(sources).where(sources.c.id == source_id))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound(f"no source with id '{source_id}'")
        return source_from_row(row)

    def sources(self) -> list[Source]:
        """All sources, newest publication first."""
        with self._read() as connection:
            rows = connection.execute(
                select(sources).order_by(sources.c.published.desc(), sources.c.id)
            ).mappings()
            return [source_from_row(r) for r in rows]

    def find_source(self, ref: str) -> Source:
        """The source named by id, or by a publisher that has exactly one source."""
        return lookup.find_source(self.sources(), ref)

    def figure(self, figure_id: int, *, public: bool = False) -> Figure:
        """The current version of a figure (a retraction, if it was withdrawn). With `public`,
        as a public output shows it: a restricted one is answered as a missing one."""
        with self._read() as connection:
            figure = self._current(connection, figure_id)
        return as_public(figure, self.sites()) if public else figure

    def _current(self, connection: Connection, figure_id: int) -> Figure:
        row = (
            connection.execute(
                select(figure_versions)
                .where(figure_versions.c.figure_id == figure_id)
                .order_by(figure_versions.c.version.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"no figure {figure_id}")
        return figure_from_row(row)

    def history(self, figure_id: int) -> list[Figure]:
        """Every version of a figure, oldest first; raises NotFound."""
        with self._read() as connection:
            rows = (
                connection.execute(
                    select(figure_versions)
                    .where(figure_versions.c.figure_id == figure_id)
                    .order_by(figure_versions.c.version)
                )
                .mappings()
                .all()
            )
        if not rows:
            raise NotFound(f"no figure {figure_id}")
        return [figure_from_row(r) for r in rows]

    def figures(self, where: FigureFilter | None = None) -> list[Figure]:
        """Current versions of figures matching `where`, oldest reference date first."""
        with self._read() as connection, many_records():
            return list(_made(connection.execute(_figures_query(where or FigureFilter()))))

    def iter_figures(self, where: FigureFilter | None = None) -> Iterator[Figure]:
        """What `figures` returns, read in batches as it is consumed: an export of a large
        store holds a few thousand figures at a time, not all of them."""
        with self._read() as connection:
            query = _figures_query(where or FigureFilter())
            yield from _made(connection.execution_options(yield_per=5000).execute(query))

    def iter_versions(self, revised_only: bool = False) -> Iterator[Figure]:
        """Every version of every figure in the order stored, read in batches (large stores);
        with `revised_only`, only figures that were corrected, retracted or recommended."""
        v = figure_versions
        query = select(v).order_by(v.c.row_id)
        if revised_only:
            revised = select(v.c.figure_id).where(v.c.version > 1)
            query = query.where(v.c.figure_id.in_(revised))
        with self._read() as connection:
            yield from _made(connection.execution_options(yield_per=5000).execute(query))

    def latest_as_of(
        self,
        as_of: date,
        indicator: str | None = None,
        site_ids: Sequence[str] = (),
        *,
        public: bool = False,
    ) -> list[Figure]:
        """For each site and indicator, the figures with the newest reference date on or
        before `as_of` (all of them when several share that date); retractions left out.
        With `public`, only public figures count: a newer restricted one neither hides nor
        replaces them.

        A figure's reference date here is the start of its period: a figure for September
        2018 counts as known from 1 September. The newest figures of every series are read
        from the latest_figures table in one query; only a series whose newest figure is
        after `as_of` costs a backward seek on the (site, indicator, reference date) index.
        """
        with self._read() as connection, many_records():
            db = connection.connection.driver_connection
            return latest.latest_as_of(db, as_of, indicator, site_ids, public=public)

    def has_parts(self) -> bool:
        """Whether any figure version has parts (a breakdown)."""
        with self._read() as connection:
            found = connection.execute(
                select(figure_versions.c.row_id)
                .where(figure_versions.c.parts.is_not(None))
                .limit(1)
            ).first()
        return found is not None

    def has_restricted(self) -> bool:
        """Whether any site, figure version or excerpt is restricted. Any version counts, not
        only current ones: internal outputs show history, and a warning too many is safer than
        one too few."""
        v = figure_versions
        with self._read() as connection:
            site = connection.execute(
                select(sites.c.id).where(sites.c.sensitivity == "restricted").limit(1)
            ).first()
            version = connection.execute(
                select(v.c.row_id)
                .where(
                    (v.c.sensitivity == "restricted")
                    | ((v.c.excerpt_sensitivity == "restricted") & v.c.excerpt.is_not(None))
                )
                .limit(1)
            ).first()
        return site is not None or version is not None

    def setting(self, key: str) -> str | None:
        """A store setting's value (see store/settings.py), None when it was never set."""
        with self._read() as connection:
            return connection.execute(
                select(settings.c.value).where(settings.c.key == key)
            ).scalar()

    def set_setting(self, key: str, value: str) -> None:
        """Set a store setting (the key and value checked by store/settings.py)."""

        def work(connection: Connection) -> None:
            connection.execute(delete(settings).where(settings.c.key == key))
            connection.execute(insert(settings).values(key=key, value=value))

        self._transaction(work)

    def counts(self) -> dict[str, int]:
        """How many sites, sources, figures and figure versions the store holds."""
        with self._read() as connection:
            return {
                name: connection.execute(select(func.count()).select_from(table)).scalar()
                for name, table in (
                    ("sites", sites),
                    ("sources", sources),
                    ("figures", figures),
                    ("versions", figure_versions),
                )
            }


# --- rows <-> records --------------------------------------------------------------------------


def _refresh_latest(connection: Connection, series: list[latest.Series]) -> None:
    with _statements(connection) as execute:
        latest.refresh(execute, series, postgres=connection.dialect.name == "postgresql")


@contextmanager
def _statements(connection: Connection) -> Iterator[Callable[[str, dict], Any]]:
    """`execute(sql, params)` in the connection's transaction. On SQLite, through the driver:
    an import refreshes thousands of series, three statements each, and SQLAlchemy's work per
    statement was most of that (2.1 s of a million-row import, 0.8 s through the driver)."""
    if connection.dialect.name == "postgresql":
        yield lambda sql, params: connection.execute(text(sql), params)
        return
    cursor = connection.connection.driver_connection.cursor()
    try:
        yield cursor.execute
    finally:
        cursor.close()


def _is_current(table):
    """No later version of the same figure exists (versions are never deleted)."""
    newer = figure_versions.alias()
    return ~exists().where(
        newer.c.figure_id == table.c.figure_id, newer.c.version > table.c.version
    )


def _made(result) -> Iterator[Figure]:
    """The Figures of a result of version rows, as it is read."""
    return map(figure_maker(list(result.keys())), result)


def _figures_query(where: FigureFilter) -> Select:
    """Current versions matching `where`, oldest reference date first (Store.figures)."""
    query = _current_versions()
    v = figure_versions.c
    if where.site_ids:
        query = query.where(v.site_id.in_(where.site_ids))
    if where.indicator:
        query = query.where(v.indicator == where.indicator)
    if where.source_id:
        query = query.where(v.source_id == where.source_id)
    if where.date_from:
        query = query.where(v.ref_end >= where.date_from)
    if where.date_to:
        query = query.where(v.ref_start <= where.date_to)
    if not where.include_retracted:
        query = query.where(v.revision != "retraction")
    return query.order_by(v.ref_start, v.site_id, v.indicator, v.figure_id)


def _current_versions() -> Select:
    return select(figure_versions).where(_is_current(figure_versions))


def _check_ids_free(
    connection: Connection, new_sites: list[Site], new_sources: list[Source]
) -> None:
    for table, records, what in ((sites, new_sites, "site"), (sources, new_sources, "source")):
        ids = [r.id for r in records]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise Conflict(f"{what} id '{sorted(duplicates)[0]}' is given twice")
        if ids:
            taken = connection.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars()
            if first := next(iter(taken), None):
                raise Conflict(
                    f"a {what} with id '{first}' exists already; choose another id "
                    f"(see 'dispstats {what} show {first}')"
                )


def _check_references(connection: Connection, new_figures: list[Figure]) -> None:
    """Every site and source a figure names must exist: a clear error, not a foreign-key one."""
    wanted_sites = {
        s for f in new_figures for s in (f.site_id, f.origin_site_id, f.destination_site_id) if s
    }
    wanted_sources = {f.source_id for f in new_figures}
    for table, wanted, what in ((sites, wanted_sites, "site"), (sources, wanted_sources, "source")):
        if not wanted:
            continue
        known = set(connection.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars())
        if missing := sorted(wanted - known):
            raise NotFound(
                f"no {what} with id '{missing[0]}' (add it first with 'dispstats {what} add')"
            )


T = TypeVar("T")
# A write that meets a transient conflict is tried this many times in all.
WRITE_ATTEMPTS = 6
_TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def _is_transient(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Turn the database's own failures into one line a user can act on."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(f"the store refused the write: {_first_line(exc)}") from None
    except (OperationalError, ProgrammingError) as exc:
        detail = _first_line(exc)
        if "readonly" in detail.lower() or "permission denied" in detail.lower():
            raise StoreError(f"no permission to write to {url}: {detail}") from None
        raise StoreError(f"database error at {url}: {detail}") from None


def _first_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
