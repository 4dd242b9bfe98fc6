"""Reading an XLSX table: the sheet with the hashtag row, zip bombs refused, formula cells
as last computed, merged cells filled from their top-left value (tables.py has the
overview)."""

from __future__ import annotations

import re
import warnings as pywarnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.model.hxl_columns import looks_like_hashtag_row
from dispstats.model.parse import counted

if TYPE_CHECKING:  # imported where used: reading a table is the only caller that needs them
    pass
from dispstats.model.table_rows import (
    HEADER_SEARCH_ROWS,
    Limits,
    Table,
    finish_table,
    header_index,
    no_header,
    tags_and_headers,
)


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise InputError(f"{path} is not an XLSX file (not a zip archive)") from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise InputError(
            f"{path} unpacks to {unpacked / 1024**2:,.0f} MB, above the limit of "
            f"{limits.max_unpacked_bytes / 1024**2:,.0f} MB",
        )
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > 1024**2 and ratio > limits.max_ratio:
            raise InputError(
                f"{path}: part {member.filename} shrinks {ratio:,} times when packed (more "
                f"than {limits.max_ratio}): refused as a possible zip bomb",
            )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unreadable(path: Path, exc: BaseException) -> InputError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return InputError(
                f"{path} is not a readable XLSX workbook: its XML declares entities or a DTD "
                "(refused: the way XML bombs and external-entity attacks work)"
            )
        cause = cause.__cause__ or cause.__context__
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return InputError(f"{path} is not a readable XLSX workbook ({first})")


def read_xlsx(path: Path, mapping, sheet: str | None, limits: Limits) -> Table:
    # openpyxl warns of the parts of a sheet it does not read (conditional formatting, data
    # validation extensions): they hold no figures, and the warning would reach the analyst's
    # screen as Python noise.
    with pywarnings.catch_warnings():
        pywarnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return _read_workbook(path, mapping, sheet, limits)


