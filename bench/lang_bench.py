"""Whole-process time of the demo brief in French and Arabic against the English one (issue
14: a translated brief stays within 10 % of English), interleaved runs in the same process
tree, medians.

    python bench/lang_bench.py [--runs 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import installed_bytecode, interleaved_medians, report, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    installed_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        demo = str(Path(folder) / "demo.db")
        subprocess.run([python, "-m", "dispstats", "--db", demo, "init", "--demo"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        out = str(Path(folder) / "brief.pdf")
        brief = [python, "-m", "dispstats", "--db", demo, "brief", "--week", "2018-W38", "-o", out]
        variants = {
            "en": brief,
            "fr": [*brief, "--lang", "fr"],
            "ar": [*brief, "--lang", "ar"],
            "ar, Arabic-Indic digits": [*brief, "--lang", "ar", "--digits", "arab"],
        }
        wall(brief)  # font caches and bytecode, once, outside the measurement
        median = interleaved_medians(variants, args.runs)
    print(f"whole process, demo brief 2018-W38, medians of {args.runs} interleaved runs")
    for name in ("fr", "ar", "ar, Arabic-Indic digits"):
        report(f"brief --lang {name}", median[name], "brief --lang en", median["en"])


if __name__ == "__main__":
    main()
