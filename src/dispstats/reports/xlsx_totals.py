"""The workbook's Totals sheet: for each parent site and each admin 1 area, a total row, then
one row per child with the figure it counts by, so that partners can trace every total to
its figures (no formulas: a formula shows a sum, not where its terms came from)."""

from __future__ import annotations

from dispstats.model.columns import Column
from dispstats.model.records import Figure
from dispstats.reports.xlsx_sheet import Sheet, reference_cell
from dispstats.series.totals import Estimates, Part, Total

TOTAL_COLUMNS = (
    Column("area", "Area", "#loc+name+parent", "The parent site, admin 1 area or country"),
    Column("area_code", "Area code", "#loc+code+parent", "Its site id or p-code"),
    Column("row", "Row", "#meta+row", "Total, a site counted in it, or the area's own figure"),
    Column("site", "Site", "#loc+name", "The site counted (empty on the total row)"),
    Column("site_id", "Site id", "#loc+code", "Its id in dispstats"),
    Column("low", "Population (low)", "#affected+min", "The number, or a range's low end"),
    Column("high", "Population (high)", "#affected+max", "The number, or a range's high end"),
    Column("counted_by", "Counted by", "#meta+method", "Its own best estimate, or its sites'"),
    Column("reference", "Reference date", "#date+reported", "Date of the figure counted"),
    Column("figure_ids", "Figure ids", "#meta+id", "The figures added up (Figures sheet)"),
    Column("recent", "Reported recently", "#meta+coverage", "Sites with no stale figure"),
    Column("stale", "Stale", "#meta+stale", "Older than the staleness threshold"),
)
TOTAL_KINDS = [
    "text", "text", "text", "text", "text", "count", "count", "text", "reference", "text",
    "text", "text",
]  # fmt: skip


def totals_sheet(sheet: Sheet, estimates: Estimates, public: bool) -> int:
    """Write the sheet; returns its data rows."""
    names = {s.id: s.name for s in estimates.sites.values()}
    totals = [estimates.site_total(p) for p in estimates.parents()]
    area_names = {s.admin1_pcode: s.admin1_name for s in estimates.sites.values()}
    totals += [estimates.area_total("admin1", code) for code in estimates.areas("admin1")]
    rows = []
    for total in totals:
        if not total.parts and total.own is None:
            continue
        area = names.get(total.area) or area_names.get(total.area) or total.area
        rows += _rows(total, area, names, public)
    return sheet.table(TOTAL_COLUMNS, TOTAL_KINDS, rows)


def _rows(total: Total, area: str, names: dict[str, str], public: bool) -> list[list]:
    head = [area, total.area]
    note = "public figures only: excluding restricted sites" if public else ""
    rows = [
        [
            *head, "Total", "", "", total.low if total.parts else None,
            total.high if total.parts else None, note, None,
            _ids(total.figures), f"{total.recent} of {total.children}",
            ", ".join(names.get(i, i) for i in total.stale),
        ]
    ]  # fmt: skip
    for part in total.parts:
        rows.append(_part_row(head, part, names))
    for site_id in total.unreported:
        rows.append([*head, "Site", names.get(site_id, site_id), site_id, None, None,
                     "no figure", None, "", "", ""])  # fmt: skip
    if total.own is not None:
        own = total.own.figure
        rows.append([*head, "Own figure", area, total.area, own.quantity.low, own.quantity.high,
                     "its own figure, beside the total", reference_cell(own), str(own.id), "",
                     "stale" if total.own.is_stale else ""])  # fmt: skip
    return rows


def _part_row(head: list, part: Part, names: dict[str, str]) -> list:
    single = part.estimate.figure if part.estimate else None
    return [
        *head, "Site", names.get(part.site_id, part.site_id), part.site_id, part.low, part.high,
        "its best estimate" if single else "the total of its sites",
        reference_cell(single) if single else None, _ids(part.figures), "",
        "stale" if part.is_stale else "",
    ]  # fmt: skip


def _ids(figures: list[Figure]) -> str:
    return ", ".join(str(f.id) for f in figures)
