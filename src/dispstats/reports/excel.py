"""The Excel export for partners: Readme, Summary (with native charts), Figures (with an HXL
row), Weekly series, Movements, Sources, History.

Written with openpyxl in write-only mode (rows are streamed; lxml makes it fast). Every string
is written as text, so nothing from data can become a formula. Columns and their meanings come
from model/columns.py, the same mapping as every other format.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dispstats import __version__
from dispstats.errors import InputError
from dispstats.model.columns import (
    FIGURE_COLUMNS,
    SITE_COLUMNS,
    SOURCE_COLUMNS,
    Column,
    figure_row,
    source_row,
)
from dispstats.model.records import Figure, public_only
from dispstats.series import RULE
from dispstats.series.estimate import best_estimate
from dispstats.series.weekly import change_between, week_ends, week_label
from dispstats.store import FigureFilter, Store

Progress = Callable[[int, int], None]
CHART_SITES = 5
SERIES_SITES = 20
SERIES_WEEKS = 26
EXTRA_FIGURE_COLUMNS = (
    Column("site_name", "Site name", "#loc+name", "Name of the site"),
    Column("publisher", "Publisher", "#org+reporting+name", "Publisher of the source"),
    Column("url", "URL", "#meta+url", "Web address of the source, where public"),
)
FORMATS = {date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm", int: "#,##0"}


@dataclass
class ExportResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Sheet:
    """A write-only sheet with typed cells: text stays text, dates are dates, numbers numbers."""

    def __init__(self, workbook, title: str):
        self.ws = workbook.create_sheet(title)
        self.rows = 0
        # Printed or converted to PDF, each sheet is landscape and one page wide.
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0

    def cell(self, value: object, bold: bool = False, wrap: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 45000.0 (a range's middle) reads and formats as 45,000
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        elif type(value) in FORMATS:
            cell.number_format = FORMATS[type(value)]
        if bold:
            cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def append(
        self,
        values: Iterable[object],
        bold: bool = False,
        wrap: bool = False,
        formatted: bool = False,
    ) -> None:
        """One row. `formatted` (small sheets) gives numbers thousands separators; big sheets
        take the fast path of plain values."""
        if bold or wrap or formatted:
            self.ws.append([self.cell(v, bold, wrap) for v in values])
        else:
            # Plain values are write-only mode's fast path (dates get a date format on their
            # own); only text that openpyxl would take for a formula needs a cell object.
            self.ws.append([self._plain(v) for v in values])
        self.rows += 1

    def _plain(self, value: object):
        if isinstance(value, str):
            return self.cell(value) if value.startswith("=") else value
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[object]],
        progress: Progress | None = None,
        total: int = 0,
    ) -> int:
        """A header row, an HXL row, then the data; frozen below the tags, with a filter."""
        from openpyxl.utils import get_column_letter

        widths = [len(c.header) + 2 for c in columns]
        for n, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(n)].width = min(max(width, 10), 45)
        self.ws.freeze_panes = "A3"
        self.append([c.header for c in columns], bold=True)
        self.append([c.hxl for c in columns])
        count = 0
        for count, row in enumerate(rows, 1):
            self.append(row)
            if progress and count % 2000 == 0:
                progress(count, total)
        last = get_column_letter(len(columns))
        self.ws.auto_filter.ref = f"A2:{last}{count + 2}"
        return count


def export_xlsx(
    store: Store,
    output: Path,
    site_refs: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    public: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the workbook; returns the rows written per sheet.

    Dates select figures whose reference period overlaps them; the Summary is as of `date_to`
    (default today). With `public`, restricted sites and figures are left out everywhere.
    """
    from openpyxl import Workbook

    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    started = time.perf_counter()
    as_of = date_to or date.today()
    all_sites = store.sites()
    site_ids = [s.id for s in store.find_sites(site_refs, public=public)] if site_refs else []
    # Retracted figures stay out of the Figures sheet (clean for re-use) but not out of History.
    figures = store.figures(
        FigureFilter(
            site_ids=site_ids, date_from=date_from, date_to=date_to, include_retracted=True
        )
    )
    has_restricted = any(s.sensitivity == "restricted" for s in all_sites) or any(
        f.sensitivity == "restricted" for f in figures
    )
    if public:
        all_sites, figures = public_only(all_sites, figures)
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    used_sources = {f.source_id for f in figures}
    exported = {f.id for f in figures}
    figures = [f for f in figures if not f.is_retracted]

    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.title = f"dispstats export as of {as_of.isoformat()}"
    props.creator = f"dispstats {__version__}"
    props.subject = "Displacement figures as reported by their sources"
    props.created = datetime.now(UTC).replace(tzinfo=None)
    rows: dict[str, int] = {}

    readme = _Sheet(workbook, "Readme")
    summary = _Sheet(workbook, "Summary")
    by_site: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_site[f.site_id].append(f)
    rows["Summary"] = _summary(summary, by_site, sites, sources, as_of)

    figure_sheet = _Sheet(workbook, "Figures")
    columns = [*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS]
    rows["Figures"] = figure_sheet.table(
        columns, (figure_values(f, sites, sources, public) for f in figures), progress, len(figures)
    )

    series_sheet = _Sheet(workbook, "Weekly series")
    rows["Weekly series"] = _weekly(series_sheet, by_site, sites, sources, as_of)

    movement_sheet = _Sheet(workbook, "Movements")
    flows = [f for f in figures if f.is_flow]
    rows["Movements"] = movement_sheet.table(
        [*FIGURE_COLUMNS[:4], *EXTRA_FIGURE_COLUMNS[:2], *FIGURE_COLUMNS[4:16]],
        (
            [
                *list(figure_row(f).values())[:4],
                *site_and_publisher(f, sites, sources),
                *list(figure_row(f).values())[4:16],
            ]
            for f in flows
        ),
    )

    source_sheet = _Sheet(workbook, "Sources")
    listed = [s for s in sources.values() if not public or s.id in used_sources]
    rows["Sources"] = source_sheet.table(
        SOURCE_COLUMNS, (list(source_row(s).values()) for s in listed)
    )

    history_sheet = _Sheet(workbook, "History")
    # Figures that were revised, with all their versions; streamed, not held in memory.
    versions = (v for v in store.iter_versions(revised_only=True) if v.id in exported)
    if public:  # an earlier version may have been restricted, or its excerpt
        versions = (shown for v in versions for shown in public_only(all_sites, [v])[1])
    rows["History"] = history_sheet.table(
        columns, (figure_values(v, sites, sources, public) for v in versions), progress
    )

    _readme(readme, as_of, public, has_restricted, rows, len(all_sites))
    workbook.save(output)
    return ExportResult(output, rows, time.perf_counter() - started)


