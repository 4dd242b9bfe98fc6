"""Sheets written with XlsxWriter in constant-memory mode: rows stream to disk, numbers and dates
take their column's format, columns are sized to their content, and every sheet prints as a
person can read it (A4 landscape at full size, header rows and first columns repeated on every
page, gridlines, page numbers) rather than shrunk to one page width.

Every text is written as text: the workbook is opened with strings_to_formulas, _urls and
_numbers off, so nothing from data can become a formula, a link or a number; data rows of
plain values are written as XML by xlsx_rows.py (inline strings only, the same bytes). A
sheet never passes Excel's last row: XlsxWriter would drop the rows beyond it unsaid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from dispstats.errors import InputError
from dispstats.model.columns import N_, Column
from dispstats.model.dates import format_dateref
from dispstats.model.records import Figure
from dispstats.reports.xlsx_rows import RowWriter, fits

Progress = Callable[[int, int], None]

# Number formats by the kind of a column's values.
NUMBER_FORMATS = {
    "count": "#,##0",
    "id": "0",
    "percent": "0.0",
    "day": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
# A reference date is its period's first day, shown to its precision.
PRECISION_FORMATS = {"day": "yyyy-mm-dd", "week": "yyyy-mm-dd", "month": "mmm yyyy", "year": "yyyy"}
MIN_WIDTH, MAX_WIDTH, WRAP_WIDTH = 8, 60, 50
MAX_ROW_HEIGHT = 409
# Widths come from the first rows: enough to see the content's shape, cheap for 1M rows.
MEASURED_ROWS = 2000
SHEET_ROWS = 1_048_576  # Excel's rows per sheet


def refuse_past_last_row(rows: int, what: str) -> None:
    """Refuse a sheet of more rows than Excel holds (XlsxWriter would leave the rest out
    without a word); `what` starts the message."""
    if rows > SHEET_ROWS:
        raise InputError(
            f"{what} than Excel's {SHEET_ROWS:,} rows per sheet; export fewer figures "
            "(--sites, --from, --to) or use 'dispstats export hxl', which has no limit"
        )


@dataclass(frozen=True)
class Reference:
    """A figure's reference date for a cell: the period's first day and its precision."""

    start: date
    precision: str
    text: str


def reference_cell(f: Figure) -> Reference:
    """A figure's reference date as a cell: its period's first day, shown to its precision."""
    return Reference(f.ref.start, f.ref.precision, format_dateref(f.ref))


def localized(columns: Iterable[Column], lang) -> list[Column]:
    """Columns with their headers and meanings in `lang` (a Lang); the HXL hashtag never
    translates."""
    return [
        replace(c, header=lang.gettext(c.header), help=lang.gettext(c.help) if c.help else "")
        for c in columns
    ]


def open_workbook(path, scratch: str | None = None):
    """A constant-memory workbook writing `path` on close(); `scratch` is the folder for the
    rows it keeps on disk until then (the system's temporary folder when None)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            **({"tmpdir": scratch} if scratch else {}),
        },
    )


class Formats:
    """The workbook's cell formats, made once (XlsxWriter keeps one per distinct style)."""

    def __init__(self, workbook, *, rtl: bool = False):
        made = []

        def add(properties: dict):
            made.append(workbook.add_format(properties))
            return made[-1]

        # The workbook's own words read from the right in Arabic even when they start with a
        # number; data cells keep the direction of their first letter ("55-km zone" stays
        # left to right) and hashtags always read left to right.
        words = {"reading_order": 2} if rtl else {}
        self.header = add({"bold": True, "bg_color": "#E4ECF3", "bottom": 1, "text_wrap": True,
                           "valign": "top", **words})  # fmt: skip
        self.hxl = add(
            {"italic": True, "font_color": "#555555", **({"reading_order": 1} if rtl else {})}
        )
        self.bold = add({"bold": True, **words})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.prose = add({"text_wrap": True, "valign": "top", **words}) if rtl else self.wrap
        # Cells sit at the top of their row, level with the first line of a wrapped neighbour.
        top = {"valign": "top"}
        self.kinds = {kind: add({"num_format": f, **top}) for kind, f in NUMBER_FORMATS.items()}
        self.kinds["wrap"] = self.wrap
        self.kinds["text"] = add(top)
        self.count = self.kinds["count"]
        self.precisions = {p: add({"num_format": f, **top}) for p, f in PRECISION_FORMATS.items()}
        # Style numbers in the order the formats were made, not in the order cells first use
        # them: rows written by xlsx_rows and by XlsxWriter then give the same styles.xml.
        for cell_format in made:
            cell_format._get_xf_index()

    def of(self, kind: str | None):
        """The column format of a kind (text for anything without a number format)."""
        return self.kinds.get(kind or "text", self.kinds["text"])


