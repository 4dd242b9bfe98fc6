"""The workbook's Readme sheet: what the export is, as of when, its sensitivity, the rule, and
what every sheet and column means, in the workbook's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dispstats.model.columns import (
    FIGURE_COLUMNS,
    N_,
    SITE_COLUMNS,
    SOURCE_COLUMNS,
    Column,
)
from dispstats.reports import wording
from dispstats.reports.i18n import Lang
from dispstats.reports.xlsx_sheet import (
    EXTRA_FIGURE_COLUMNS,
    MAX_ROW_HEIGHT,
    SHEET_NAMES,
    Sheet,
    localized,
)


def readme_sheet(
    sheet: Sheet, t: Lang, *, as_of: date, sensitivity: str | None, rows: dict, n_sites: int
) -> None:
    """The Readme sheet; `sensitivity` says whether the data is public or restricted."""
    figure_columns = localized((*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS), t)
    source_columns, site_columns = localized(SOURCE_COLUMNS, t), localized(SITE_COLUMNS, t)
    described_columns = (*figure_columns, *source_columns, *site_columns)
    label_width = max(len(f"{c.header}  {c.hxl}") for c in described_columns)
    widths = (max(34, label_width + 2), 56)  # both on one A4 landscape page
    sheet.ws.set_column(0, 0, widths[0], sheet.formats.prose)
    sheet.ws.set_column(1, 1, widths[1], sheet.formats.prose)
    sheet.ws.repeat_rows(0)  # its title on every page

    # In a right-to-left cell a hashtag would read "meta+id#": marks keep it left to right.
    mark = "\u200e" if t.direction == "rtl" else ""

    def described(c: Column) -> str:
        return f"{c.header}  {mark}{c.hxl}{mark}"

    def line(values: list, bold: bool = False) -> None:
        # Rows get the height of their wrapped lines: not every reader computes it.
        cells = zip(values, widths, strict=False)
        lines = max((-(-len(str(v)) // int(w * 1.2)) for v, w in cells if v), default=1)
        if lines > 1:
            sheet.ws.set_row(sheet.rows, min(15 * lines, MAX_ROW_HEIGHT))
        sheet.append(values, sheet.formats.bold if bold else None)

    line([t.gettext("dispstats export")], bold=True)
    line([t.gettext("As of"), as_of])
    line([t.gettext("Generated"), datetime.now(UTC).replace(tzinfo=None, microsecond=0)])
    if sensitivity:
        line([t.gettext("Sensitivity"), sensitivity])
    line([t.gettext(README_WHAT[0]), t.gettext(README_WHAT[1])])
    line([t.gettext("Best-estimate rule"), wording.rule(t, 8)])
    for title, text in README_NOTES:
        line([t.gettext(title), t.gettext(text)])
    line([])
    line([t.gettext("Sheet"), t.gettext("Rows and meaning")], bold=True)
    for name, text in SHEET_MEANINGS.items():
        line([t.gettext(SHEET_NAMES[name]), f"{_rows(rows.get(name), t)}{t.gettext(text)}"])
    line([])
    line([t.gettext("Column"), t.gettext("Meaning (Figures and History sheets)")], bold=True)
    for c in figure_columns:
        line([described(c), c.help])
    line([])
    line([t.gettext("Column"), t.gettext("Meaning (Sources sheet)")], bold=True)
    for c in source_columns:
        line([described(c), c.help])
    line([])
    sites = t.ngettext(
        "%(num)s site; its columns in other dispstats exports:",
        "%(num)s sites; their columns in other dispstats exports:",
        n_sites,
    ) % {"num": t.number(n_sites)}
    line([t.gettext("Sites"), sites])
    for c in site_columns:
        line([described(c), c.help])


README_WHAT = (
    N_("What this is"),
    N_(
        "Displacement figures exactly as their sources reported them, with the best "
        "estimate dispstats works out and the sources behind every number."
    ),
)


# After the best-estimate rule.
README_NOTES = (
    (
        N_("Change"),
        N_(
            "The change a site's current figure made from the previous estimate: the best "
            "estimate on the day before that figure's reference date (as in the brief). A range "
            "changes by its two ends; no midpoint is made up."
        ),
    ),
    (
        N_("Licence"),
        N_(
            "Each figure remains subject to the terms of its source; cite the source (Sources "
            "sheet) when you re-use a figure."
        ),
    ),
    (
        N_("Disclaimer"),
        N_(
            "Figures are as reported by the sources cited, which may disagree; they are not "
            "verified by the producer of this file."
        ),
    ),
)


SHEET_MEANINGS = {
    "Summary": N_(
        "One row per site and population group (and unit): latest best estimate of the "
        "population as of the date above, the previous estimate and the change from it, where "
        "the change comes from, staleness, the range of other sources. Groups and units are "
        "never compared or added together."
    ),
    "Totals": N_(
        "Totals up the site hierarchy as of the date above: for each parent site and admin 1 "
        "area, a Total row, then each site it adds up with the figure it counts by (its own "
        "best estimate, else its own sites' total), sites with no figure, and the area's own "
        "figure beside the total, never replacing it. Ranges add as ranges."
    ),
    "Charts": N_(
        "Weekly best estimates of the largest sites and people moving per route, as native "
        "charts; the data they draw is below them."
    ),
    "Figures": N_(
        "Every figure (current version), one row each; row 2 holds HXL hashtags. A reference "
        "date is the first day of its period, shown to its precision (a month as 'Oct 2016'); "
        "Reference start and end give the period's days."
    ),
    "Weekly series": N_(
        "Best estimate at the end of each of the last 26 ISO weeks for the 20 largest series "
        "(a site's population of one group in one unit), with the figure and publisher behind "
        "each value."
    ),
    "Breakdowns": N_(
        "One row per part of a figure (by sex, age, cause or origin), with its share of the "
        "figure. Parts are never figures: they are not added into totals. In a public file, "
        "parts below the small-cell threshold read '< N', without a share."
    ),
    "Movements": N_(
        "Arrivals, departures, returns and relocations, with origin, destination and status."
    ),
    "Sources": N_("Who reported the figures: publisher, title, dates, reliability (A-F)."),
    "History": N_(
        "Every version of each figure that was corrected, retracted or recommended, with who "
        "entered it, when and why."
    ),
}


def _rows(n: int | None, t: Lang) -> str:
    if n is None:
        return ""
    return t.ngettext("%(num)s row. ", "%(num)s rows. ", n) % {"num": t.number(n)}