def _site_name(sites, site_id: str | None) -> str:
    return sites[site_id].name if site_id in sites else (site_id or "?")


def site_and_publisher(f: Figure, sites, sources) -> list[str]:
    site = sites.get(f.site_id)
    source = sources.get(f.source_id)
    return [site.name if site else f.site_id, source.publisher if source else f.source_id]


def figure_values(f: Figure, sites, sources, public: bool) -> list[object]:
    row = figure_row(f)
    if public:
        row["entered_by"] = None  # who entered a figure is internal
    source = sources.get(f.source_id)
    return [*row.values(), *site_and_publisher(f, sites, sources), source.url if source else None]


def _summary(sheet: _Sheet, by_site, sites, sources, as_of: date) -> int:
    """Latest best estimate per site, change since last week, staleness; then the chart data
    (weekly values of the largest sites; people moving per route) and two native charts."""
    from openpyxl.chart import BarChart, LineChart, Reference

    header = [
        "Site id",
        "Site name",
        "Best estimate (low)",
        "Best estimate (high)",
        "Quantifier",
        "Publisher",
        "Reference date",
        "Figure id",
        "Change since last week",
        "Change (%)",
        "Change comes from",
        "Weeks old",
        "Stale",
        "Other sources (low)",
        "Other sources (high)",
    ]
    for n, title in enumerate(header):  # wide enough for the header on one line
        sheet.ws.column_dimensions[chr(65 + n)].width = max(len(title) + 3, 12)
    sheet.ws.column_dimensions["B"].width = 30
    sheet.ws.freeze_panes = "A2"
    sheet.append(header, bold=True)
    estimates = []
    for site_id, figures in sorted(by_site.items()):
        e = best_estimate(figures, sources, site_id, "population", as_of)
        if e.figure is None:
            continue
        before = best_estimate(figures, sources, site_id, "population", as_of - timedelta(7))
        change = change_between(before, e, sources)
        source = sources.get(e.figure.source_id)
        causes = {
            "first": "first figure",
            "unchanged": "no change",
            "same_source": "new figure, same publisher",
            "source_switch": "another publisher's figure",
        }
        sheet.append(
            [
                site_id,
                sites[site_id].name if site_id in sites else site_id,
                e.figure.quantity.low,
                e.figure.quantity.high,
                e.figure.quantity.quantifier,
                source.publisher if source else e.figure.source_id,
                e.figure.ref.start,
                e.figure.id,
                change.absolute,
                None if change.relative is None else round(change.relative * 100, 1),
                causes[change.cause],
                e.age_weeks,
                "stale" if e.is_stale else "",
                e.low,
                e.high,
            ],
            formatted=True,
        )
        estimates.append(e)
    count = len(estimates)
    sheet.ws.auto_filter.ref = f"A1:O{count + 1}"

    # Chart data below the table: weeks down, the largest sites across.
    largest = sorted(estimates, key=lambda e: -(e.figure.quantity.high or 0))[:CHART_SITES]
    ends = week_ends(as_of, SERIES_WEEKS)
    sheet.append([])
    sheet.append(
        ["Chart data: weekly best estimate (middle of a range) of the largest sites"], bold=True
    )
    first_row = sheet.rows + 1
    sheet.append(
        ["Week", *[sites[e.site_id].name if e.site_id in sites else e.site_id for e in largest]],
        bold=True,
    )
    for end in ends:
        values = []
        for e in largest:
            w = best_estimate(by_site[e.site_id], sources, e.site_id, "population", end)
            q = w.figure.quantity if w.figure else None
            values.append((q.low + q.high) / 2 if q else None)
        sheet.append([week_label(end), *values], formatted=True)
    if largest:
        chart = LineChart()
        chart.title = "Population, weekly best estimate"
        chart.y_axis.title = "people"
        chart.x_axis.title = "ISO week"
        chart.height, chart.width = 8, 18
        data = Reference(
            sheet.ws,
            min_col=2,
            max_col=1 + len(largest),
            min_row=first_row,
            max_row=first_row + len(ends),
        )
        chart.add_data(data, titles_from_data=True)
        for series in chart.series:
            series.smooth = False  # openpyxl smooths lines by default: it invents bumps
        chart.y_axis.scaling.min = 0  # a cut axis would exaggerate every change
        chart.y_axis.numFmt = "#,##0"
        chart.set_categories(
            Reference(sheet.ws, min_col=1, min_row=first_row + 1, max_row=first_row + len(ends))
        )
        _show_axes(chart)
        sheet.ws.add_chart(chart, "Q2")

    routes: dict[str, int] = defaultdict(int)
    for figures in by_site.values():
        for f in figures:
            if f.is_flow and f.quantity.low is not None and not f.is_retracted:
                inbound = f.indicator in ("arrivals", "returns")
                origin = f.origin_site_id if inbound else f.site_id
                dest = f.site_id if inbound else f.destination_site_id
                routes[f"{_site_name(sites, origin)} → {_site_name(sites, dest)}"] += f.quantity.low
    if routes:
        sheet.append([])
        sheet.append(["Chart data: people moving per route (low ends, all statuses)"], bold=True)
        route_row = sheet.rows + 1
        sheet.append(["Route", "People"], bold=True)
        top = sorted(routes.items(), key=lambda r: -r[1])[:10]
        for route, people in top:
            sheet.append([route, people], formatted=True)
        bars = BarChart()
        bars.type = "bar"
        bars.title = "Movements by route"
        bars.height, bars.width = 7, 18
        bars.add_data(
            Reference(sheet.ws, min_col=2, min_row=route_row, max_row=route_row + len(top)),
            titles_from_data=True,
        )
        bars.set_categories(
            Reference(sheet.ws, min_col=1, min_row=route_row + 1, max_row=route_row + len(top))
        )
        bars.legend = None
        bars.y_axis.numFmt = "#,##0"
        _show_axes(bars)
        sheet.ws.add_chart(bars, "Q20")
    return count


