"""Best estimates on a large store, next to baselines measured in the same run.

Builds (once, cached in --db) a synthetic SQLite store: 1,500 sites x 4 indicators x 3 sources,
each source reporting every third week for 3 years (936,000 figures). Then:

  latest     the best estimate of every site and indicator (6,000 series): latest_estimates
             (the latest_figures table and the rule), against one raw sqlite3 GROUP BY query
             that finds only each series' newest date, and against fetching the rows it reads
             as plain tuples (its floor)
  as-of      the newest population figures of every site, against the same query
  series     weekly_series: 52 weeks for 20 sites, against pandas sort + groupby last on rows
             already in memory

Prints medians of --repeat runs and each one's ratio to its baseline.

    python bench/series_bench.py [--db /tmp/dispstats-bench.db] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).parent))
from common import median_time, report
from dispstats.model.records import Site, Source
from dispstats.model.vocab import INDICATORS
from dispstats.series import latest_estimates, weekly_series
from dispstats.store import Store
from dispstats.store.schema import figure_versions, figures

SITES, SOURCES, WEEKS, EVERY = 1500, 3, 156, 3
INDICATORS_USED = INDICATORS[:4]
FIRST_MONDAY = date(2016, 1, 4)
AS_OF = FIRST_MONDAY + timedelta(weeks=WEEKS - 1, days=6)


def build(path: Path, sites: int = SITES, weeks: int = WEEKS) -> Store:
    if path.exists():
        return Store.open(str(path))
    store, _ = Store.init(str(path))
    store.add_records(
        # Spread over a grid in Syria, so that the brief bench draws its map too.
        [
            Site(
                f"site-{n:04d}",
                f"Site {n}",
                latitude=32.5 + 0.15 * (n % 30),
                longitude=36.0 + 0.12 * (n // 30 % 50),
            )
            for n in range(sites)
        ],
        [Source(f"src-{k}", f"Publisher {k}", "un", reliability="ABC"[k]) for k in range(SOURCES)],
    )
    rng = random.Random(42)
    now = datetime.now(UTC)
    figure_id = 0
    with store.engine.begin() as connection:
        batch_ids, batch_rows = [], []
        for n in range(sites):
            for indicator in INDICATORS_USED:
                for k in range(SOURCES):
                    for week in range(k, weeks, EVERY):
                        figure_id += 1
                        day = FIRST_MONDAY + timedelta(weeks=week, days=rng.randrange(7))
                        value = rng.randrange(100, 100_000)
                        batch_ids.append(
                            {"id": figure_id, "entered_by": "bench", "entered_at": now}
                        )
                        batch_rows.append(
                            {
                                "figure_id": figure_id,
                                "version": 1,
                                "revision": "original",
                                "site_id": f"site-{n:04d}",
                                "indicator": indicator,
                                "unit": "people",
                                "low": value,
                                "high": value,
                                "quantifier": "about",
                                "value_text": f"about {value:,}",
                                "ref_start": day,
                                "ref_end": day,
                                "ref_precision": "day",
                                "source_id": f"src-{k}",
                                "confidence": "medium",
                                "role": "automatic",
                                "sensitivity": "public",
                                "entered_by": "bench",
                                "entered_at": now,
                            }
                        )
            if len(batch_rows) > 50_000 or n == sites - 1:
                connection.execute(insert(figures), batch_ids)
                connection.execute(insert(figure_versions), batch_rows)
                batch_ids, batch_rows = [], []
    store.rebuild_latest()  # the rows above went in without the store's write path
    return store


def pandas_baseline(store: Store):
    """The 52-week series' baseline: newest figure per series by pandas, on rows in memory."""
    import pandas as pd

    with store.engine.connect() as connection:
        frame = pd.read_sql_table(
            "figure_versions",
            connection,
            columns=["figure_id", "site_id", "indicator", "ref_start", "low", "high", "source_id"],
        )
    frame["ref_start"] = pd.to_datetime(frame["ref_start"])
    as_of = pd.Timestamp(AS_OF)

    def baseline():
        recent = frame[frame["ref_start"] <= as_of].sort_values("ref_start")
        return recent.groupby(["site_id", "indicator"]).last()

    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/dispstats-bench.db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    store = build(args.db)
    print(
        f"store: {store.counts()['figures']:,} figures ({time.perf_counter() - start:.1f} s "
        f"to build or open) at {args.db}"
    )

    def all_estimates():
        return {pair: e.figure for pair, e in latest_estimates(store, AS_OF).items()}

    sites_20 = [f"site-{n:04d}" for n in range(0, SITES, SITES // 20)][:20]
    raw = sqlite3.connect(str(args.db))

    def raw_query():
        # The plainest answer SQL gives: the newest reference date per series, one GROUP BY
        # read from the (site, indicator, date) index alone. It ignores versions and
        # retractions, so it does less than dispstats does: a hard baseline.
        return raw.execute(
            "SELECT site_id, indicator, max(ref_start) FROM figure_versions "
            "WHERE ref_start <= ? GROUP BY site_id, indicator",
            (AS_OF.isoformat(),),
        ).fetchall()

    def raw_rows():
        # What the estimate reads, fetched as plain tuples and nothing more: the floor of any
        # answer that hands back the winning figures themselves.
        return raw.execute(
            "SELECT v.* FROM latest_figures l JOIN figure_versions v ON v.row_id = l.row_id "
            "WHERE l.scope = 'all'"
        ).fetchall()

    results = {
        "raw": median_time(raw_query, args.repeat),
        "rows": median_time(raw_rows, args.repeat),
        "latest": median_time(all_estimates, args.repeat),
        "as-of population": median_time(
            lambda: store.latest_as_of(AS_OF, "population"), args.repeat
        ),
        "series": median_time(
            lambda: weekly_series(store, sites_20, "population", 52, AS_OF), args.repeat
        ),
    }
    # The pandas baseline's 936,000 rows are loaded only now: held in memory, they slowed what
    # this process made next (the latest estimate: 148 against 88 ms, the raw row fetch 46
    # against 42 ms), a weight no dispstats command carries.
    results["pandas"] = median_time(pandas_baseline(store), args.repeat)
    print(f"as of {AS_OF}, medians of {args.repeat} runs")
    raw_base = results["raw"][0]
    report(
        f"latest estimate, all {len(results['latest'][1]):,} series",
        results["latest"][0],
        "one raw sqlite3 GROUP BY query",
        raw_base,
    )
    report(
        f"latest estimate, all {len(results['latest'][1]):,} series",
        results["latest"][0],
        f"fetching the {len(results['rows'][1]):,} rows it reads (sqlite3 tuples, no objects)",
        results["rows"][0],
    )
    report(
        "newest figures, population, all sites",
        results["as-of population"][0],
        "one raw sqlite3 GROUP BY query",
        raw_base,
    )
    report(
        "52-week series, 20 sites",
        results["series"][0],
        "pandas sort+groupby last (rows in memory)",
        results["pandas"][0],
    )
    estimates = results["latest"][1]
    pandas_last = results["pandas"][1]
    agree = sum(
        1
        for key, f in estimates.items()  # the bench's figures name no group: one per pair
        if pandas_last.loc[(key.site_id, key.indicator), "ref_start"].date() == f.ref.start
    )
    print(
        f"check: newest reference date agrees with pandas for {agree:,} of "
        f"{len(estimates):,} site-indicator pairs"
    )


if __name__ == "__main__":
    main()