class Sheet:
    """One worksheet, written top to bottom (constant-memory mode cannot go back a row)."""

    def __init__(
        self, workbook, formats: Formats, title: str, *, repeat_columns: int = 1, lang=None
    ):
        self.ws = workbook.add_worksheet(title)
        if lang is not None and lang.direction == "rtl":
            self.ws.right_to_left()  # column A on the right, as an Arabic reader expects
        self.name = title
        self.formats = formats
        self.rows = 0
        self.widths: dict[int, int] = {}
        self.kinds: dict[int, str] = {}
        self._fitted = False
        self.header_widths: dict[int, int] = {}
        self.wrapped: list[int] = []
        self._fast = RowWriter(self.ws)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        self.ws.hide_gridlines(0)  # gridlines printed: rows of numbers are read across
        self.ws.print_across()  # a wide sheet's pages in reading order
        if lang is not None and lang.direction == "rtl":
            # Spreadsheet footers do not lay out page fields inside right-to-left words.
            self.ws.set_footer(f"&L&P / &N&R{_footer_text(title)}")
        else:
            page = "Page &P of &N"
            if lang is not None:
                page = lang.gettext("Page %(page)s of %(pages)s") % {"page": "&P", "pages": "&N"}
            self.ws.set_footer(f"&L{_footer_text(title)}&R{page}")
        if repeat_columns:
            self.ws.repeat_columns(0, repeat_columns - 1)

    # --- writing ------------------------------------------------------------------------

    def set_kinds(self, kinds: Sequence[str]) -> None:
        """Each column's kind (count, id, day, datetime, percent, reference, text, wrap): the
        column format numbers and dates take without a format of their own."""
        for n, kind in enumerate(kinds):
            self.kinds[n] = kind
            width = WRAP_WIDTH if kind == "wrap" else None
            self.ws.set_column(n, n, width, self.formats.of(kind))
        self.wrapped = [n for n, kind in enumerate(kinds) if kind == "wrap"]

    def header(self, names: Sequence[str]) -> None:
        """The header row, wrapped in at most two lines: each column at least as wide as half
        its header (and its longest word), so the content decides the rest."""
        self.header_widths = {n: _header_width(name) for n, name in enumerate(names)}
        if any(len(name) + 2 > self.header_widths[n] for n, name in enumerate(names)):
            self.ws.set_row(self.rows, 30)  # set now: constant memory cannot go back a row
        self.append(names, self.formats.header, measure=False)

    def append(self, values: Sequence[object], cell_format=None, measure: bool = True) -> None:
        row = self.rows
        refuse_past_last_row(row + 1, f"the {self.name} sheet would need more")
        plain = [_plain(v) for v in values]
        height = None
        if measure and self.wrapped:
            # Not every reader sizes a row to its wrapped text (LibreOffice draws it over the
            # next row): the row gets the height of its longest wrapped cell, set now because
            # constant memory cannot go back a row.
            lines = max((_lines(plain[n]) for n in self.wrapped if n < len(plain)), default=1)
            if lines > 1:  # Excel's tallest row is 409 points; the cell keeps all its text
                height = min(15 * lines, MAX_ROW_HEIGHT)
        cells, formats = self._own_formats(values, plain)
        # A row given a height or format by set_row already is XlsxWriter's to write.
        if cell_format is None and row not in self.ws.row_info and fits(cells):
            self._fast.write(row, cells, formats, height)
        else:
            if height is not None:
                self.ws.set_row(row, height)
            self.ws.write_row(row, 0, plain, cell_format)
            for n, own in enumerate(formats):
                if own is not None:
                    self.ws.write(row, n, cells[n], own)
                elif cells[n] is not plain[n]:  # a period's words
                    self.ws.write_string(row, n, cells[n])
        if measure and row < MEASURED_ROWS and not self._fitted:
            self._measure(values)
        self.rows += 1

    def _own_formats(self, values: Sequence[object], plain: list) -> tuple[list, list]:
        """The cells, and the format of those with one of their own (None for the others): a
        reference date shown to its precision (a period from one day to another, which has no
        single-date form, as its words), a date outside a date column (the Readme's "As
        of")."""
        cells, formats = list(plain), []
        for n, value in enumerate(values):
            own = None
            if isinstance(value, Reference):
                if value.precision in PRECISION_FORMATS:
                    cells[n], own = value.start, self.formats.precisions[value.precision]
                else:
                    cells[n] = _clean(value.text)
            elif isinstance(value, date) and self.kinds.get(n) not in ("day", "datetime"):
                own = self.formats.kinds["datetime" if isinstance(value, datetime) else "day"]
            formats.append(own)
        return cells, formats

    def _measure(self, values: Sequence[object]) -> None:
        for n, value in enumerate(values):
            width = _width(value)
            if width > self.widths.get(n, 0):
                self.widths[n] = width

    def title_row(self, text: str) -> None:
        self.append([text], self.formats.bold)

    def blank(self) -> None:
        self.rows += 1

    def table(
        self,
        columns: Sequence[Column],
        kinds: Sequence[str],
        rows: Iterable[Sequence[object]],
        progress: Progress | None = None,
        total: int = 0,
    ) -> int:
        """A header row, an HXL row, then the data; frozen below the tags, with a filter, the
        two top rows printed on every page."""
        self.set_kinds(kinds)
        self.ws.freeze_panes(2, 0)
        self.ws.repeat_rows(0, 1)
        self.header([c.header for c in columns])
        self.append([c.hxl for c in columns], self.formats.hxl)
        count = 0
        for count, row in enumerate(rows, 1):
            self.append(row)
            if progress and count % 2000 == 0:
                progress(count, total)
        self.ws.autofilter(1, 0, count + 1, len(columns) - 1)
        self.fit_columns()
        return count

    def fit_columns(self) -> None:
        """Widths from the content written so far (and the header), at most MAX_WIDTH; "wrap"
        columns keep WRAP_WIDTH (their rows' heights were set for it)."""
        for n in sorted(set(self.widths) | set(self.header_widths)):
            kind = self.kinds.get(n)
            if kind == "wrap":
                continue
            wide = max(self.widths.get(n, 0), self.header_widths.get(n, 0), MIN_WIDTH)
            self.ws.set_column(n, n, min(wide, MAX_WIDTH), self.formats.of(kind))
        self._fitted = True