def _show_axes(chart) -> None:
    # openpyxl 3.1 leaves `delete` unset, and some readers then hide the axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _weekly(sheet: _Sheet, by_site, sites, sources, as_of: date) -> int:
    """Best estimate of the largest sites at the end of each of the last 26 weeks (long form)."""
    columns = [
        Column("site_id", "Site id", "#loc+code", ""),
        Column("site_name", "Site name", "#loc+name", ""),
        Column("week", "ISO week", "#date+week", ""),
        Column("week_end", "Week ends", "#date", ""),
        Column("low", "Best estimate (low)", "#affected+idps+ind+min", ""),
        Column("high", "Best estimate (high)", "#affected+idps+ind+max", ""),
        Column("figure_id", "Figure id", "#meta+id", ""),
        Column("publisher", "Publisher", "#org+reporting+name", ""),
        Column("reference", "Figure's reference date", "#date+reported", ""),
        Column("age", "Days old", "#meta+age", ""),
        Column("stale", "Stale", "#meta+stale", ""),
    ]
    sizes = {}
    for site_id, figures in by_site.items():
        e = best_estimate(figures, sources, site_id, "population", as_of)
        if e.figure is not None:
            sizes[site_id] = e.figure.quantity.high
    chosen = sorted(sizes, key=lambda s: -sizes[s])[:SERIES_SITES]
    ends = week_ends(as_of, SERIES_WEEKS)

    def values():
        for site_id in chosen:
            for end in ends:
                e = best_estimate(by_site[site_id], sources, site_id, "population", end)
                f = e.figure
                source = sources.get(f.source_id) if f else None
                yield [
                    site_id,
                    sites[site_id].name if site_id in sites else site_id,
                    week_label(end),
                    end,
                    f.quantity.low if f else None,
                    f.quantity.high if f else None,
                    f.id if f else None,
                    source.publisher if source else None,
                    f.ref.start if f else None,
                    e.age_days,
                    "stale" if e.is_stale else "",
                ]

    return sheet.table(columns, values())


