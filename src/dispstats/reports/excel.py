"""The Excel export for partners: Readme, Summary, Totals, Charts (native), Figures (with an
HXL row), Weekly series, Movements, Sources, History. The Readme, Totals, Charts and
Breakdowns sheets are written by xlsx_readme.py, xlsx_totals.py, xlsx_charts.py and
xlsx_parts.py.

Written with XlsxWriter in constant-memory mode (see reports/xlsx_sheet.py): rows stream to
disk, every text stays text, numbers and dates carry formats, and sheets print readably.
Columns and their meanings come from model/columns.py, the same mapping as every other format.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from dispstats import __version__
from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.columns import (
    FIGURE_COLUMNS,
    N_,
    SOURCE_COLUMNS,
    Column,
    figure_row,
    source_row,
)
from dispstats.model.records import Figure, Site, Source
from dispstats.output import written
from dispstats.reports import wording
from dispstats.reports.i18n import Lang, get_lang
from dispstats.reports.xlsx_charts import charts_sheet
from dispstats.reports.xlsx_parts import breakdowns_sheet
from dispstats.reports.xlsx_readme import readme_sheet
from dispstats.reports.xlsx_sheet import (
    EXTRA_FIGURE_COLUMNS,
    SHEET_NAMES,
    Formats,
    Progress,
    Sheet,
    localized,
    open_workbook,
    reference_cell,
    refuse_past_last_row,
)
from dispstats.reports.xlsx_totals import totals_sheet
from dispstats.series.rule import (
    Estimate,
    SeriesKey,
    by_series,
    estimate_of,
    kind_order,
)
from dispstats.series.totals import Estimates
from dispstats.series.weekly import latest_change, week_ends, week_label
from dispstats.store import FigureFilter
from dispstats.store.contract import StoreReader
from dispstats.store.settings import small_cells

SERIES_SITES = 20
SERIES_WEEKS = 26
# Column kinds (reports/xlsx_sheet.py NUMBER_FORMATS) of the figure columns.
FIGURE_KINDS = {
    "id": "id",
    "version": "id",
    "low": "count",
    "high": "count",
    "reference": "reference",
    "ref_start": "day",
    "ref_end": "day",
    "excerpt": "wrap",
    "confidence_note": "wrap",
    "reason": "wrap",
    "entered_at": "datetime",
}
SOURCE_KINDS = {"published": "day", "accessed": "day", "title": "wrap"}


@dataclass
class ExportResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Estimates:
    """The exported population figures by series (site, group, unit) and the estimates the
    sheets share, each worked out once: as of the export's date, and at the end of each of
    its last weeks."""

    by_series: dict[SeriesKey, list[Figure]]
    sites: dict[str, Site]
    sources: dict[str, Source]
    as_of: date
    lang: Lang
    _current: dict[SeriesKey, Estimate] = field(default_factory=dict)
    _weekly: dict[SeriesKey, list[Estimate]] = field(default_factory=dict)

    @property
    def ends(self) -> list[date]:
        return week_ends(self.as_of, SERIES_WEEKS)

    def current(self, key: SeriesKey) -> Estimate:
        if key not in self._current:
            self._current[key] = self._at(key, self.as_of)
        return self._current[key]

    def weekly(self, key: SeriesKey) -> list[Estimate]:
        if key not in self._weekly:
            self._weekly[key] = [self._at(key, end) for end in self.ends]
        return self._weekly[key]

    def largest(self, n: int, unit: str | None = None) -> list[SeriesKey]:
        """The n series with the highest current estimates (ranges by their high end; ties
        by key), of one unit when given."""
        sized = [
            k
            for k in self.by_series
            if self.current(k).figure is not None and unit in (None, k.unit)
        ]
        return sorted(sized, key=lambda k: (-_figure_high(self.current(k)), _order(k)))[:n]

    def name(self, site_id: str | None) -> str:
        return _site_name(self.sites, site_id)

    def series_name(self, key: SeriesKey, several: bool) -> str:
        """The site's name, with whom and what the series counts when several are shown."""
        if not several:
            return self.name(key.site_id)
        return f"{self.name(key.site_id)} ({wording.series_label(self.lang, *key.kind)})"

    def _at(self, key: SeriesKey, day: date) -> Estimate:
        return estimate_of(key, self.by_series[key], self.sources, day)


