"""`check` on the 936,000-figure store of bench/series_bench.py (built there if missing):
staleness and disagreement of all 6,000 series, stock-flow findings of every site, in
process, next to a baseline measured in the same run and interleaved with it: reading the
same figures alone (Store.figures), which check cannot avoid.

The bench store's random figures disagree everywhere: about 264,000 findings.

    python bench/check_bench.py [--runs 3] [--db /tmp/dispstats-bench.db]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import report
from dispstats.series import check
from dispstats.store import FigureFilter
from series_bench import AS_OF, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="/tmp/dispstats-bench.db", type=Path)
    args = parser.parse_args()
    store = build(args.db)
    jobs = {
        "read": lambda: len(store.figures(FigureFilter(date_to=AS_OF))),
        "check": lambda: len(check(store, AS_OF).findings),
    }
    times: dict[str, list[float]] = {name: [] for name in jobs}
    counts = {}
    for _ in range(args.runs):
        for name, job in jobs.items():
            start = time.perf_counter()
            counts[name] = job()
            times[name].append(time.perf_counter() - start)
    print(f"as of {AS_OF}, medians of {args.runs} interleaved runs")
    report(
        f"check, {counts['read']:,} figures, all series and sites",
        statistics.median(times["check"]),
        "reading the same figures alone (Store.figures)",
        statistics.median(times["read"]),
        f"{counts['check']:,} findings",
    )


if __name__ == "__main__":
    main()
