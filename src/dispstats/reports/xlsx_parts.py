"""The workbook's Breakdowns sheet: one row per part of a figure (its sex, age, cause or
origin), with the figure it belongs to, its dimension, its value and its share of the figure.
In a public workbook, parts below the store's small-cell threshold read "< N" and have no share,
and a second part is withheld where the first could be worked out by subtraction."""

from __future__ import annotations

from collections.abc import Iterable

from dispstats.model.breakdown import suppressed
from dispstats.model.columns import N_, Column
from dispstats.model.records import Figure, Site
from dispstats.reports import wording
from dispstats.reports.i18n import Lang
from dispstats.reports.xlsx_sheet import Sheet, localized, reference_cell

PART_COLUMNS = (
    (Column("figure_id", N_("Figure id"), "#meta+id", N_("The figure (Figures sheet)")), "id"),
    (Column("site_id", N_("Site id"), "#loc+code", N_("Its site")), "text"),
    (Column("site_name", N_("Site name"), "#loc+name", N_("Its site's name")), "text"),
    (Column("indicator", N_("Indicator"), "#indicator+code", N_("What it counts")), "text"),
    (Column("group", N_("Population group"), "#meta+group+code", N_("Who it counts")), "text"),
    (Column("unit", N_("Unit"), "#meta+unit", N_("people or households")), "text"),
    (Column("reference", N_("Reference date"), "#date+reported", N_("Its date")), "reference"),
    (Column("figure", N_("Figure (low)"), "#indicator+num+min", N_("The figure")), "count"),
    (
        Column("dimension", N_("Dimension"), "#meta+dimension", N_("sex, age, cause, origin")),
        "text",
    ),
    (Column("part", N_("Part"), "#meta+part", N_("The part's value on each dimension")), "text"),
    (Column("value", N_("Value"), "#affected+num", N_("How many the part counts")), "count"),
    (Column("share", N_("Share (%)"), "#affected+pct", N_("Its share of the figure")), "percent"),
)


def breakdowns_sheet(
    sheet: Sheet, figures: Iterable[Figure], sites: dict[str, Site], threshold: int, t: Lang
) -> int:
    """Write the sheet; `threshold` above 1 withholds small parts (public workbooks)."""
    rows = []
    for f in figures:
        if not f.parts or f.is_retracted:
            continue
        total = f.quantity.low if f.quantity.low == f.quantity.high else None
        hidden = suppressed(f.parts, threshold, total) if threshold > 1 else set()
        site = sites.get(f.site_id)
        for part in f.parts:
            shown = part not in hidden
            rows.append(
                [
                    f.id, f.site_id, site.name if site else f.site_id, f.indicator,
                    f.population_group, f.unit, reference_cell(f), f.quantity.low,
                    wording.dimensions_words(t, part.dimensions),
                    wording.part_label(t, part),
                    part.value if shown else wording.withheld_words(t, part.value, threshold),
                    round(100 * part.value / total, 1) if shown and total else None,
                ]
            )  # fmt: skip
    columns = localized([c for c, _ in PART_COLUMNS], t)
    return sheet.table(columns, [kind for _, kind in PART_COLUMNS], rows)
