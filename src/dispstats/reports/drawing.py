"""A brief's pictures (one chart per key site, and the map), drawn in this process or in a
helper process on the machine's other core.

Why a helper: a brief's time in a fresh process is mostly importing its two heavy libraries,
matplotlib (pictures) and WeasyPrint (layout), one after the other (bench/brief_bench.py
measures it). A helper started as the brief begins
imports matplotlib while the brief reads its data and imports WeasyPrint, then draws what
`draw_plans` would have drawn here, from the same plans, with the same code. The brief waits
for the pictures only when it lays out the page.

The helper is a new interpreter (`subprocess`, never `fork`: the caller may have threads or an
open database connection), so it works the same on every platform and in threaded programs.
Plans and pictures cross as pickles through the brief's own temporary folder, which only its
user can write to (`tempfile` makes it so); nothing else is ever unpickled.

It is only worth it when matplotlib is not loaded yet: `dispstats brief` asks for "auto",
which uses a helper only then; a library caller draws here unless it asks otherwise. A frozen
program (PyInstaller) has no Python to start, and draws here. Anything going wrong on the
helper's side (it could not start, died, or raised) falls back to drawing here, so a real
error is raised in the caller's process as it would have been without the helper, and a
helper's traceback never reaches the user.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dispstats.model.records import Figure
from dispstats.reports.i18n import Lang
from dispstats.reports.maps import MapData
from dispstats.runtime import collector_paused
from dispstats.series.rule import Estimate

DRAW_WHERE = ("auto", "here", "aside")


@dataclass(frozen=True)
class ChartPlan:
    """One key site's chart: drawn from `history` and `weekly`, as inline SVG, or as a PNG
    written to `png`; or, with `note`, no chart but that sentence."""

    name: str
    history: tuple[Figure, ...] = ()
    weekly: tuple[Estimate, ...] = ()
    png: Path | None = None
    note: str | None = None


@dataclass(frozen=True)
class PicturePlans:
    """Everything a brief's pictures are drawn from: plain data that pickles."""

    charts: tuple[ChartPlan, ...]
    publishers: Mapping[str, str]
    end_day: date
    lang: Lang
    map: MapData | None = None
    map_png: Path | None = None  # where the map goes as PNG; None: inline SVG


@dataclass
class Pictures:
    """What the brief's template shows: its charts and map (see `draw_plans`)."""

    charts: list[dict]
    map: dict | None
    # Characters of labels that no chart font has (drawn as empty boxes).
    missing_glyphs: set[str] = field(default_factory=set)
    # Other warnings raised while drawing in a helper, to be raised again in the caller.
    warnings: list[tuple] = field(default_factory=list)


def draw_plans(plans: PicturePlans) -> Pictures:
    """Draw every chart and the map of `plans` in this process."""
    from dispstats.reports.charts import glyph_gaps, population_chart
    from dispstats.reports.maps import draw_map

    charts = []
    with glyph_gaps() as gaps:
        for chart in plans.charts:
            entry: dict[str, Any] = {"name": chart.name, "svg": None, "src": None,
                                     "note": chart.note}  # fmt: skip
            if chart.note is None:
                drawn = population_chart(
                    chart.history,
                    chart.weekly,
                    plans.publishers,
                    plans.end_day,
                    "png" if chart.png else "svg",
                    lang=plans.lang,
                )
                if chart.png and isinstance(drawn, bytes):
                    chart.png.write_bytes(drawn)
                    entry["src"] = chart.png.as_uri()
                else:
                    entry["svg"] = drawn
            charts.append(entry)
        brief_map: dict[str, Any] | None = None
        if plans.map is not None:
            brief_map = {"svg": None, "src": None, "not_on_map": plans.map.not_on_map}
            if plans.map_png:
                plans.map_png.write_bytes(_picture(draw_map(plans.map, "png")))
                brief_map["src"] = plans.map_png.as_uri()
            else:
                brief_map["svg"] = draw_map(plans.map)
    return Pictures(charts, brief_map, gaps)


def _picture(drawn: str | bytes) -> bytes:
    return drawn.encode() if isinstance(drawn, str) else drawn


def _import_drawing() -> None:
    """matplotlib and the drawing modules, with the cyclic collector paused: importing makes
    many objects that live to the end, which the collector would walk again and again."""
    with collector_paused():
        import matplotlib.figure  # noqa: F401

        import dispstats.reports.charts  # noqa: F401