# XML cannot carry most control characters; XlsxWriter escapes them as _xHHHH_, which not
# every reader decodes in inline strings. A carriage return is a line break; the rest go.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _plain(value: object) -> object:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, Reference):
        return None  # written with its own format (Sheet._own_formats)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, Reference):
        return max(10, len(value.text))
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    if isinstance(value, int | float):
        return len(f"{value:,}") + 2
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0) + 2


# Characters of ordinary text per unit of column width, as LibreOffice and Excel draw it.
CHARS_PER_WIDTH = 1.15


def _lines(value: object) -> int:
    if not isinstance(value, str) or not value:
        return 1
    per_line = int(WRAP_WIDTH * CHARS_PER_WIDTH)
    return sum(-(-len(part) // per_line) or 1 for part in value.split("\n"))


def _header_width(name: str) -> int:
    longest_word = max((len(word) for word in name.split()), default=0)
    return max(longest_word, -(-len(name) // 2)) + 3


def _footer_text(title: str) -> str:
    return title.replace("&", "&&")


EXTRA_FIGURE_COLUMNS = (
    Column("site_name", N_("Site name"), "#loc+name", N_("Name of the site")),
    Column("publisher", N_("Publisher"), "#org+reporting+name", N_("Publisher of the source")),
    Column("url", N_("URL"), "#meta+url", N_("Web address of the source, where public")),
)


# The sheets by their English names (the keys of ExportResult.rows), as each language names
# them (at most 31 characters, none of []:*?/\).
SHEET_NAMES = {
    "Readme": N_("Readme"),
    "Summary": N_("Summary"),
    "Totals": N_("Totals"),
    "Charts": N_("Charts"),
    "Figures": N_("Figures"),
    "Weekly series": N_("Weekly series"),
    "Breakdowns": N_("Breakdowns"),
    "Movements": N_("Movements"),
    "Sources": N_("Sources"),
    "History": N_("History"),
}