def _read_workbook(path: Path, mapping, sheet: str | None, limits: Limits) -> Table:
    import openpyxl
    import pandas as pd

    _check_zip(path, limits)
    if not openpyxl.DEFUSEDXML:
        raise InputError(
            "reading XLSX needs defusedxml (a dependency of dispstats), which guards against "
            "XML bombs: reinstall dispstats",
        )
    # The file is ours to open and close: openpyxl leaves its own handle open when it
    # refuses a file half-way (an XML entity, a damaged part).
    with path.open("rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise _unreadable(path, exc) from None
        try:
            ws, skipped = _tagged_sheet(path, workbook, sheet, mapping)
            rows, formulas, header_row = _sheet_rows(path, ws, limits, mapping)
            found = header_row - 1
            worksheet_path = ws._worksheet_path
            title = ws.title
        except InputError:
            raise
        except Exception as exc:  # the sheet's XML is parsed while its rows are read
            raise _unreadable(path, exc) from None
        finally:
            workbook.close()
    notes = []
    if len(workbook.sheetnames) > 1:
        passed = ", ".join(repr(n) for n in skipped)
        notes.append(
            f"read sheet '{title}'" + (f"; skipped {passed} (no hashtag row)" * bool(passed))
        )
    uncomputed = _computed_values(path, title, rows, formulas, header_row) if formulas else {}
    if formulas:
        notes.append(
            counted(len(formulas), "formula cell", "formula cells")
            + " read as the values Excel saved for them (never evaluated)"
        )
    merged, left_alone = _fill_merged(path, worksheet_path, rows, header_row)
    if merged:
        notes.append(
            counted(merged, "cell", "cells")
            + " of merged ranges took the value of their merged cell"
        )
    if left_alone:
        notes.append(
            counted(left_alone, "merged range spans", "merged ranges span")
            + " rows of different admin areas and "
            + ("was not filled: its" if left_alone == 1 else "were not filled: their")
            + " empty cells stay empty"
        )
    hashtags, headers = tags_and_headers(rows, found, mapping)
    data = rows[header_row:]
    if mapping is not None and data and looks_like_hashtag_row(data[0]):
        data, header_row = data[1:], header_row + 1
    width = len(hashtags)
    for offset, row in enumerate(data):
        if any(c.strip() for c in row[width:]):
            raise InputError(
                f"{path}, row {header_row + 1 + offset}: a value lies right of the last tagged "
                f"column ({width})",
            )
    frame = pd.DataFrame(
        [(row + [""] * width)[:width] for row in data], columns=range(width), dtype=object
    )
    table = finish_table(path, hashtags, headers, frame, header_row + 1, limits=limits, warnings=[])
    table.uncomputed, table.notes, table.sheet = uncomputed, notes, title
    return table


def tagged_sheets(path: Path) -> list[str]:
    """The sheets of a workbook with a hashtag row in their first rows."""
    import openpyxl

    found = []
    with path.open("rb") as handle, pywarnings.catch_warnings():
        pywarnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        workbook = openpyxl.load_workbook(handle, read_only=True)
        try:
            for ws in workbook.worksheets:
                rows = [
                    [_cell_text(c) for c in cells]
                    for cells in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                ]
                if any(looks_like_hashtag_row(r) for r in rows):
                    found.append(ws.title)
        finally:
            workbook.close()
    return found


def _tagged_sheet(path: Path, workbook, sheet: str | None, mapping):
    """The sheet asked for, else the first whose first rows hold a hashtag (or mapped header)
    row; with the names of the sheets passed over."""
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise InputError(
                f"{path} has no sheet '{sheet}'; its sheets: {', '.join(workbook.sheetnames)}",
                field="sheet",
                value=sheet,
            )
        return workbook[sheet], []
    skipped: list[str] = []
    first_rows: list[list[str]] = []
    for ws in workbook.worksheets:
        rows: list[list[str]] = []
        for cells in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
            rows.append([_cell_text(c) for c in cells])
            if header_index(rows, mapping) is not None:
                return ws, skipped
        skipped.append(ws.title)
        first_rows = first_rows or rows
    raise no_header(path, mapping, sheets=skipped, first_rows=first_rows)


def _sheet_rows(path: Path, ws, limits: Limits, mapping):
    """All rows as text, the formula cells below the header row, and the header row number."""
    rows: list[list[str]] = []
    formulas: dict[tuple[int, int], str] = {}
    header_row = None
    for number, cells in enumerate(ws.iter_rows(), start=1):
        texts = []
        for position, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":
                if header_row is not None:
                    formulas[(number, position)] = str(cell.value)
                texts.append("")
                continue
            texts.append(_cell_text(cell.value))
        rows.append(texts)
        if (
            header_row is None
            and number <= HEADER_SEARCH_ROWS
            and header_index(rows, mapping) is not None
        ):
            header_row = number
        if len(rows) > limits.max_rows + HEADER_SEARCH_ROWS:
            raise InputError(
                f"{path} has more than {limits.max_rows:,} rows (raise it with --max-rows)",
            )
    if header_row is None:
        raise no_header(path, mapping)
    return rows, formulas, header_row


def _computed_values(path: Path, title: str, rows, formulas, header_row: int) -> dict:
    """Put the value Excel saved for each formula cell into `rows`; returns the formula cells
    that have none (a workbook written by a program that does not compute formulas)."""
    import openpyxl

    with path.open("rb") as handle:
        return _saved_values(openpyxl.load_workbook(handle, read_only=True, data_only=True),
                             title, rows, formulas)  # fmt: skip


def _saved_values(workbook, title: str, rows, formulas) -> dict:
    try:
        wanted: dict[int, dict[int, str]] = {}  # row -> {column: formula}
        for (number, position), formula in formulas.items():
            wanted.setdefault(number, {})[position] = formula
        missing = {}
        for number, cells in enumerate(workbook[title].iter_rows(min_row=1), start=1):
            for position, formula in wanted.get(number, {}).items():
                value = cells[position].value if position < len(cells) else None
                if value is None:
                    missing[(number, position)] = formula
                else:
                    rows[number - 1][position] = _cell_text(value)
            if number >= max(wanted):
                break
    finally:
        workbook.close()
    return missing


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')


def _fill_merged(path: Path, worksheet_path: str, rows, header_row: int) -> tuple[int, int]:
    """Give every cell of a merged range below the header row the value of its first cell, as
    the sheet shows it; returns how many cells were filled and how many ranges were not. Only
    ranges the workbook declares merged are filled: a blank cell is never taken for a merged
    one, and a range over rows of different higher admin areas (a site cell merged across two
    districts) is left as it is, since that merge cannot say which place is meant."""
    from openpyxl.utils import column_index_from_string

    with zipfile.ZipFile(path) as archive:
        data = archive.read(worksheet_path.lstrip("/"))
    ranks = [_place_rank(tag) for tag in rows[header_row - 1]]
    # Only the columns of the hashtag (or header) row are read: a range merged across the
    # whole sheet (F2:XFD20001) is clipped to them, never filled cell by cell to XFD.
    read = [c for c, tag in enumerate(rows[header_row - 1]) if str(tag).strip()]
    last_read = read[-1] if read else -1
    ranges = []
    for first_col, first_row, last_col, last_row in _MERGE.findall(data):
        top, bottom = int(first_row), min(int(last_row), len(rows))
        left = column_index_from_string(first_col.decode()) - 1
        right = min(column_index_from_string(last_col.decode()) - 1, last_read)
        if bottom > header_row and top <= len(rows) and left <= right:
            rank = min((ranks[c] for c in range(left, right + 1) if c < len(ranks)), default=9)
            ranges.append((rank, top, bottom, left, right))
    filled = refused = 0
    for rank, top, bottom, left, right in sorted(ranges):  # higher admin levels first
        span = rows[max(top, header_row + 1) - 1 : bottom]
        above = [c for c, r in enumerate(ranks) if r < rank]
        if any(len({row[c] for row in span if c < len(row) and row[c]}) > 1 for c in above):
            refused += 1
            continue
        value = rows[top - 1][left] if left < len(rows[top - 1]) else ""
        for number in range(max(top, header_row + 1), bottom + 1):
            row = rows[number - 1]
            row.extend([""] * (right + 1 - len(row)))
            for position in range(left, right + 1):
                if (number, position) != (top, left) and not row[position]:
                    row[position] = value
                    filled += 1
    return filled, refused


def _place_rank(tag: str) -> int:
    """How high in the hierarchy a hashtag's place is: 0 country ... 4 site, 9 not a place."""
    name = (tag or "").strip().lower().split("+")[0]
    ranks = {"#country": 0, "#adm0": 0, "#adm1": 1, "#adm2": 2, "#adm3": 3, "#loc": 4}
    return ranks.get(name, 9)
