"""The `latest_figures` table: for every site and indicator, the current figures with the newest
reference date (all of them when several share it), once over all figures and once over public
figures only.

It is what "the best estimate of every site today" reads instead of one index seek per site and
indicator. Every write of a figure version refreshes the series it touched, in the same
transaction (`refresh`); `init` rebuilds it whole (`rebuild`). The SQL uses named parameters,
which both the standard library's sqlite3 and SQLAlchemy's `text()` accept, so the entry path
and the SQLAlchemy store keep it the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SCOPES = {"all": "", "public": " AND {t}.sensitivity = 'public'"}

# A version counts when no later version of its figure exists and it is not a retraction.
_COUNTS = (
    "{t}.revision <> 'retraction' AND NOT EXISTS (SELECT 1 FROM figure_versions later "
    "WHERE later.figure_id = {t}.figure_id AND later.version > {t}.version)"
)


def _counts(table: str, scope: str) -> str:
    return (_COUNTS + SCOPES[scope]).format(t=table)


_DELETE = "DELETE FROM latest_figures WHERE site_id = :site AND indicator = :indicator"


def _insert(scope: str) -> str:
    # The newest date is one backward seek on the (site, indicator, reference date) index.
    return (
        "INSERT INTO latest_figures (scope, site_id, indicator, row_id, ref_start) "
        f"SELECT '{scope}', v.site_id, v.indicator, v.row_id, v.ref_start "
        "FROM figure_versions v WHERE v.site_id = :site AND v.indicator = :indicator "
        f"AND {_counts('v', scope)} AND v.ref_start = ("
        "SELECT x.ref_start FROM figure_versions x "
        f"WHERE x.site_id = :site AND x.indicator = :indicator AND {_counts('x', scope)} "
        "ORDER BY x.ref_start DESC LIMIT 1)"
    )


REFRESH = [_DELETE, *(_insert(scope) for scope in SCOPES)]


# PostgreSQL runs writers side by side: two adding to one series would both delete and insert
# its rows. A table lock that conflicts with itself, held to commit, makes the second wait and
# then read what the first committed (READ COMMITTED takes a new snapshot per statement).
# Readers are not blocked; one lock (not one per series) keeps a large import within the
# server's lock table. SQLite has one writer at a time already.
_LOCK = "LOCK TABLE latest_figures IN SHARE ROW EXCLUSIVE MODE"


def refresh(
    execute: Callable[[str, dict], Any],
    pairs: Iterable[tuple[str, str]],
    *,
    postgres: bool = False,
) -> None:
    """Bring the rows of these (site, indicator) series up to date; `execute(sql, params)`
    runs one statement in the caller's transaction. A revision that moves a figure to another
    site or indicator touches both series: pass both."""
    pairs = sorted(set(pairs))
    if postgres and pairs:
        execute(_LOCK, {})
    for site, indicator in pairs:
        for sql in REFRESH:
            execute(sql, {"site": site, "indicator": indicator})


def rebuild(execute: Callable[[str, dict], Any], *, postgres: bool = False) -> None:
    """Fill the table from scratch (after a migration, or a write that bypassed `refresh`):
    series by series, as every write does, so there is one definition of its rows."""
    execute("DELETE FROM latest_figures", {})
    pairs = execute("SELECT DISTINCT site_id, indicator FROM figure_versions", {}).fetchall()
    refresh(execute, [tuple(pair) for pair in pairs], postgres=postgres)