def _figure_high(e: Estimate) -> int:
    """The high end of the estimate's own figure (0 without one)."""
    return (e.figure.high or 0) if e.figure else 0


def _order(key: SeriesKey) -> tuple:
    return (key.site_id, kind_order(key.kind))


def export_xlsx(
    store: StoreReader,
    output: Path,
    *,
    site_refs: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    progress: Progress | None = None,
    lang: str = "en",
    digits: str = "latn",
) -> ExportResult:
    """Write the workbook; returns the rows written per sheet (by their English names).

    Dates select figures whose reference period overlaps them; the Summary is as of `date_to`
    (default today). From a PublicView, restricted sites and figures are left out everywhere.
    `lang` words the sheet names, headers, Readme and charts (an Arabic workbook reads right
    to left); values, their controlled vocabularies and the HXL row stay as stored.
    """
    t = get_lang(lang, digits, document=False)
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    started = time.perf_counter()
    as_of = date_to or date.today()
    all_sites = store.sites()
    site_ids = [s.id for s in store.find_sites(site_refs)] if site_refs else []
    # Retracted figures stay out of the Figures sheet (clean for re-use) but not out of History.
    figures = store.figures(
        FigureFilter(
            site_ids=site_ids, date_from=date_from, date_to=date_to, include_retracted=True
        )
    )
    has_restricted = any(s.sensitivity == "restricted" for s in all_sites) or any(
        f.sensitivity == "restricted" for f in figures
    )
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    used_sources = {f.source_id for f in figures}
    exported = {f.id for f in figures if f.id is not None}
    figures = [f for f in figures if not f.is_retracted]
    # A header and an HXL row above them.
    refuse_past_last_row(
        len(figures) + 2, f"{len(figures):,} figures and the Figures sheet's 2 header rows are more"
    )
    chosen = _Chosen(all_sites, sites, sources, figures, used_sources, exported, has_restricted)
    # XlsxWriter keeps each sheet's rows in files of its own until close(): a sheet refused
    # half-way (past Excel's last row) must not leave them behind, nor any output file.
    with (
        tempfile.TemporaryDirectory(
            prefix="dispstats-xlsx-", ignore_cleanup_errors=True
        ) as scratch,
        written(output) as target,
    ):
        workbook = open_workbook(target, scratch)
        rows = _write_sheets(workbook, chosen, store=store, as_of=as_of, progress=progress, t=t)
        workbook.close()
    return ExportResult(output, rows, time.perf_counter() - started)


@dataclass(frozen=True)
class _Chosen:
    """What an export shows (public data only from a PublicView), read once from the store."""

    all_sites: list[Site]
    sites: dict[str, Site]
    sources: dict[str, Source]
    figures: list[Figure]  # retracted ones left out; History shows them
    used_sources: set[str]
    exported: set[int]  # ids of the figures whose revisions History lists
    has_restricted: bool


