"""The SQLAlchemy store's writes: sites, sources and figures added, and new versions of a
figure (corrections, retractions, recommendations); every write is one transaction, and
nothing is ever updated or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from dispstats.errors import Conflict, InputError, NotFound
from dispstats.model.records import Figure, Site, Source
from dispstats.store import latest
from dispstats.store.lifecycle import refresh_latest
from dispstats.store.reads import Reads
from dispstats.store.rows import (
    now as utc_now,
)
from dispstats.store.rows import (
    parents_first,
    version_values,
)
from dispstats.store.schema import (
    figure_versions,
    figures,
    settings,
    site_aliases,
    sites,
    sources,
)


class Writes(Reads):
    """What the store records."""

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
            refresh_latest(connection, [latest.series_of(f) for f in stored])
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
            refresh_latest(connection, series)
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
            refresh_latest(connection, [latest.series_of(current), latest.series_of(new)])
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

    def set_setting(self, key: str, value: str) -> None:
        """Set a store setting (the key and value checked by store/settings.py)."""

        def work(connection: Connection) -> None:
            connection.execute(delete(settings).where(settings.c.key == key))
            connection.execute(insert(settings).values(key=key, value=value))

        self._transaction(work)


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
