"""Import speed on published DTM files, this checkout against another, in the same run: each
real file of tests/data/real/ that both checkouts import (a dry run: everything read and
checked, nothing written), in processes of their own, interleaved run by run.

    python bench/real_files_ab.py --other /path/to/other/checkout/src [--runs 3]

The DTM layouts go through the parts of the importer that the generated file of
bench/import_ab.py does not: counts in columns, rows combined into figures with their parts.
Prints one line per file (medians and their ratio, this / other) and the ratio of the sums.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report, run_in_checkout

HERE = Path(__file__).resolve().parents[1] / "src"
REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "real"
# Files the previous release read through too (Nigeria is refused by both, once every row is
# checked); the others it refused at once.
FILES = ("dtm_mali_baseline_r72.xlsx", "dtm_api_global_admin0-2.csv",
         "dtm_somalia_b2_r1.xlsx", "idmc_idps_download-displacement-data.csv",
         "dtm_nigeria_baseline_r38.xlsx")  # fmt: skip
RUN = """
import sys, time
from pathlib import Path
from dispstats.store import Store
from dispstats.store.importer import ImportOptions, import_file
path, db = Path(sys.argv[1]), Path(sys.argv[2])
db.unlink(missing_ok=True)
with Store.init(str(db))[0] as store:
    started = time.perf_counter()
    done = import_file(store, path, ImportOptions(create_sites=True, dry_run=True,
                                                  new_source={"publisher": "P"}))
    print(time.perf_counter() - started, done.figures_read)
"""


def timed(src: Path, path: Path, db: Path) -> float:
    return float(run_in_checkout(src, RUN, str(path), str(db))[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="the other checkout's src")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/dispstats-real-ab"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    ours_total = theirs_total = 0.0
    for name in FILES:
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(timed(HERE, REAL / name, args.folder / "ours.db"))
            theirs.append(timed(args.other.resolve(), REAL / name, args.folder / "theirs.db"))
        ours_total += statistics.median(ours)
        theirs_total += statistics.median(theirs)
        report(f"import --dry-run {name}, this checkout", statistics.median(ours),
               f"the same by {args.other}", statistics.median(theirs))  # fmt: skip
    report("all five files, this checkout", ours_total,
           f"the same by {args.other} (sums of medians of {args.runs})", theirs_total)  # fmt: skip


if __name__ == "__main__":
    main()
