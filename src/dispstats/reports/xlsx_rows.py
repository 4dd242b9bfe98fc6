"""Data rows written as sheet XML straight into XlsxWriter's constant-memory row file.

XlsxWriter stores every cell as an object and writes it through generic tag writers: most of
a large export's time (bench/excel_bench.py). Here a data row is one string made from its
values, the same XML XlsxWriter writes for them (tests/test_xlsx_rows.py compares the two
byte for byte), while XlsxWriter still writes everything around the rows: the package,
styles, charts, frozen panes, filters, other rows.

This reads XlsxWriter's internals (the row file, the row it last wrote, its dimension check,
its date conversion, format indexes); pyproject.toml allows only the minor versions the test
passed on. Values of any other type than text, whole or decimal numbers and dates make the row
go through XlsxWriter's own write_row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from math import isfinite
from typing import Any

from xlsxwriter.utility import xl_col_to_name

FAST_TYPES = frozenset({str, int, float, date, datetime, type(None)})
# XlsxWriter writes literal "_xHHHH_" escaped and the two non-characters as escapes.
_NEEDS_XLSXWRITER_ESCAPE = ("_x", "\ufffe", "\uffff")
# Longer strings may pass Excel's 32,767 UTF-16 units: XlsxWriter's write_row truncates them.
_SHORT_STRING = 32_767 // 2


def fits(values: Sequence[Any]) -> bool:
    """Whether every value is of a type this writer writes as XlsxWriter would."""
    for value in values:
        kind = value.__class__
        if kind not in FAST_TYPES:
            return False
        if kind is float and not isfinite(value):
            return False
        if kind is str and len(value) > _SHORT_STRING:
            return False
    return True


class RowWriter:
    """Writes rows of plain values (see `fits`) of one worksheet opened in constant-memory
    mode, each cell with the style of the format given for its column, else the column's."""

    def __init__(self, ws):
        self.ws = ws
        self._letters: list[str] = []

    def write(
        self,
        row: int,
        values: Sequence[object],
        formats: Sequence[object | None] = (),
        height: float | None = None,
    ) -> None:
        """One row; formats[n] (an XlsxWriter Format or None) overrides column n's format;
        `height` in points, as set_row takes it. The row must come after every row written
        so far, and not have been given to set_row (its own row element would follow)."""
        ws = self.ws
        if row >= ws.xls_rowmax:
            raise ValueError(f"row {row + 1:,} is past the {ws.xls_rowmax:,} rows of a sheet")
        if row < ws.previous_row or row in ws.row_info:
            raise ValueError(f"row {row + 1:,} was written or formatted already")
        if row > ws.previous_row:
            ws._write_single_row(row)  # what XlsxWriter holds of the row before goes out
        if len(self._letters) < len(values):
            self._letters = [xl_col_to_name(n) for n in range(len(values))]
        number = str(row + 1)
        cells, first, last = [], None, None
        for n, value in enumerate(values):
            if value is None or value == "":
                continue  # XlsxWriter writes no blank cell without a format of its own
            style = self._style(n, formats[n] if n < len(formats) else None)
            ref = self._letters[n] + number
            cells.append(self._cell(ref, style, value))
            first = n if first is None else first
            last = n
        if first is None:
            return
        ws._check_dimensions(row, first)
        ws._check_dimensions(row, last)
        ws.fh.write(f'<row r="{number}"{self._height(height)}>{"".join(cells)}</row>')

    def _height(self, points: float | None) -> str:
        # As XlsxWriter's set_row and row element: whole pixels, written back in points.
        if points is None:
            return ""
        pixels = int(points * 4.0 / 3.0 + 0.5)
        ws = self.ws
        if pixels == ws.original_row_height and pixels == ws.default_row_height:
            return ""
        return f' ht="{pixels * 0.75:.16g}" customHeight="1"'

    def _style(self, col: int, cell_format) -> str:
        if cell_format is None:
            info = self.ws.col_info.get(col)
            cell_format = info.column_format if info is not None else None
            if cell_format is None:
                return ""
        return f' s="{cell_format._get_xf_index()}"'

    def _cell(self, ref: str, style: str, value: Any) -> str:
        kind = value.__class__
        if kind is str:
            text = value
            if "&" in text or "<" in text or ">" in text:
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if any(mark in text for mark in _NEEDS_XLSXWRITER_ESCAPE):
                text = self.ws._escape_control_characters(text)
            keep = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            return f'<c r="{ref}"{style} t="inlineStr"><is><t{keep}>{text}</t></is></c>'
        if kind is date or kind is datetime:
            value = self.ws._convert_date_time(value)
        return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'
