"""Import speed of this checkout against another one, measured in the same run: the same
generated HXL CSV (bench/import_bench.py's, default 1,000,000 rows) imported into a fresh
SQLite store by each, in processes of their own, the two interleaved run by run.

    python bench/import_ab.py --other /path/to/other/checkout/src [--rows 1000000] [--runs 3]

The other checkout is a `git worktree` of an earlier commit (its src folder); both run on this
checkout's virtual environment. Prints the medians and their ratio (this / other): the goal
of a change that adds to imports is a ratio of at most 1.10.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report, run_in_checkout
from import_bench import generate

HERE = Path(__file__).resolve().parents[1] / "src"
# Runs in the measured checkout's own code: a store with the bench's sites and sources, then
# one timed import of the whole file; prints the seconds.
RUN = """
import sys, time
from pathlib import Path
from dispstats.model.records import Site, Source
from dispstats.store import Store
from dispstats.store.importer import ImportOptions, import_file
csv_path, db = Path(sys.argv[1]), Path(sys.argv[2])
db.unlink(missing_ok=True)
with Store.init(str(db))[0] as store:
    store.add_records([Site(f"site-{i:04d}", f"Site {i}") for i in range(1000)],
                      [Source(f"src-{i:02d}", f"Publisher {i}") for i in range(50)])
with Store.open(str(db)) as store:
    started = time.perf_counter()
    done = import_file(store, csv_path, ImportOptions())
    took = time.perf_counter() - started
assert done.written and not done.errors, done.errors[:3]
print(took, done.added)
"""


def timed(src: Path, csv_path: Path, db: Path) -> tuple[float, int]:
    out = run_in_checkout(src, RUN, str(csv_path), str(db))
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="the other checkout's src")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/dispstats-import-ab"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    csv_path = args.folder / f"figures-{args.rows}.csv"
    if not csv_path.exists():
        generate(csv_path, args.rows)
    ours, theirs = [], []
    for _ in range(args.runs):
        took, added = timed(HERE, csv_path, args.folder / "ours.db")
        ours.append(took)
        assert added == args.rows, added
        took, added = timed(args.other.resolve(), csv_path, args.folder / "theirs.db")
        theirs.append(took)
        assert added == args.rows, added
    report(
        f"import {args.rows:,}-row HXL CSV, this checkout ({HERE.parent.name})",
        statistics.median(ours),
        f"the same import by {args.other} (medians of {args.runs}, interleaved)",
        statistics.median(theirs),
    )


if __name__ == "__main__":
    main()
