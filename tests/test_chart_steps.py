"""The best estimate is drawn as its sources dated it: a step begins on the date of the figure
that caused it (never at the start of its week, never before the first figure), and a stale
stretch is drawn apart (grey, dashed, with its own legend entry) in the brief's chart and the
workbook's chart."""

from __future__ import annotations

import re
from datetime import date, timedelta

from openpyxl import load_workbook

from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source
from dispstats.reports.charts import population_chart
from dispstats.reports.excel import export_xlsx
from dispstats.reports.steps import best_steps
from dispstats.series.rule import SeriesKey
from dispstats.series.weekly import weekly_estimates
from dispstats.store import Store

OCHA = Source("ocha", "OCHA", "un", reliability="B")
KEY = SeriesKey("camp", "population", "idps", "people")


def _figure(n: int, day: date, low: int, high: int | None = None) -> Figure:
    return Figure(
        id=n, site_id="camp", indicator="population", population_group="idps",
        quantity=Quantity(low, high or low, "exact"), value_text=f"{low:,}",
        ref=DateRef(day, day, "day"), source_id="ocha",
    )  # fmt: skip


def _weekly(figures: list[Figure], first_end: date, weeks: int):
    ends = [first_end + timedelta(weeks=w) for w in range(weeks)]
    return weekly_estimates(figures, {"ocha": OCHA}, ["camp"], [KEY.kind], ends)[KEY]


def test_a_step_begins_on_its_figures_date_not_at_the_start_of_its_week():
    # Friday 4 December 2020 and Wednesday 18 November; weeks end on Sundays.
    figures = [_figure(1, date(2020, 11, 18), 40_000), _figure(2, date(2020, 12, 4), 50_000)]
    steps = best_steps(_weekly(figures, date(2020, 11, 15), 5))
    assert [(s.start, s.end, s.low) for s in steps] == [
        (date(2020, 11, 18), date(2020, 12, 4), 40_000),  # not from Monday 9 November
        (date(2020, 12, 4), date(2020, 12, 13), 50_000),  # not from Monday 30 November
    ]
    assert not any(s.stale for s in steps)


def test_a_stale_stretch_begins_the_day_after_the_staleness_limit():
    figures = [_figure(1, date(2024, 1, 3), 50_000)]
    steps = best_steps(_weekly(figures, date(2024, 1, 7), 40))
    assert [(s.start, s.stale) for s in steps] == [
        (date(2024, 1, 3), False),
        (date(2024, 1, 3) + timedelta(weeks=8, days=1), True),
    ]
    assert steps[-1].end == date(2024, 1, 7) + timedelta(weeks=39)


def test_a_week_without_a_figure_leaves_a_gap():
    figures = [_figure(1, date(2020, 11, 18), 40_000)]
    weekly = _weekly(figures, date(2020, 11, 8), 3)
    assert weekly[0].figure is None
    (step,) = best_steps(weekly)
    assert step.start == date(2020, 11, 18)


def test_the_brief_chart_draws_a_stale_stretch_grey_and_dashed_with_its_legend():
    figures = [_figure(1, date(2024, 1, 3), 50_000)]
    weekly = _weekly(figures, date(2024, 1, 7), 40)
    svg = population_chart(figures, weekly, {"ocha": "OCHA"}, weekly[-1].as_of)
    assert "stale estimate" in svg
    assert "best estimate" in svg
    assert re.search(r"stroke-dasharray[^;\"]*;[^\"]*stroke:\s*#8a8a8a|#8a8a8a", svg)
    assert "stroke-dasharray" in svg


def test_the_workbook_chart_steps_at_figure_dates_and_draws_stale_apart(tmp_path):
    store, _ = Store.init(str(tmp_path / "s.db"))
    with store:
        store.add_records(
            [Site("camp", "Camp", kind="camp")],
            [OCHA],
            [_figure(None, date(2024, 2, 14), 50_000), _figure(None, date(2024, 3, 20), 52_000)],
        )
        path = export_xlsx(store, tmp_path / "w.xlsx", date_to=date(2024, 7, 28)).path
    rows = list(load_workbook(path)["Charts"].iter_rows(values_only=True))
    head = next(n for n, r in enumerate(rows) if r and r[0] == "Date")
    header = rows[head]
    assert header[1:3] == ("Camp", "Camp (stale)")
    data = [r[:3] for r in rows[head + 1 :] if r and r[0] is not None]
    days = [r[0].date() for r in data]
    # The change to 52,000 is drawn on 20 March (a Wednesday), as two points on that day.
    assert (date(2024, 3, 20), 50_000) in [(d, r[1]) for d, r in zip(days, data, strict=True)]
    assert (date(2024, 3, 20), 52_000) in [(d, r[1]) for d, r in zip(days, data, strict=True)]
    assert min(days) == date(2024, 2, 14)  # nothing before the first figure
    stale_from = date(2024, 3, 20) + timedelta(weeks=8, days=1)
    stale = [(d, r[2]) for d, r in zip(days, data, strict=True) if r[2] is not None]
    assert stale[0] == (stale_from, 52_000) and stale[-1][0] == date(2024, 7, 28)
    assert all(r[1] is None for d, r in zip(days, data, strict=True) if d > stale_from)


def _move(n, indicator, site, other, low, status, source, quantifier="exact"):
    day = date(2024, 3, 5)
    ends = {"origin_site_id": other} if indicator == "arrivals" else {"destination_site_id": other}
    return Figure(
        id=n, site_id=site, indicator=indicator, quantity=Quantity(low, low, quantifier),
        value_text=str(low), ref=DateRef(day, day, "day"), source_id=source,
        movement_status=status, **ends,
    )  # fmt: skip


def test_the_workbook_draws_one_bar_per_movement_never_a_departure_plus_its_arrival(tmp_path):
    sites = [Site("al-hol", "Al-Hol", kind="camp"), Site("areesheh", "Areesheh", kind="camp")]
    sources = [OCHA, Source("press", "Press", "media", reliability="C")]
    moves = [
        _move(None, "departures", "al-hol", "areesheh", 450, "completed", "ocha"),
        _move(None, "arrivals", "areesheh", "al-hol", 400, "completed", "press", "more_than"),
        _move(None, "departures", "al-hol", "areesheh", 1_200, "planned", "press"),
    ]
    store, _ = Store.init(str(tmp_path / "s.db"))
    with store:
        store.add_records(sites, sources, moves)
        path = export_xlsx(store, tmp_path / "w.xlsx", date_to=date(2024, 3, 31)).path
    rows = list(load_workbook(path)["Charts"].iter_rows(values_only=True))
    head = next(n for n, r in enumerate(rows) if r and r[0] == "Route")
    assert rows[head][:3] == ("Route", "Planned", "Completed")
    bars = [r[:5] for r in rows[head + 1 : head + 3]]
    assert bars == [
        ("Al-Hol → Areesheh, Mar 2024", 1_200, None, 1, "Press"),
        ("Al-Hol → Areesheh, Mar 2024", None, 450, 2, "OCHA"),  # not 850
    ]
    title = next(r[0] for r in rows if r and str(r[0]).startswith("Chart data: people moving"))
    assert "are not added" in title
