"""Numbers in the brief say what they are: no midpoint of a range drawn as if reported, ticks
that say their year, who chose a figure, and plain words for a week or a store with nothing."""

import warnings
from datetime import date

import pytest

from dispstats.model.records import Site, Source
from dispstats.reports import brief as brief_module
from dispstats.reports.brief import gather, render_brief
from dispstats.reports.charts import population_canvas
from dispstats.series.rule import Kind, SeriesKey
from dispstats.series.weekly import week_ends, weekly_estimates
from dispstats.store import FigureFilter, Store
from dispstats.store.data_entry import add_figure
from dispstats.store.public import PublicView

from .conftest import TODAY
from .helpers import pdf_text

W38 = date(2018, 9, 23)


def _plotted_values(canvas) -> set[float]:
    """Every y value the chart draws: line points and the corners of bands and bars."""
    ax = canvas.axes[0]
    values = {float(y) for line in ax.get_lines() for y in line.get_ydata()}
    for collection in ax.collections:
        for path in collection.get_paths():
            values |= {float(y) for y in path.vertices[:, 1]}
    return values


def _rukban_chart(store: Store, end: date = W38):
    sources = {s.id: s for s in store.sources()}
    history = [
        f
        for f in store.figures(FigureFilter(site_ids=["rukban"], indicator="population"))
        if f.quantity.low is not None
    ]
    ends = week_ends(end, 120)
    idps = Kind("population", "idps", "people")
    weekly = weekly_estimates(history, sources, ["rukban"], [idps], ends)[
        SeriesKey("rukban", *idps)
    ]
    publishers = {s.id: s.publisher for s in sources.values()}
    return population_canvas(history, weekly, publishers, end)


def test_a_reported_range_is_drawn_from_its_ends_never_at_a_midpoint(demo_sqlite):
    values = _plotted_values(_rukban_chart(demo_sqlite))
    assert {70000.0, 80000.0} <= values  # the press reported "70,000–80,000"
    assert 75000.0 not in values  # a number no source gave


def test_every_chart_tick_can_be_read_with_its_year(demo_sqlite):
    canvas = _rukban_chart(demo_sqlite)
    canvas.draw_without_rendering()
    labels = [t.get_text() for t in canvas.axes[0].get_xticklabels() if t.get_text()]
    assert labels[0][-4:].isdigit()  # the first tick says its year
    assert all(label[-4:].isdigit() for label in labels if label.startswith("Jan"))


def test_the_axis_leaves_room_above_the_highest_value(demo_sqlite):
    ax = _rukban_chart(demo_sqlite).axes[0]
    assert ax.get_ylim()[1] > 85000  # UNHCR's "about 85,000" is the highest


def test_a_short_span_of_small_numbers_still_has_ticks_with_years(tmp_path):
    store, _ = Store.init(str(tmp_path / "s.db"))
    with store:
        store.add_site(Site("rukban", "Rukban"))
        store.add_source(Source("ocha", "OCHA", "un"))
        for value, day in (("1,200", "2018-09-10"), ("1,150-1,300", "2018-09-17")):
            add_figure(
                store,
                {"site": "rukban", "indicator": "population", "value": value, "date": day,
                 "source": "ocha"},
                today=TODAY,
            )  # fmt: skip
        canvas = _rukban_chart(store)
    canvas.draw_without_rendering()
    ax = canvas.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "2018" in labels[0]
    assert ax.get_ylim()[1] > 1300
    assert 1225.0 not in _plotted_values(canvas)


