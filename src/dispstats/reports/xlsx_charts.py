"""The workbook's Charts sheet: two native charts at the top, the data they draw below them.

- The best estimate of the largest sites, as steps on the dates of the figures behind them
  (reports/steps.py), in a dated scatter chart. A stale stretch is a dashed series of its own.
- People moving per route, status and month: one bar each, the best estimate among the
  movement's reports (series/flows.route_months). Planned moves are only outlined.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dispstats.model import vocab
from dispstats.model.records import Figure
from dispstats.reports import wording
from dispstats.reports.charts import COLOURS
from dispstats.reports.i18n import N_, Lang
from dispstats.reports.steps import Step, StepColumn, best_steps, table_rows
from dispstats.reports.xlsx_sheet import Sheet
from dispstats.series.flows import route_months
from dispstats.series.rule import DEFAULT_STALE_WEEKS

if TYPE_CHECKING:
    from dispstats.reports.excel import _Estimates

CHART_SITES = 5

CHART_ROWS = 30


def charts_sheet(workbook, sheet: Sheet, shared: _Estimates, movements: list[Figure]) -> None:
    """Two native charts at the top (weekly best estimates of the largest sites; people
    moving per route), the data they draw below them, one page wide when printed."""
    sheet.ws.set_portrait()
    sheet.ws.fit_to_pages(1, 0)
    sheet.rows = CHART_ROWS
    _weekly_chart(workbook, sheet, shared, "A1")
    _route_chart(workbook, sheet, shared, movements, "A16")
    sheet.fit_columns()


def _weekly_chart(workbook, sheet: Sheet, shared: _Estimates, at: str) -> None:
    """Chart data below the table (days down, the largest sites across) and a chart of it:
    the best estimate of each site as steps on the dates of its figures (reports/steps.py),
    a stale stretch dashed in a column of its own. A site whose best estimate is a range in
    any week gets a low-end and a high-end series: a range is never charted as its midpoint."""
    largest = shared.largest(CHART_SITES, unit="people")
    if not largest:
        return
    t = shared.lang
    several = len({key.group for key in largest}) > 1
    first_day = shared.ends[0] - timedelta(days=6)  # the first week's Monday
    names: list[tuple[str, int]] = []  # (series name, site's colour)
    columns: list[StepColumn] = []
    for n, key in enumerate(largest):
        name = shared.series_name(key, several)
        steps = [_from(s, first_day) for s in best_steps(shared.weekly(key))]
        ranged = any(s.low != s.high for s in steps)
        for end in ("low", "high") if ranged else ("low",):
            label = t.gettext(ENDS[end]) % {"site": name} if ranged else name
            for stale in (False, True):
                shown = t.gettext("%(series)s (stale)") % {"series": label} if stale else label
                names.append((shown, n))
                columns.append((steps, end, stale))
    rows = table_rows(columns)
    sheet.blank()
    sheet.title_row(
        t.gettext(
            "Chart data: best estimate of the largest sites, changing on the date of each "
            "figure (ranges by their ends; stale: not confirmed for %(weeks)s weeks)"
        )
        % {"weeks": t.number(DEFAULT_STALE_WEEKS)}
    )
    first_row = sheet.rows
    sheet.header([t.gettext("Date"), *(name for name, _ in names)])
    for day, values in rows:
        sheet.append([day, *values], sheet.formats.count)
    chart = workbook.add_chart({"type": "scatter", "subtype": "straight"})
    for col, (_, colour) in enumerate(names, 1):
        stale = columns[col - 1][2]
        line = {"color": COLOURS[colour % len(COLOURS)], "width": 1.75}
        chart.add_series(
            {
                "name": [sheet.name, first_row, col],
                "categories": [sheet.name, first_row + 1, 0, first_row + len(rows), 0],
                "values": [sheet.name, first_row + 1, col, first_row + len(rows), col],
                "line": line | ({"dash_type": "dash", "width": 1.25} if stale else {}),
                "marker": {"type": "none"},
            }
        )
    chart.show_blanks_as("gap")
    chart.set_title(
        {"name": t.gettext("Population: best estimate (dashed: stale)"), "name_font": {"size": 12}}
    )
    chart.set_y_axis({"name": t.gettext("people"), "min": 0, "num_format": "#,##0"})
    chart.set_x_axis({"num_format": "d mmm yyyy", "num_font": {"rotation": -30},
                      "min": _serial(rows[0][0]), "max": _serial(rows[-1][0])})  # fmt: skip
    chart.set_size({"width": 640, "height": 290})
    sheet.ws.insert_chart(at, chart)


ENDS = {"low": N_("%(site)s (low end)"), "high": N_("%(site)s (high end)")}


def _serial(day: date) -> int:
    """A day as a spreadsheet's number for it (what a chart's date axis is bounded by)."""
    return (day - date(1899, 12, 30)).days


def _from(step: Step, first_day: date) -> Step:
    """A step cut to the chart's first day (a figure older than the chart's weeks)."""
    return replace(step, start=max(step.start, first_day))


def _route_chart(
    workbook, sheet: Sheet, shared: _Estimates, movements: list[Figure], at: str
) -> None:
    """People moving per route, status and month: one bar each, the best estimate among the
    movement's reports (series/flows.route_months), the largest ten; completed, under way,
    planned and unstated moves each in a series of their own, so they look different."""
    top = route_months(movements, shared.sources)[:ROUTE_BARS]
    if not top:
        return
    t = shared.lang
    statuses = [s for s in (*vocab.MOVEMENT_STATUSES, None) if any(r.status == s for r in top)]
    sheet.blank()
    sheet.title_row(
        t.gettext(
            "Chart data: people moving per route, status and month (the best estimate of each "
            "movement among its reports: a departure and an arrival report of one move are not "
            "added; ranges by their low ends)"
        )
    )
    route_row = sheet.rows
    sheet.header([t.gettext("Route"), *(_status_name(t, s) for s in statuses),
                  t.gettext("Reports"), t.gettext("Publisher")])  # fmt: skip
    for r in top:
        route = (
            f"{shared.name(r.origin)} → {shared.name(r.destination)}, {t.date(r.month, 'MMM y')}"
        )
        people = [r.figure.quantity.low if r.status == s else None for s in statuses]
        source = shared.sources.get(r.figure.source_id)
        sheet.append([route, *people, r.reports, source.publisher if source else None],
                     sheet.formats.count)  # fmt: skip
    bars = workbook.add_chart({"type": "bar"})
    for col, status in enumerate(statuses, 1):
        bars.add_series(
            {
                "name": [sheet.name, route_row, col],
                "categories": [sheet.name, route_row + 1, 0, route_row + len(top), 0],
                "values": [sheet.name, route_row + 1, col, route_row + len(top), col],
                "overlap": 100,
                "gap": 60,
                **STATUS_LOOKS[status],
            }
        )
    bars.set_title({"name": t.gettext("Movements by route and month: best estimate of each"),
                    "name_font": {"size": 12}})  # fmt: skip
    bars.set_legend({"position": "bottom"})
    bars.set_x_axis({"min": 0, "num_format": "#,##0"})
    bars.set_y_axis({"reverse": True})  # the largest first, at the top
    bars.set_size({"width": 640, "height": 300})
    sheet.ws.insert_chart(at, bars)


ROUTE_BARS = 10
# Completed moves solid; planned ones only outlined, dashed: they have not happened.
STATUS_LOOKS: dict[str | None, dict] = {
    "completed": {"fill": {"color": "#1f5f8b"}, "border": {"color": "#1f5f8b"}},
    "under_way": {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#1f5f8b",
                              "bg_color": "#FFFFFF"}, "border": {"color": "#1f5f8b"}},
    "planned": {"fill": {"none": True}, "border": {"color": "#c2501e", "dash_type": "dash",
                                                   "width": 1.5}},
    None: {"fill": {"color": "#999999"}, "border": {"color": "#999999"}},
}  # fmt: skip


def _status_name(t: Lang, status: str | None) -> str:
    return wording.status(t, status).capitalize() if status else t.gettext("Status not stated")