def _write_sheets(
    workbook, chosen: _Chosen, *, store: StoreReader, as_of: date, progress, t: Lang
) -> dict[str, int]:
    """Every sheet of the workbook, in order; returns the rows written per sheet."""
    public = store.is_public
    all_sites, sites, sources = chosen.all_sites, chosen.sites, chosen.sources
    figures, used_sources, exported = chosen.figures, chosen.used_sources, chosen.exported

    workbook.set_properties(
        {
            "title": t.gettext("dispstats export as of %(day)s") % {"day": as_of.isoformat()},
            "author": f"dispstats {__version__}",
            "subject": t.gettext("Displacement figures as reported by their sources"),
            "created": datetime.now(UTC).replace(tzinfo=None),
        }
    )
    formats = Formats(workbook, rtl=t.direction == "rtl")

    def sheet(title: str, repeat_columns: int = 1) -> Sheet:
        name = t.gettext(SHEET_NAMES[title])
        return Sheet(workbook, formats, name, repeat_columns=repeat_columns, lang=t)

    rows: dict[str, int] = {}
    readme, summary = sheet("Readme", 0), sheet("Summary", 2)
    population = by_series(f for f in figures if f.indicator == "population")
    shared = _Estimates(population, sites, sources, as_of, t)
    rows["Summary"] = _summary(summary, shared)
    kinds = sorted({key.kind for key in population}, key=kind_order)
    rows["Totals"] = totals_sheet(
        sheet("Totals", 1),
        [Estimates.of(all_sites, figures, sources, kind, as_of) for kind in kinds],
        t,
        scope_note=t.gettext("public figures only: excluding restricted sites") if public else "",
    )
    charts_sheet(workbook, sheet("Charts"), shared, [f for f in figures if f.is_movement])

    columns = localized([*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS], t)
    cell_kinds = [FIGURE_KINDS.get(c.key, "text") for c in columns]
    rows["Figures"] = sheet("Figures").table(
        columns,
        cell_kinds,
        (figure_values(f, sites, sources) for f in figures),
        progress,
        len(figures),
    )
    rows["Weekly series"] = _weekly(sheet("Weekly series", 2), shared)
    rows["Breakdowns"] = breakdowns_sheet(
        sheet("Breakdowns"), figures, sites, small_cells(store) if public else 0, t
    )
    rows["Movements"] = _movements(sheet("Movements"), figures, sites, sources, t)
    listed = [s for s in sources.values() if not public or s.id in used_sources]
    rows["Sources"] = sheet("Sources").table(
        localized(SOURCE_COLUMNS, t),
        [SOURCE_KINDS.get(c.key, "text") for c in SOURCE_COLUMNS],
        (source_values(s) for s in listed),
    )
    # Figures that were revised, with all their versions; streamed, not held in memory.
    # From a PublicView, public versions only: an earlier one may have been restricted.
    versions = (v for v in store.iter_versions(revised_only=True) if v.id in exported)
    rows["History"] = sheet("History").table(
        columns, cell_kinds, (figure_values(v, sites, sources) for v in versions), progress
    )
    if public:
        sensitivity = t.gettext("Public version: restricted sites and figures are left out.")
    elif chosen.has_restricted:
        sensitivity = t.gettext("CONTAINS RESTRICTED DATA. Not for public distribution.")
    else:
        sensitivity = None
    readme_sheet(readme, t, as_of=as_of, sensitivity=sensitivity, rows=rows, n_sites=len(all_sites))
    return rows


def _site_name(sites, site_id: str | None) -> str:
    return sites[site_id].name if site_id in sites else (site_id or "?")


def site_and_publisher(f: Figure, sites, sources) -> list[str]:
    site = sites.get(f.site_id)
    source = sources.get(f.source_id)
    return [site.name if site else f.site_id, source.publisher if source else f.source_id]


def figure_values(f: Figure, sites, sources) -> list[object]:
    row = figure_row(f)
    row["reference"] = reference_cell(f)
    for key in ("quantifier", "movement_status"):
        row[key] = vocab.label(row[key]) or None
    source = sources.get(f.source_id)
    return [*row.values(), *site_and_publisher(f, sites, sources), source.url if source else None]


def source_values(s) -> list[object]:
    row = source_row(s)
    row["publisher_type"] = vocab.label(row["publisher_type"])
    return list(row.values())


def _movements(sheet: Sheet, figures, sites, sources, t: Lang) -> int:
    columns = [*FIGURE_COLUMNS[:4], *EXTRA_FIGURE_COLUMNS[:2], *FIGURE_COLUMNS[4:16]]
    columns = localized(columns, t)
    kinds = [FIGURE_KINDS.get(c.key, "text") for c in columns]

    def values(f: Figure) -> list[object]:
        row = figure_values(f, sites, sources)
        return [*row[:4], *site_and_publisher(f, sites, sources), *row[4:16]]

    return sheet.table(columns, kinds, (values(f) for f in figures if f.is_movement))


SUMMARY_COLUMNS = (
    (N_("Site id"), "text"),
    (N_("Site name"), "text"),
    (N_("Population group"), "text"),
    (N_("Unit"), "text"),
    (N_("Best estimate (low)"), "count"),
    (N_("Best estimate (high)"), "count"),
    (N_("Quantifier"), "text"),
    (N_("Publisher"), "text"),
    (N_("Reference date"), "reference"),
    (N_("Reference precision"), "text"),
    (N_("Figure id"), "id"),
    (N_("Previous estimate (low)"), "count"),
    (N_("Previous estimate (high)"), "count"),
    (N_("Previous reference date"), "reference"),
    (N_("Change (low end)"), "count"),
    (N_("Change (high end)"), "count"),
    (N_("Change (%)"), "percent"),
    (N_("Change comes from"), "text"),
    (N_("Weeks old"), "count"),
    (N_("Stale"), "text"),
    (N_("Other sources (low)"), "count"),
    (N_("Other sources (high)"), "count"),
)
CAUSES = {
    "first": N_("first figure"),
    "unchanged": N_("no change"),
    "same_source": N_("new figure, same publisher"),
    "source_switch": N_("another publisher's figure"),
}


