"""Excel export of ~100,000 figures, next to pandas.DataFrame.to_excel (openpyxl) on the same
rows, with peak memory. Each run is its own process, so peak RSS is measured cleanly.

  baseline  pandas: the Figures sheet's rows (already in memory) -> DataFrame.to_excel
  export    dispstats export_xlsx: reads the store and writes all seven sheets
  memory    export's peak RSS minus the peak RSS of a process that only reads the figures

    python bench/excel_bench.py [--db /tmp/dispstats-excel-bench.db] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import report
from series_bench import build

CHILD = """
import json, resource, sys, time
from pathlib import Path
from dispstats.store import Store, FigureFilter
mode, db, out = sys.argv[1:4]
store = Store.open(db)
start = time.perf_counter()
if mode == "read":
    n = len(store.figures(FigureFilter()))
elif mode == "export":
    from dispstats.reports.excel import export_xlsx
    n = export_xlsx(store, Path(out)).rows["Figures"]
else:
    import pandas as pd
    from dispstats.model.columns import FIGURE_COLUMNS
    from dispstats.reports.excel import figure_values
    from dispstats.reports.xlsx_sheet import EXTRA_FIGURE_COLUMNS
    sites = {s.id: s for s in store.sites()}
    sources = {s.id: s for s in store.sources()}
    rows = [figure_values(f, sites, sources) for f in store.figures(FigureFilter())]
    frame = pd.DataFrame(rows, columns=[c.header for c in (*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS)])
    frame["Entered at"] = frame["Entered at"].dt.tz_localize(None)
    start = time.perf_counter()  # only the writing is timed: the rows are already there
    frame.to_excel(out, engine="openpyxl", index=False)
    n = len(frame)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": n,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(mode: str, db: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(db), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/dispstats-excel-bench.db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build(args.db, sites=400, weeks=63).close()  # 400 x 4 x 3 x 21 = 100,800 figures
    out = args.db.with_suffix(".xlsx")
    results: dict[str, list[dict]] = {"read": [], "pandas": [], "export": []}
    for _ in range(args.runs):
        for mode in results:
            results[mode].append(child(mode, args.db, out))
    rows = results["export"][0]["rows"]
    base = statistics.median(r["seconds"] for r in results["pandas"])
    export = statistics.median(r["seconds"] for r in results["export"])
    read_peak = statistics.median(r["peak_mb"] for r in results["read"])
    export_peak = statistics.median(r["peak_mb"] for r in results["export"])
    pandas_peak = statistics.median(r["peak_mb"] for r in results["pandas"])
    print(f"{rows:,} figures, medians of {args.runs} runs (each its own process)")
    report(
        "export xlsx, read + all sheets",
        export,
        "pandas to_excel (openpyxl), Figures rows only",
        base,
        f"{base / export:.2f}x faster; peaks {export_peak:.0f} MB against pandas "
        f"{pandas_peak:.0f} MB",
    )
    print(
        f"memory growth of the export over reading the figures: {export_peak - read_peak:.0f} MB "
        f"(reading alone peaks at {read_peak:.0f} MB)"
    )


if __name__ == "__main__":
    main()
