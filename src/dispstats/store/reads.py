"""The SQLAlchemy store's reads: sites, sources, figures and their versions, the newest
figures of every series, settings and counts (store/contract.py's StoreReader).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.sql import Select

from dispstats.errors import NotFound
from dispstats.model.records import Figure, Site, Source
from dispstats.runtime import many_records
from dispstats.store import latest, lookup
from dispstats.store.contract import Scope
from dispstats.store.engine import driver_of
from dispstats.store.filters import FigureFilter
from dispstats.store.lifecycle import Database
from dispstats.store.rows import (
    figure_from_row,
    figure_maker,
    site_from_row,
    source_from_row,
)
from dispstats.store.schema import (
    figure_versions,
    figures,
    settings,
    site_aliases,
    sites,
    sources,
)


class Reads(Database):
    """What the store answers."""

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

    def find_sites(self, refs: Sequence[str]) -> list[Site]:
        """Several sites by name, alias or id, reading the site list once."""
        return lookup.find_sites(self.sites(), refs)

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

    def figure(self, figure_id: int) -> Figure:
        """The current version of a figure (a retraction, if it was withdrawn)."""
        with self._read() as connection:
            return self._current(connection, figure_id)

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
        scope: Scope = "all",
    ) -> list[Figure]:
        """For each site and indicator, the figures with the newest reference date on or
        before `as_of` (all of them when several share that date); retractions left out.
        In the "public" scope, only public figures of public sites count: a newer restricted
        one neither hides nor replaces them (PublicView asks for it).

        A figure's reference date here is the start of its period: a figure for September
        2018 counts as known from 1 September. The newest figures of every series are read
        from the latest_figures table in one query; only a series whose newest figure is
        after `as_of` costs a backward seek on the (site, indicator, reference date) index.
        """
        with self._read() as connection, many_records():
            db = driver_of(connection)
            return latest.latest_as_of(db, as_of, indicator, site_ids, scope=scope)

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

    def counts(self) -> dict[str, int]:
        """How many sites, sources, figures and figure versions the store holds."""
        with self._read() as connection:
            return {
                name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("sites", sites),
                    ("sources", sources),
                    ("figures", figures),
                    ("versions", figure_versions),
                )
            }


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
