"""Whole-process time of `dispstats brief`, on the demo data and on a 936,000-figure store.

Baselines, measured in the same run and interleaved: a process that only imports what a brief
needs (`import weasyprint, matplotlib.figure, jinja2`), the floor a brief drawn in
one process pays; the same, ended without Python's tear-down as dispstats ends; and the plainest
weasyprint+matplotlib script. A brief in a fresh process draws its pictures in a helper process
while it imports WeasyPrint (reports/drawing.py), so it can come in under the first two. Then
one warm in-process render of each (pictures drawn in the same process) shows how the time
splits between data, charts, layout and writing. The large store is the one
bench/series_bench.py builds (built here if missing); its brief covers the 10 largest sites.

    python bench/brief_bench.py [--runs 5] [--db /tmp/dispstats-bench.db]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import installed_bytecode, interleaved_medians, report
from dispstats.cli.render import count_words
from dispstats.reports.brief import render_brief
from dispstats.store import Store
from series_bench import AS_OF, build

# What a brief on a SQLite store needs besides the standard library (SQLAlchemy no longer:
# the brief reads SQLite through sqlite3).
IMPORTS = "import weasyprint, matplotlib.figure, jinja2"
# dispstats ends a finished command without Python's tear-down (cli.main); the same imports
# ended that way are the floor it is fair to hold the brief against.
QUICK_END = "; import os; os._exit(0)"
# Issue 13's baseline for the demo brief: the plainest script that draws one chart with
# matplotlib and lays out one page around it with weasyprint.
PLAIN_SCRIPT = """
import io, sys
import matplotlib
matplotlib.use("Agg")
from matplotlib import pyplot
import weasyprint
figure, axes = pyplot.subplots(figsize=(6, 2.5))
axes.plot(range(12), [45000 - 300 * week for week in range(12)])
svg = io.StringIO()
figure.savefig(svg, format="svg")
rows = "".join(f"<tr><td>Site {n}</td><td>{n * 1000:,}</td></tr>" for n in range(6))
html = f"<h1>Weekly brief</h1>{svg.getvalue()}<table>{rows}</table>"
weasyprint.HTML(string=html).write_pdf(sys.argv[1])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default="/tmp/dispstats-bench.db", type=Path)
    args = parser.parse_args()
    python = sys.executable
    installed_bytecode()
    build(args.db).close()
    with tempfile.TemporaryDirectory() as folder:
        demo = str(Path(folder) / "demo.db")
        subprocess.run(
            [python, "-m", "dispstats", "--db", demo, "init", "--demo"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = str(Path(folder) / "brief.pdf")
        commands = {
            "baseline: imports only": [python, "-c", IMPORTS],
            "baseline: imports only, quick end": [python, "-c", IMPORTS + QUICK_END],
            "baseline: plain script": [python, "-c", PLAIN_SCRIPT, out],
            "brief, demo (2018-W38)": [
                python,
                "-m",
                "dispstats",
                "--db",
                demo,
                "brief",
                "--week",
                "2018-W38",
                "-o",
                out,
            ],
            "brief, 936k figures, 10 sites": [
                python,
                "-m",
                "dispstats",
                "--db",
                str(args.db),
                "brief",
                "--as-of",
                AS_OF.isoformat(),
                "--top",
                "10",
                "-o",
                out,
            ],
        }
        median = interleaved_medians(commands, args.runs)
        print(f"whole process, medians of {args.runs} interleaved runs")
        plain = "plain weasyprint+matplotlib script (one chart, one page)"
        report("brief, demo (2018-W38)", median["brief, demo (2018-W38)"], plain,
               median["baseline: plain script"])  # fmt: skip
        imports = f"imports only ({IMPORTS})"
        quick = "the same imports, ended as dispstats ends (no tear-down)"
        for name in ("brief, demo (2018-W38)", "brief, 936k figures, 10 sites"):
            report(name, median[name], imports, median["baseline: imports only"])
            report(name, median[name], quick, median["baseline: imports only, quick end"])
        print("\nin-process split (one warm render each), seconds:")
        for name, db, week, top in (
            ("demo", demo, date(2018, 9, 17), 6),
            ("936k figures", str(args.db), AS_OF, 10),
        ):
            with Store.open(db) as store:
                render_brief(store, Path(out), week, top=top)  # warm imports and caches
                result = render_brief(store, Path(out), week, top=top)
            split = "  ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
            print(
                f"{name:<14} {split}  total {sum(result.timings.values()):.2f}  "
                f"({count_words(len(result.data.key_figures), 'key site')}, "
                f"{count_words(len(result.data.movements), 'movement')}, "
                f"{count_words(len(result.data.figures_used), 'figure')} used)"
            )


if __name__ == "__main__":
    main()