# The helper's command: the package is found where this process found it. Once its
# pictures are written it ends at once: the brief waits for its end, not for Python's tear-down.
_HELPER = (
    "import os, sys; sys.path.insert(0, sys.argv[1]); "
    "from dispstats.reports.drawing import serve; serve(sys.argv[2]); os._exit(0)"
)
_JOB, _RESULT = "plans.pickle", "pictures.pickle"


class Drawer:
    """Draws a brief's pictures, in a helper process when that saves time (see the module).

        with Drawer(folder) as drawer:       # a helper starts importing matplotlib now
            ...                              # read the data, import WeasyPrint
            waiting = drawer.draw(plans)     # the helper draws from here on
            ...
            pictures = waiting()             # wait for them

    `where` is "auto" (a helper when matplotlib is not loaded in this process yet), "aside"
    (a helper whenever one can start) or "here". `folder` holds the plans and the pictures
    (an existing folder that outlives the Drawer)."""

    def __init__(self, folder: Path, where: str = "auto"):
        if where not in DRAW_WHERE:
            raise ValueError(f"where must be one of {DRAW_WHERE}, not {where!r}")
        self.folder = folder
        self.helper: subprocess.Popen | None = None
        self.drew_aside = False
        wanted = where == "aside" or (where == "auto" and "matplotlib" not in sys.modules)
        if wanted and sys.executable and not getattr(sys, "frozen", False):
            package_parent = str(Path(__file__).resolve().parents[2])
            try:
                # -I: isolated, so a module in the current folder (a partner's pickle.py) or
                # in PYTHONPATH is never run in its place; the package is found by its path.
                self.helper = subprocess.Popen(
                    [sys.executable, "-I", "-c", _HELPER, package_parent, str(folder)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self.helper = None

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the helper if it still runs (the brief failed before its pictures)."""
        if self.helper is None:
            return
        if self.helper.poll() is None:
            self.helper.kill()
        self.helper.wait()
        if self.helper.stdin:
            self.helper.stdin.close()

    @staticmethod
    def patience(plans: PicturePlans) -> float:
        """Seconds to wait for the helper before drawing here instead: far more than it
        takes (a second for ten dense charts on a 2-core machine)."""
        return 60.0 + 5.0 * len(plans.charts)

    def draw(self, plans: PicturePlans) -> Callable[[], Pictures]:
        """Start drawing `plans`; the function returned waits for the pictures. Without a
        helper, they are drawn now, in this process."""
        if self.helper is not None:
            try:
                with open(self.folder / _JOB, "wb") as job:
                    pickle.dump(plans, job, protocol=pickle.HIGHEST_PROTOCOL)
                go = self.helper.stdin
                if go is None:  # started without a pipe: it cannot be told to go
                    raise OSError("the helper has no input")
                go.write(b"go\n")
                go.close()
            except (OSError, pickle.PicklingError, AttributeError, TypeError):
                self.close()
                self.helper = None
        if self.helper is None:
            _import_drawing()
            pictures = draw_plans(plans)
            return lambda: pictures
        return lambda: self._wait(plans)

    def _wait(self, plans: PicturePlans) -> Pictures:
        pictures = self._helpers_pictures(self.patience(plans))
        if pictures is None:  # the helper failed: draw here, where an error is raised as is
            _import_drawing()
            return draw_plans(plans)
        self.drew_aside = True
        for category, message, filename, lineno in pictures.warnings:
            warnings.warn_explicit(message, category, filename, lineno)
        return pictures

    def _helpers_pictures(self, patience: float) -> Pictures | None:
        """What the helper drew, or None when it failed or took longer than `patience`."""
        try:
            if self.helper is None or self.helper.wait(patience) != 0:
                return None
        except subprocess.TimeoutExpired:  # stuck: a brief must never hang on its helper
            self.close()
            return None
        try:
            with open(self.folder / _RESULT, "rb") as result:
                return pickle.load(result)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None


def serve(folder: str) -> None:
    """The helper process (see Drawer): import matplotlib, wait for the plans, draw them,
    write the pictures; exit 0 only when they are written whole."""
    gc.disable()  # a short-lived process: nothing to gain from collecting
    _import_drawing()
    if sys.stdin.readline().strip() != "go":
        return  # the brief ended before its pictures
    where = Path(folder)
    with open(where / _JOB, "rb") as job:
        plans = pickle.load(job)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pictures = draw_plans(plans)
    pictures.warnings = [(w.category, str(w.message), w.filename, w.lineno) for w in caught]
    written = where / f"{_RESULT}.part"
    with open(written, "wb") as result:
        pickle.dump(pictures, result, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(written, where / _RESULT)