def _readme(sheet: _Sheet, as_of, public, has_restricted, rows, n_sites) -> None:
    described_columns = (*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS, *SOURCE_COLUMNS, *SITE_COLUMNS)
    # Wide enough for every "header  #hashtag" label on one line: a wrapped label would overlap
    # the next row, as write-only sheets set no row heights.
    label_width = max(len(f"{c.header}  {c.hxl}") for c in described_columns)
    widths = (max(34, label_width + 2), 90)
    sheet.ws.column_dimensions["A"].width, sheet.ws.column_dimensions["B"].width = widths

    def line(values: list, bold: bool = False) -> None:
        # Write-only sheets leave row heights to the reader, and LibreOffice then draws wrapped
        # text over the next row: give long rows the height of their lines.
        cells = zip(values, widths, strict=False)  # a one-cell row has no second width
        lines = max((-(-len(str(v)) // int(w * 1.2)) for v, w in cells if v), default=1)
        if lines > 1:
            sheet.ws.row_dimensions[sheet.rows + 1].height = 15 * lines
        sheet.append(values, bold, wrap=True)

    line(["dispstats export"], bold=True)
    line(["As of", as_of])
    line(["Generated", datetime.now(UTC).replace(tzinfo=None, microsecond=0)])
    if public:
        line(["Sensitivity", "Public version: restricted sites and figures are left out."])
    elif has_restricted:
        line(["Sensitivity", "CONTAINS RESTRICTED DATA. Not for public distribution."])
    line(
        [
            "What this is",
            "Displacement figures exactly as their sources reported them, "
            "with the best estimate dispstats works out and the sources behind every number.",
        ]
    )
    line(["Best-estimate rule", RULE.format(window=8)])
    line(
        [
            "Licence",
            "Each figure remains subject to the terms of its source; cite the "
            "source (Sources sheet) when you re-use a figure.",
        ]
    )
    line(
        [
            "Disclaimer",
            "Figures are as reported by the sources cited, which may "
            "disagree; they are not verified by the producer of this file.",
        ]
    )
    line([])
    line(["Sheet", "Rows and meaning"], bold=True)
    described = {
        "Summary": "One row per site: latest best estimate (population) as of the date above, "
        "change since the previous week and where it comes from, staleness, the "
        "range of other sources; below it, the data of the two charts.",
        "Figures": "Every figure (current version), one row each; row 2 holds HXL hashtags.",
        "Weekly series": "Best estimate at the end of each of the last 26 ISO weeks for the "
        "20 largest sites, with the figure and publisher behind each value.",
        "Movements": "Arrivals, departures, returns and relocations, with origin, destination "
        "and status.",
        "Sources": "Who reported the figures: publisher, title, dates, reliability (A-F).",
        "History": "Every version of each figure that was corrected, retracted or "
        "recommended, with who entered it, when and why.",
    }
    for name, text in described.items():
        line([name, f"{rows.get(name, 0):,} rows. {text}"])
    line([])
    line(["Column", "Meaning (Figures and History sheets)"], bold=True)
    for c in (*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS):
        line([f"{c.header}  {c.hxl}", c.help])
    line([])
    line(["Column", "Meaning (Sources sheet)"], bold=True)
    for c in SOURCE_COLUMNS:
        line([f"{c.header}  {c.hxl}", c.help])
    line([])
    line(["Sites", f"{n_sites:,} sites; their columns in other dispstats exports:"])
    for c in SITE_COLUMNS:
        line([f"{c.header}  {c.hxl}", c.help])
