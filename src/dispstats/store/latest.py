"""The `latest_figures` table: for every series (site, indicator, unit, population group), the
current figures with the newest reference date (all of them when several share it), once over
all figures and once over public figures only.

It is what "the best estimate of every site today" reads instead of one index seek per series.
Every write of a figure version refreshes the series it touched, in the same
transaction (`refresh`); `init` rebuilds it whole (`rebuild`). The SQL uses named parameters,
which both the standard library's sqlite3 and SQLAlchemy's `text()` accept, so the entry path
and the SQLAlchemy store keep it the same way.

`latest_as_of` reads it, through the database driver's own connection (sqlite3 or psycopg):
both stores answer with this one function, and SQLAlchemy's row handling, which cost more than
the query, is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from dispstats.model.records import Figure
from dispstats.store.contract import Scope
from dispstats.store.rows import figure_maker

# A public figure is public data only when every site it names is public: a movement to a
# restricted site is left out *before* the newest is chosen, so that it never hides an older
# public figure of the same series (sites are never changed once stored, so a write of a figure
# is the only event that changes which figures a series' public scope holds).
SCOPES = {
    "all": "",
    "public": (
        " AND {t}.sensitivity = 'public' AND NOT EXISTS (SELECT 1 FROM sites hidden "
        "WHERE hidden.sensitivity <> 'public' AND hidden.id IN "
        "({t}.site_id, {t}.origin_site_id, {t}.destination_site_id))"
    ),
}

# A version counts when no later version of its figure exists and it is not a retraction.
_COUNTS = (
    "{t}.revision <> 'retraction' AND NOT EXISTS (SELECT 1 FROM figure_versions later "
    "WHERE later.figure_id = {t}.figure_id AND later.version > {t}.version)"
)


def _counts(table: str, scope: str) -> str:
    return (_COUNTS + SCOPES[scope]).format(t=table)


# One series: its site, indicator and unit, and its group, which may be NULL (not stated).
_SERIES = "{t}.site_id = :site AND {t}.indicator = :indicator AND {t}.unit = :unit AND "


def _series(table: str, group_stated: bool) -> str:
    group = "= :group" if group_stated else "IS NULL"  # both use the index, on either database
    return _SERIES.format(t=table) + f"{table}.population_group {group}"


def _insert(scope: str, group_stated: bool) -> str:
    # The newest date of the series is one backward seek on the (site, indicator, unit, group,
    # reference date) index; then the figures of that date.
    return (
        "INSERT INTO latest_figures "
        "(scope, site_id, indicator, row_id, ref_start, unit, population_group) "
        f"SELECT '{scope}', v.site_id, v.indicator, v.row_id, v.ref_start, v.unit, "
        f"v.population_group FROM figure_versions v WHERE {_series('v', group_stated)} "
        f"AND {_counts('v', scope)} AND v.ref_start = ("
        f"SELECT x.ref_start FROM figure_versions x WHERE {_series('x', group_stated)} "
        f"AND {_counts('x', scope)} ORDER BY x.ref_start DESC LIMIT 1)"
    )


REFRESH = {
    stated: [
        f"DELETE FROM latest_figures WHERE {_series('latest_figures', stated)}",
        *(_insert(scope, stated) for scope in SCOPES),
    ]
    for stated in (False, True)
}


# PostgreSQL runs writers side by side: two adding to one series would both delete and insert
# its rows. A table lock that conflicts with itself, held to commit, makes the second wait and
# then read what the first committed (READ COMMITTED takes a new snapshot per statement).
# Readers are not blocked; one lock (not one per series) keeps a large import within the
# server's lock table. SQLite has one writer at a time already.
_LOCK = "LOCK TABLE latest_figures IN SHARE ROW EXCLUSIVE MODE"


Series = tuple[str, str, str, str | None]  # site, indicator, unit, population group


def series_of(f: Figure) -> Series:
    return (f.site_id, f.indicator, f.unit, f.population_group)


def refresh(
    execute: Callable[[str, dict], Any],
    series: Iterable[Series],
    *,
    postgres: bool = False,
) -> None:
    """Bring the rows of these series (site, indicator, unit, group) up to date;
    `execute(sql, params)` runs one statement in the caller's transaction. A revision that
    moves a figure to another series touches both: pass both."""
    series = sorted(set(series), key=lambda key: (*key[:3], key[3] or ""))
    if postgres and series:
        execute(_LOCK, {})
    for site, indicator, unit, group in series:
        params = {"site": site, "indicator": indicator, "unit": unit, "group": group}
        for sql in REFRESH[group is not None]:
            execute(sql, params)


def rebuild(execute: Callable[[str, dict], Any], *, postgres: bool = False) -> None:
    """Fill the table from scratch (after a migration, or a write that bypassed `refresh`):
    series by series, as every write does, so there is one definition of its rows."""
    execute("DELETE FROM latest_figures", {})
    found = execute(
        "SELECT DISTINCT site_id, indicator, unit, population_group FROM figure_versions", {}
    ).fetchall()
    refresh(execute, [tuple(key) for key in found], postgres=postgres)


def latest_as_of(
    db: Any,
    as_of: date,
    indicator: str | None = None,
    site_ids: Sequence[str] = (),
    *,
    scope: Scope = "all",
) -> list[Figure]:
    """Store.latest_as_of on `db`, a DB-API connection (sqlite3, or psycopg under
    SQLAlchemy), in the caller's transaction; sorted by site, indicator and figure id."""
    reader = _Reader(db)
    out: list[Figure] = []
    behind: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for f in reader.newest(indicator, site_ids, scope):
        if f.ref.start <= as_of:
            out.append(f)
        else:
            behind[f.indicator, f.unit, f.population_group].append(f.site_id)
    for series, site_group in behind.items():
        out += reader.by_seek(as_of, series, sorted(set(site_group)), scope)
    return sorted(out, key=lambda f: (f.site_id, f.indicator, f.id))


