"""How long `dispstats add`, `list`, `show` and `--help` take as whole processes, next to a
bare interpreter (issue 13 goals: add <= 6x, --help <= 80 ms, list <= 120 ms).

Baseline: `python -c "import sqlite3"` measured in the same run, interleaved with the
measured command so machine noise hits both alike. Prints medians and their ratio.

    python bench/entry_latency.py [--runs 21]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import installed_bytecode, report, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    installed_bytecode()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.db")
        subprocess.run(
            [python, "-m", "dispstats", "--db", db, "init", "--demo"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        baseline_cmd = [python, "-c", "import sqlite3"]
        timings: dict[str, list[float]] = {
            "baseline": [], "add": [], "list": [], "show": [], "--help": []
        }  # fmt: skip
        for n in range(runs):
            add_cmd = [
                python,
                "-m",
                "dispstats",
                "--db",
                db,
                "add",
                "--site",
                "Rukban",
                "--indicator",
                "population",
                "--value",
                f"about {40_000 + n:,}",
                "--date",
                "2018-09-16",
                "--source",
                "ocha-2018-09",
                "--no-interactive",
            ]
            timings["baseline"].append(wall(baseline_cmd))
            timings["add"].append(wall(add_cmd))
            timings["list"].append(wall([python, "-m", "dispstats", "--db", db, "list"]))
            timings["show"].append(wall([python, "-m", "dispstats", "--db", db, "show", "4"]))
            timings["--help"].append(wall([python, "-m", "dispstats", "--help"]))
    base = statistics.median(timings["baseline"])
    print(f"runs: {runs} each, interleaved; medians of whole-process wall time")
    for name in ("add", "list", "show", "--help"):
        report(name, statistics.median(timings[name]), "python -c 'import sqlite3'", base)


if __name__ == "__main__":
    main()