def test_the_card_says_when_an_analyst_not_the_rule_chose_the_figure(demo_sqlite, tmp_path):
    tied = add_figure(
        demo_sqlite,
        {"site": "Rukban", "indicator": "population", "group": "idps", "value": "41,000",
         "date": "2018-09-16", "source": "press-2017"},
        today=TODAY,
    )  # fmt: skip
    day = date(2018, 9, 17)  # before the demo's illustrative figure of the 21st

    def brief(name: str, public: bool = False) -> str:
        store = PublicView(demo_sqlite) if public else demo_sqlite
        return pdf_text(render_brief(store, tmp_path / name, as_of=day).path)

    by_rule = brief("r.pdf")
    demo_sqlite.recommend(tied.id, "the only count from a registration")
    internal, public = brief("b.pdf"), brief("p.pdf", public=True)
    assert "not chosen by the rule: the only count from a registration" in internal
    assert "Recommended by an analyst, not chosen by the rule" in public
    assert "Recommended by" not in by_rule


def test_a_week_with_nothing_reported_says_so_with_the_newest_figures_dates(demo_sqlite, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no matplotlib warning: empty chart
        result = render_brief(demo_sqlite, tmp_path / "b.pdf", date(2026, 11, 25))
    text = pdf_text(result.path)
    assert "Nothing was reported for week 2026-W48" in text
    assert "Rukban 45,000 (Demo data (illustrative), 21 Sep 2018)" in text
    assert "the last one is of 21 Sep 2018, so no chart" in text
    assert "was last confirmed 427 weeks ago" in text


def test_a_brief_of_an_empty_store_says_there_is_nothing_to_report(tmp_path):
    store, _ = Store.init(str(tmp_path / "empty.db"))
    with store:
        text = pdf_text(render_brief(store, tmp_path / "b.pdf", W38).path)
    assert "nothing to report" in text
    assert "No source is cited" in text
    assert "No key figure to check" in text and "No key site to compare" in text
    assert "every key figure was confirmed" not in text


def test_counts_in_the_brief_are_in_the_right_number(demo_sqlite, tmp_path, monkeypatch):
    from dispstats.reports.brief import sections as brief_data

    monkeypatch.setattr(brief_data, "MAX_MOVEMENTS", 1)
    text = pdf_text(render_brief(demo_sqlite, tmp_path / "b.pdf", W38).path)
    assert "The older movement of the last weeks is not shown" in text
    assert brief_module.plural(2, "One more finding", "%(n)s more findings") == "2 more findings"


@pytest.mark.parametrize("public", [False, True])
def test_the_previous_estimate_in_the_brief_is_the_one_the_change_is_from(demo_sqlite, public):
    data = gather(PublicView(demo_sqlite) if public else demo_sqlite, W38)
    text = next(t for t, _ in data.highlights if "Rukban" in t)
    assert "about 45,000 IDPs (as reported: “approximately 45,000”) at Rukban" in text
    assert "previous estimate was about 50,000 (United Nations" in text


def test_brief_template_copies_the_templates_and_never_overwrites(tmp_path):
    from click.testing import CliRunner

    from dispstats.cli import cli

    folder = tmp_path / "look"
    first = CliRunner().invoke(cli, ["brief-template", str(folder)])
    assert first.exit_code == 0, first.output
    css = folder / "brief.css"
    assert "@page" in css.read_text()
    css.write_text("/* mine */")
    again = CliRunner().invoke(cli, ["brief-template", str(folder)])
    assert again.exit_code == 1 and "already exists; nothing was copied" in again.output
    assert css.read_text() == "/* mine */"


def test_old_figures_of_a_source_published_this_week_are_not_this_weeks_news(
    demo_sqlite, monkeypatch
):
    from dispstats.reports.brief import sections as brief_data

    add_figure(
        demo_sqlite,
        {"site": "Rukban", "indicator": "population", "group": "idps", "value": "61,000",
         "date": "2017-01-10", "source": "ocha-2018-09"},
        today=TODAY,
    )  # fmt: skip
    texts = [t for t, _ in gather(demo_sqlite, W38).highlights]
    assert len(texts) == 3 and not any("61,000" in t for t in texts)
    monkeypatch.setattr(brief_data, "MAX_HIGHLIGHTS", 1)
    capped = gather(demo_sqlite, W38)
    assert capped.more_highlights == 2 and "Demo data" in capped.highlights[0][0]  # the newest
