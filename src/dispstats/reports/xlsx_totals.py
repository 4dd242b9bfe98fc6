"""The workbook's Totals sheet: for each parent site and each admin 1 area, a total row, then
one row per child with the figure it counts by, so that partners can trace every total to
its figures (no formulas: a formula shows a sum, not where its terms came from)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dispstats.model.columns import N_, Column
from dispstats.model.records import Figure
from dispstats.reports.i18n import Lang, get_lang
from dispstats.reports.xlsx_sheet import Sheet, localized, reference_cell
from dispstats.series.rule import Estimate
from dispstats.series.totals import Estimates, Part, Total

TOTAL_COLUMNS = (
    Column("area", N_("Area"), "#loc+name+parent", N_("The parent site, admin 1 area or country")),
    Column("area_code", N_("Area code"), "#loc+code+parent", N_("Its site id or p-code")),
    Column(
        "population_group",
        N_("Population group"),
        "#meta+group+code",
        N_("Who the total counts: groups are totalled apart, never added together"),
    ),
    Column("unit", N_("Unit"), "#meta+unit", N_("people or households, never mixed")),
    Column(
        "row", N_("Row"), "#meta+row", N_("Total, a site counted in it, or the area's own figure")
    ),
    Column("site", N_("Site"), "#loc+name", N_("The site counted (empty on the total row)")),
    Column("site_id", N_("Site id"), "#loc+code", N_("Its id in dispstats")),
    Column("low", N_("Population (low)"), "#affected+min", N_("The number, or a range's low end")),
    Column(
        "high", N_("Population (high)"), "#affected+max", N_("The number, or a range's high end")
    ),
    Column(
        "counted_by", N_("Counted by"), "#meta+method", N_("Its own best estimate, or its sites'")
    ),
    Column("reference", N_("Reference date"), "#date+reported", N_("Date of the figure counted")),
    Column("figure_ids", N_("Figure ids"), "#meta+id", N_("The figures added up (Figures sheet)")),
    Column("recent", N_("Reported recently"), "#meta+coverage", N_("Sites with no stale figure")),
    Column("stale", N_("Stale"), "#meta+stale", N_("Older than the staleness threshold")),
)
TOTAL_KINDS = [
    "text", "text", "text", "text", "text", "text", "text", "count", "count", "text",
    "reference", "text", "text", "text",
]  # fmt: skip


def totals_sheet(
    sheet: Sheet, per_kind: Sequence[Estimates], t: Lang | None = None, *, scope_note: str = ""
) -> int:
    """Write the sheet (worded in `t`, default English), one block per kind of series (a
    group and unit); returns its data rows. `scope_note` is each total's note (what data it
    is computed from, in a public workbook)."""
    t = t or get_lang()
    rows = []
    for estimates in per_kind:
        names = {s.id: s.name for s in estimates.sites.values()}
        totals = [estimates.site_total(p) for p in estimates.parents()]
        area_names = {s.admin1_pcode: s.admin1_name for s in estimates.sites.values()}
        totals += [estimates.area_total("admin1", code) for code in estimates.areas("admin1")]
        for total in totals:
            if not total.parts and total.own is None:
                continue
            area = names.get(total.area) or area_names.get(total.area) or total.area
            rows += _rows(total, area, names, scope_note, t)
    return sheet.table(localized(TOTAL_COLUMNS, t), TOTAL_KINDS, rows)


def _rows(total: Total, area: str, names: dict[str, str], note: str, t: Lang) -> list[list]:
    head = [area, total.area, total.group, total.unit]
    stale = t.gettext("stale")
    coverage = t.gettext("%(recent)s of %(children)s") % {
        "recent": t.number(total.recent),
        "children": t.number(total.children),
    }
    rows: list[list[Any]] = [
        [
            *head, t.gettext("Total"), "", "", total.low if total.parts else None,
            total.high if total.parts else None, note, None,
            _ids(total.figures), coverage,
            ", ".join(names.get(i, i) for i in total.stale),
        ]
    ]  # fmt: skip
    for part in total.parts:
        rows.append(_part_row(head, part, names, t))
    for site_id in total.unreported:
        rows.append([*head, t.gettext("Site"), names.get(site_id, site_id), site_id, None, None,
                     t.gettext("no figure"), None, "", "", ""])  # fmt: skip
    own = total.own_figure
    if own is not None:
        own_stale = isinstance(total.own, Estimate) and total.own.is_stale
        rows.append([*head, t.gettext("Own figure"), area, total.area, own.quantity.low,
                     own.quantity.high, t.gettext("its own figure, beside the total"),
                     reference_cell(own), str(own.id), "",
                     stale if own_stale else ""])  # fmt: skip
    return rows


def _part_row(head: list, part: Part, names: dict[str, str], t: Lang) -> list:
    single = part.estimate.figure if part.estimate else None
    how = t.gettext("its best estimate") if single else t.gettext("the total of its sites")
    return [
        *head, t.gettext("Site"), names.get(part.site_id, part.site_id), part.site_id, part.low,
        part.high, how, reference_cell(single) if single else None, _ids(part.figures), "",
        t.gettext("stale") if part.is_stale else "",
    ]  # fmt: skip


def _ids(figures: list[Figure]) -> str:
    return ", ".join(str(f.id) for f in figures)
