"""A brief's charts and map drawn in a helper process are the ones drawn in the brief's own
process; anything going wrong on the helper's side falls back to drawing here, where an error
is raised as it would have been without the helper."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from dispstats.reports.brief import gather, picture_plans, render_brief
from dispstats.reports.drawing import ChartPlan, Drawer, draw_plans
from dispstats.reports.i18n import get_lang

from .conftest import add_dense_history
from .helpers import pdf_text

W38_END = date(2018, 9, 23)


def plans_in(store, folder: Path, lang: str = "en"):
    folder.mkdir()
    data = gather(store, W38_END, lang=get_lang(lang))
    return picture_plans(data, W38_END, folder)


def pictures_of(pictures) -> list:
    """The template's entries, with each PNG's bytes in place of its file's URL."""

    def read(entry):
        if entry and entry.get("src"):
            return {**entry, "src": Path(entry["src"].removeprefix("file://")).read_bytes()}
        return entry

    return [*(read(c) for c in pictures.charts), read(pictures.map)]


@pytest.mark.parametrize(
    ("lang", "dense", "kinds"),
    [
        ("en", False, {"svg"}),  # the demo: a vector chart and a vector map
        ("en", True, {"png", "svg"}),  # a dense history: its chart as PNG, the map as SVG
        ("ar", False, {"png"}),  # right to left: chart and map as PNG
    ],
)
def test_pictures_drawn_by_the_helper_are_those_drawn_here(
    demo_sqlite, tmp_path, lang, dense, kinds
):
    if dense:
        add_dense_history(demo_sqlite)
    here = draw_plans(plans_in(demo_sqlite, tmp_path / "here", lang))
    plans = plans_in(demo_sqlite, tmp_path / "aside", lang)
    with Drawer(tmp_path / "aside", "aside") as drawer:
        aside = drawer.draw(plans)()
    assert drawer.drew_aside
    assert pictures_of(aside) == pictures_of(here)
    drawn = [p for p in pictures_of(here) if p and not p.get("note")]
    assert {"png" if p["src"] else "svg" for p in drawn} == kinds
    assert len(drawn) == 2 and aside.missing_glyphs == here.missing_glyphs == set()


def _timeless(text: str) -> str:
    """A brief's text without the minute it was generated (two briefs may straddle one)."""
    return re.sub(r"Generated \S+ \d\d:\d\d", "Generated …", text)


def test_a_brief_drawn_by_the_helper_reads_as_one_drawn_here(demo_sqlite, tmp_path):
    aside = render_brief(demo_sqlite, tmp_path / "aside.pdf", as_of=W38_END, draw_where="aside")
    here = render_brief(demo_sqlite, tmp_path / "here.pdf", as_of=W38_END, draw_where="here")
    assert (aside.drawn_aside, here.drawn_aside) == (True, False)
    text = pdf_text(aside.path)
    assert _timeless(text) == _timeless(pdf_text(here.path))
    assert "Rukban: figures by publisher" in text and "Figures as of 23 Sep 2018" in text


def test_the_command_line_brief_reads_as_the_library_brief(sqlite_db, demo_sqlite, tmp_path):
    # A fresh `dispstats brief` process: its pictures drawn by a helper ("auto"), its end quick.
    out = tmp_path / "cli.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "dispstats", "--db", str(sqlite_db), "brief", "--as-of",
         str(W38_END), "-o", str(out)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    here = render_brief(demo_sqlite, tmp_path / "here.pdf", as_of=W38_END)
    assert not here.drawn_aside  # a library caller draws in its own process unless it asks
    assert _timeless(pdf_text(out)) == _timeless(pdf_text(here.path))


def test_a_helper_that_died_leaves_the_drawing_to_this_process(demo_sqlite, tmp_path):
    plans = plans_in(demo_sqlite, tmp_path / "aside")
    with Drawer(tmp_path / "aside", "aside") as drawer:
        drawer.helper.kill()
        pictures = drawer.draw(plans)()
    assert not drawer.drew_aside
    assert pictures_of(pictures) == pictures_of(draw_plans(plans))


def test_a_helper_that_takes_too_long_is_stopped_and_the_drawing_done_here(
    demo_sqlite, tmp_path, monkeypatch
):
    monkeypatch.setattr(Drawer, "patience", staticmethod(lambda plans: 0.01))
    plans = plans_in(demo_sqlite, tmp_path / "aside")
    with Drawer(tmp_path / "aside", "aside") as drawer:
        pictures = drawer.draw(plans)()  # the helper is still importing matplotlib
    assert not drawer.drew_aside and drawer.helper.returncode is not None
    assert pictures_of(pictures) == pictures_of(draw_plans(plans))


def test_without_a_python_to_start_the_pictures_are_drawn_here(demo_sqlite, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", "")
    plans = plans_in(demo_sqlite, tmp_path / "p")
    with Drawer(tmp_path / "p", "aside") as drawer:
        assert drawer.helper is None
        pictures = drawer.draw(plans)()
    assert not drawer.drew_aside and len(pictures.charts) == 1


def test_an_error_while_drawing_aside_is_raised_here_as_it_is(demo_sqlite, tmp_path):
    plans = plans_in(demo_sqlite, tmp_path / "aside")
    broken = replace(plans, charts=(ChartPlan("Rukban", history=(None,), weekly=()),))
    with Drawer(tmp_path / "aside", "aside") as drawer:
        waiting = drawer.draw(broken)
        with pytest.raises(AttributeError, match="'NoneType' object has no attribute"):
            waiting()
    assert drawer.helper.returncode != 0  # it failed there too, and said nothing
    assert not drawer.drew_aside


def test_a_brief_failing_before_its_pictures_ends_its_helper(tmp_path):
    with pytest.raises(RuntimeError), Drawer(tmp_path, "aside") as drawer:
        assert drawer.helper.poll() is None  # started, importing matplotlib
        raise RuntimeError("the data could not be read")
    assert drawer.helper.returncode is not None


def test_auto_draws_here_once_this_process_has_matplotlib(tmp_path):
    import matplotlib  # noqa: F401

    with Drawer(tmp_path, "auto") as drawer:
        assert drawer.helper is None
    with pytest.raises(ValueError, match="where must be one of"):
        Drawer(tmp_path, "elsewhere")


@pytest.mark.parametrize(("code", "digits"), [("en", "latn"), ("fr", "latn"), ("ar", "arab")])
def test_a_language_crosses_to_the_helper_with_its_words_and_digits(code, digits):
    lang = get_lang(code, digits)
    again = pickle.loads(pickle.dumps(lang))
    assert (again.code, again.digits, again.isolates) == (lang.code, lang.digits, lang.isolates)
    message = "The figures used in this brief (HXL-tagged CSV)"
    assert again.gettext(message) == lang.gettext(message)
    assert again.number(45_000) == lang.number(45_000)