def _summary(sheet: Sheet, shared: _Estimates) -> int:
    """Latest best estimate per site with the change its figure made from the previous
    estimate (the brief's definition), staleness and the other sources' range."""
    t = shared.lang
    sheet.set_kinds([kind for _, kind in SUMMARY_COLUMNS])
    sheet.ws.freeze_panes(1, 2)
    sheet.ws.repeat_rows(0)
    sheet.header([t.gettext(name) for name, _ in SUMMARY_COLUMNS])
    count = 0
    for key in sorted(shared.by_series, key=_order):
        e = shared.current(key)
        change = latest_change(shared.by_series[key], shared.sources, e)
        if e.figure is None or change is None:  # no figure: no estimate, no change
            continue
        before = change.before.figure
        source = shared.sources.get(e.figure.source_id)
        q = e.figure.quantity
        sheet.append(
            [
                key.site_id,
                shared.name(key.site_id),
                key.group,
                key.unit,
                q.low,
                q.high,
                vocab.label(q.table_quantifier),
                source.publisher if source else e.figure.source_id,
                reference_cell(e.figure),
                e.figure.ref.precision,
                e.figure.id,
                before.quantity.low if before else None,
                before.quantity.high if before else None,
                reference_cell(before) if before else None,
                change.low,
                change.high,
                None if change.relative is None else round(change.relative * 100, 1),
                t.gettext(CAUSES[change.cause]),
                e.age_weeks,
                t.gettext("stale") if e.is_stale else "",
                e.low,
                e.high,
            ]
        )
        count += 1
    sheet.ws.autofilter(0, 0, count, len(SUMMARY_COLUMNS) - 1)
    sheet.fit_columns()
    return count


# Rows the two charts cover at the top of the Charts sheet; their data starts below.
WEEKLY_COLUMNS = (
    (Column("site_id", N_("Site id"), "#loc+code", ""), "text"),
    (Column("site_name", N_("Site name"), "#loc+name", ""), "text"),
    (Column("population_group", N_("Population group"), "#meta+group+code", ""), "text"),
    (Column("unit", N_("Unit"), "#meta+unit", ""), "text"),
    (Column("week", N_("ISO week"), "#date+week", ""), "text"),
    (Column("week_end", N_("Week ends"), "#date", ""), "day"),
    (Column("low", N_("Best estimate (low)"), "#indicator+num+min", ""), "count"),
    (Column("high", N_("Best estimate (high)"), "#indicator+num+max", ""), "count"),
    (Column("figure_id", N_("Figure id"), "#meta+id", ""), "id"),
    (Column("publisher", N_("Publisher"), "#org+reporting+name", ""), "text"),
    (Column("reference", N_("Figure's reference date"), "#date+reported", ""), "reference"),
    (Column("precision", N_("Reference precision"), "#meta+precision", ""), "text"),
    (Column("age", N_("Days old"), "#meta+age", ""), "count"),
    (Column("stale", N_("Stale"), "#meta+stale", ""), "text"),
)


def _weekly(sheet: Sheet, shared: _Estimates) -> int:
    """Best estimate of the largest sites at the end of each of the last 26 weeks (long form)."""

    def values():
        for key in shared.largest(SERIES_SITES):
            for end, e in zip(shared.ends, shared.weekly(key), strict=True):
                f = e.figure
                source = shared.sources.get(f.source_id) if f else None
                yield [
                    key.site_id,
                    shared.name(key.site_id),
                    key.group,
                    key.unit,
                    week_label(end),
                    end,
                    f.quantity.low if f else None,
                    f.quantity.high if f else None,
                    f.id if f else None,
                    source.publisher if source else None,
                    reference_cell(f) if f else None,
                    f.ref.precision if f else None,
                    e.age_days,
                    shared.lang.gettext("stale") if e.is_stale else "",
                ]

    columns = localized([c for c, _ in WEEKLY_COLUMNS], shared.lang)
    return sheet.table(columns, [k for _, k in WEEKLY_COLUMNS], values())
