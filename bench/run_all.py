"""Every bench of issue 13's table (and issue 14's languages) at its default size, one after
the other, each line "dispstats X, baseline Y, ratio", both measured in the same run. The three
longest (check, Excel, import: about a minute per round, most of it the pandas baseline's
to_excel) run two interleaved rounds here instead of their own default three, so that the
whole stays within ten minutes on a 2-core machine even when it runs 1.4x slower than usual
(639 s with three rounds in such a spell). The synthetic stores are built on first use and
kept in /tmp.

    python bench/run_all.py [--only entry,series,check,brief,excel,import,languages]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = {
    "entry": ["entry_latency.py"],
    "series": ["series_bench.py"],
    "check": ["check_bench.py", "--runs", "2"],
    "brief": ["brief_bench.py"],
    "excel": ["excel_bench.py", "--runs", "2"],
    "import": ["import_bench.py", "--runs", "2"],
    "languages": ["lang_bench.py"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches")
    names = parser.parse_args().only.split(",")
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    started = time.perf_counter()
    for name in names:
        script, *args = BENCHES[name]
        print(f"== {name} ({script})", flush=True)
        begun = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)
        print(f"   ({time.perf_counter() - begun:.0f} s)", flush=True)
    print(f"all benches: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