class _Reader:
    """Queries on a DB-API connection, in its parameter style; dates as its driver takes
    them (ISO text for sqlite3, dates for psycopg)."""

    CHUNK = 500  # site ids a statement names at most: under every bound-parameter limit

    def __init__(self, db: Any):
        self.db = db
        self.sqlite = type(db).__module__.startswith("sqlite3")
        self.mark = "?" if self.sqlite else "%s"

    def rows(self, sql: str, params: Sequence) -> tuple[list[str], list[tuple]]:
        cursor = self.db.cursor()
        try:
            if self.sqlite:
                cursor.row_factory = None  # plain tuples, whatever the connection's factory
            cursor.execute(sql, list(params))
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    def marks(self, values: Sequence) -> str:
        return ", ".join(self.mark for _ in values)

    def newest(self, indicator: str | None, site_ids: Sequence[str], scope: Scope) -> Iterator:
        """The figures of the latest_figures table (every series' newest date)."""
        sql = (
            "SELECT v.* FROM latest_figures l JOIN figure_versions v ON v.row_id = l.row_id "
            f"WHERE l.scope = {self.mark}"
        )
        params: list = [scope]
        if indicator:
            sql += f" AND l.indicator = {self.mark}"
            params.append(indicator)
        wanted = sorted(set(site_ids))
        for start in range(0, len(wanted), self.CHUNK) if wanted else [None]:
            if start is None:
                names, rows = self.rows(sql, params)
            else:
                some = wanted[start : start + self.CHUNK]
                names, rows = self.rows(
                    f"{sql} AND l.site_id IN ({self.marks(some)})", params + some
                )
            yield from map(figure_maker(names), rows)

    def by_seek(
        self, as_of: date, series: tuple[str, str, str | None], site_ids: list[str], scope: Scope
    ) -> list:
        """For series (indicator, unit, group) whose newest figure is after `as_of`: one
        backward seek per site for its newest date on or before it (driven from the sites
        table, so that each site is one seek: a join would let the planner scan all versions),
        then those figures."""
        day = as_of.isoformat() if self.sqlite else as_of
        indicator, unit, group = series
        same = "IS NULL" if group is None else f"= {self.mark}"
        kind = f"AND {{t}}.unit = {self.mark} AND {{t}}.population_group {same}"
        kind_params = [unit] if group is None else [unit, group]
        newest = (
            "SELECT x.ref_start FROM figure_versions x WHERE x.site_id = s.id "
            f"AND x.indicator = {self.mark} {kind.format(t='x')} AND x.ref_start <= {self.mark} "
            f"AND {_counts('x', scope)} ORDER BY x.ref_start DESC LIMIT 1"
        )
        out: list[Figure] = []
        for start in range(0, len(site_ids), self.CHUNK):
            some = site_ids[start : start + self.CHUNK]
            _, found = self.rows(
                f"SELECT s.id, ({newest}) FROM sites s WHERE s.id IN ({self.marks(some)})",
                [indicator, *kind_params, day, *some],
            )
            by_date: dict[Any, list[str]] = defaultdict(list)
            for site_id, newest_date in found:
                if newest_date is not None:
                    by_date[newest_date].append(site_id)
            for newest_date, sites in by_date.items():
                names, rows = self.rows(
                    f"SELECT v.* FROM figure_versions v WHERE v.site_id IN ({self.marks(sites)}) "
                    f"AND v.indicator = {self.mark} {kind.format(t='v')} "
                    f"AND v.ref_start = {self.mark} AND {_counts('v', scope)}",
                    [*sites, indicator, *kind_params, newest_date],
                )
                out += map(figure_maker(names), rows)
        return out
