"""Reading a CSV or XLSX table as analysts receive them: HXL hashtag row somewhere in the first
rows, titles above it, blank lines, UTF-8 with or without BOM (or Windows-1252), workbooks
whose first sheets are a summary or a methodology, formula cells, merged cells, and files
crafted to exhaust memory.

Cells are returned as text, exactly as written (numbers and dates of XLSX cells as ISO text;
a formula cell as the value Excel last computed for it, never evaluated here); interpreting
them is the validator's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings as pywarnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from dispstats.errors import InputError
from dispstats.model.hxl import looks_like_hashtag_row
from dispstats.model.parse import counted

# Where the hashtag (or mapped header) row may be, as libhxl looks for it.
HEADER_SEARCH_ROWS = 25


@dataclass(frozen=True)
class Limits:
    """What a file may hold before it is refused (an analyst can raise them)."""

    max_bytes: int = 512 * 1024**2
    max_rows: int = 5_000_000
    # XLSX is a zip: its parts may not unpack to more than this, nor shrink more than
    # `max_ratio` times (a zip bomb shrinks a thousandfold).
    max_unpacked_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    # Characters in one cell (a spreadsheet cell holds at most 32,767).
    max_cell: int = 32_767


@dataclass
class Table:
    """The data rows of a table (a pandas DataFrame of text, one column per position)."""

    path: Path
    hashtags: list[str]
    headers: list[str]
    frame: object  # pandas.DataFrame
    row_numbers: object  # numpy array: 1-based row of each data row in the file
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    # XLSX: (file row, 0-based column) -> formula, for formula cells with no value saved.
    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None  # XLSX: the sheet read

    def positions_of(self, rows) -> list[int]:
        """The positions in `frame` of the file's 1-based `rows`."""
        import numpy as np

        numbers = np.asarray(self.row_numbers)
        at = np.searchsorted(numbers, rows)
        found = zip(at, rows, strict=True)
        return [int(i) for i, r in found if i < len(numbers) and numbers[i] == r]


def read_table(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    limits: Limits = Limits(),
) -> Table:
    """Read a CSV or XLSX file with an HXL hashtag row (or headers named in `mapping`).

    Raises InputError naming the file, row and what was expected. A file without a hashtag row
    whose headers are a published layout (layouts.py) is read through that layout's mapping,
    and its notes say so.
    """
    try:
        return _read_table(path, mapping, sheet, limits)
    except NoHeaderRow as exc:
        if mapping is not None:
            raise
        from dispstats.model.layouts import recognise

        layout, closest = recognise(exc.first_rows)
        if layout is None:
            if closest is not None:
                raise InputError(
                    f"{exc.reason}. Its headers are closest to the layout '{closest.name}': "
                    f"copy {closest.path} and edit it to name this file's columns, then give it "
                    "as --mapping"
                ) from None
            raise
    table = _read_table(path, layout.mapping, sheet, limits)
    said = f"read as {layout.name} (no hashtag row; headers mapped by {layout.path})"
    table.notes.insert(0, said)
    return table


class NoHeaderRow(InputError):
    """No hashtag row (or mapped header row) in a file's first rows, which it keeps."""

    def __init__(self, message: str, first_rows: Sequence[Sequence[object]]):
        super().__init__(message)
        self.first_rows = first_rows


def _read_table(path: Path, mapping, sheet: str | None, limits: Limits) -> Table:
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a CSV or XLSX file")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            f"{path} is {size / 1024**2:,.0f} MB, above the limit of "
            f"{limits.max_bytes / 1024**2:,.0f} MB (raise it with --max-mb)",
        )
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, mapping, sheet, limits)
    if path.suffix.lower() in (".xls", ".ods") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path}: old Excel (.xls) and .ods files are not read; save it as .xlsx or CSV",
        )
    return _read_csv(path, mapping, limits)


def _decode(path: Path, data: bytes, warnings: list[str]) -> tuple[str, str]:
    """The text of a file and the codec that read it (UTF-8, else Windows-1252 with a warning)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{path} is neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x} "
                f"at offset {exc.start}); save it as CSV UTF-8",
            ) from None
        line = data.count(b"\n", 0, exc.start) + 1
        warnings.append(
            f"{path.name} is not UTF-8 (line {line}, byte 0x{data[exc.start]:02x}); read as "
            "Windows-1252: check accented and non-Latin names, or save it as CSV UTF-8"
        )
        return text, "cp1252"


def _read_csv(path: Path, mapping: Mapping[str, str] | None, limits: Limits) -> Table:
    import pandas as pd

    warnings: list[str] = []
    data = path.read_bytes()
    text, codec = _decode(path, data, warnings)
    if "\x00" in text[:65536]:
        raise InputError(
            f"{path} is not UTF-8 text (it holds NUL bytes: UTF-16, or not text at all); "
            "save it as CSV UTF-8"
        )
    delimiter = _delimiter(text)
    _refuse_long_cells(path, data, delimiter, limits.max_cell)
    if delimiter != ",":
        warnings.append(f"{path.name}: cells separated by {_DELIMITER_NAMES[delimiter]}")
    handle = io.StringIO(text)
    reader = csv.reader(handle, delimiter=delimiter)
    first_rows: list[list[str]] = []
    found = None
    try:
        for _ in range(HEADER_SEARCH_ROWS + 1):
            row = next(reader, None)
            if row is None:
                break
            first_rows.append(row)
            positions_after = handle.tell()
            found = _header_index(first_rows, mapping)
            if found is not None:
                break
        else:
            found = None
    except csv.Error as exc:
        raise InputError(f"{path}: not readable as CSV ({exc})") from None
    if found is None:
        raise _no_header(path, mapping, first_rows=first_rows)
    hashtags, headers = _tags_and_headers(first_rows, found, mapping)
    hashtags += [""] * (len(headers) - len(hashtags))  # untagged columns are read, then ignored
    start = positions_after
    first_data_row = found + 2
    if mapping is not None:  # a hashtag row under mapped headers is not data
        peek = next(reader, None)
        if peek is not None and looks_like_hashtag_row(peek):
            start, first_data_row = handle.tell(), first_data_row + 1
    width = len(hashtags)
    try:
        with pywarnings.catch_warnings():
            # pandas only warns when the first data row is wider than the names: an error here
            pywarnings.simplefilter("error", pd.errors.ParserWarning)
            # From the file's bytes, not a StringIO of the text: a StringIO holds four bytes
            # per character (1,000,000 rows: peak 162 MB against 397 MB, and ~10% faster).
            frame = pd.read_csv(
                io.BytesIO(data[_byte_offset(data, text, start, codec) :]),
                encoding=codec,
                header=None,
                sep=delimiter,
                names=range(width),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
            )
    except pd.errors.ParserWarning:
        row, cells = _first_wide_row(text[start:], width, delimiter)
        raise InputError(
            f"{path}: row {row + first_data_row} has {cells} cells but the hashtag row has "
            f"{width}: a cell holds an unquoted comma, or the row is misplaced"
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: {_parser_message(str(exc), first_data_row, width)}") from None
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    return _finish(path, hashtags, headers, frame, first_data_row, limits, warnings)


def _refuse_long_cells(path: Path, data: bytes, delimiter: str, limit: int) -> None:
    """A cell longer than a spreadsheet cell can be (a file that is not a table, or a paste
    gone wrong) is refused before the file is parsed, its line named. Only lines longer than
    the limit can hold one: they are found from the positions of the line breaks (numpy, in
    chunks, ~30 ms for 20 MB), and only their cells are measured."""
    import numpy as np

    view = np.frombuffer(data, dtype=np.uint8)
    chunk = 1 << 26
    breaks = np.concatenate(
        [[-1], *(np.flatnonzero(view[at : at + chunk] == 10) + at
                 for at in range(0, len(view), chunk)), [len(view)]]
    )  # fmt: skip
    lengths = np.diff(breaks) - 1
    for line in np.flatnonzero(lengths > limit):
        text = data[breaks[line] + 1 : breaks[line + 1]]
        cells = text.split(delimiter.encode())
        # Bytes first (cheap), then characters: UTF-8 takes two bytes for an Arabic letter.
        if any(len(c) > limit and len(c.decode("utf-8", "replace")) > limit for c in cells):
            raise InputError(
                f"{path}: line {line + 1} holds a cell of more than {limit:,} characters, the "
                "most a spreadsheet cell holds: is it the right file? Nothing was read."
            )


def _byte_offset(data: bytes, text: str, position: int, codec: str) -> int:
    """Where the character at `position` of the decoded `text` starts in `data`."""
    if codec == "cp1252":  # one byte per character
        return position
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return bom + len(text[:position].encode("utf-8"))


_DELIMITER_NAMES = {";": "semicolons", "\t": "tabs", ",": "commas"}


def _delimiter(text: str) -> str:
    """The cell separator of a CSV: a comma when it splits the first lines into cells alike
    from line to line, else the one of semicolon and tab that does (KoboToolbox exports, Excel
    in French locales), else a comma."""
    lines = text[:65536].splitlines()[:20]
    for candidate in (",", ";", "\t"):
        widths = [
            len(r) for r in csv.reader(lines, delimiter=candidate) if any(c.strip() for c in r)
        ]
        if widths:
            common = max(set(widths), key=widths.count)
            if common > 1 and widths.count(common) * 2 > len(widths):
                return candidate
    return ","


def _first_wide_row(text: str, width: int, delimiter: str = ",") -> tuple[int, int]:
    for index, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if len(row) > width:
            return index, len(row)
    return 0, width


def _parser_message(message: str, first_data_row: int, width: int) -> str:
    if m := re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", message):
        row = int(m.group(1)) + first_data_row - 1
        return (
            f"row {row} has {m.group(2)} cells but the hashtag row has {width}: a cell holds "
            "an unquoted comma, or the row is misplaced"
        )
    return f"not readable as CSV ({message.strip()})"


def _finish(path, hashtags, headers, frame, first_data_row, limits, warnings) -> Table:
    import numpy as np

    if len(frame) > limits.max_rows:
        raise InputError(
            f"{path} has {len(frame):,} data rows, above the limit of {limits.max_rows:,} "
            "(raise it with --max-rows, or split the file)",
        )
    row_numbers = np.arange(first_data_row, first_data_row + len(frame))
    # Empty lines and rows of empty cells; rows of mere spaces are dropped after cleaning.
    blank = (frame == "").all(axis=1) if len(frame) else None
    blank_rows = 0
    if blank is not None and blank.any():
        blank_rows = int(blank.sum())
        keep = ~blank.to_numpy()
        frame, row_numbers = frame[keep].reset_index(drop=True), row_numbers[keep]
    return Table(path, hashtags, headers, frame, row_numbers, blank_rows, warnings)


# What Excel shows in a cell whose formula failed; such a cell holds no value.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
     "=#N/A"}
)  # fmt: skip


def _header_index(rows: Sequence[Sequence[object]], mapping: Mapping[str, str] | None):
    """Index of the hashtag row (or, with a mapping, of the header row) among `rows`."""
    index = len(rows) - 1
    row = rows[index]
    if mapping is None:
        return index if looks_like_hashtag_row(row) else None
    wanted = {_header_key(h) for h in mapping}
    return index if any(_header_key(c) in wanted for c in row if c is not None) else None


def _header_key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _tags_and_headers(rows, index, mapping) -> tuple[list[str], list[str]]:
    row = ["" if c is None else str(c) for c in rows[index]]
    if mapping is None:
        above = rows[index - 1] if index > 0 else []
        headers = ["" if c is None else str(c) for c in above]
        return row, headers
    by_header = {_header_key(h): tag for h, tag in mapping.items()}
    return [by_header.get(_header_key(c), "") for c in row], row


def _no_header(path: Path, mapping, sheets: Sequence[str] = (), first_rows=()) -> InputError:
    where = f" of any sheet ({', '.join(repr(n) for n in sheets)})" if len(sheets) > 1 else ""
    if mapping is None:
        return NoHeaderRow(
            f"{path} has no HXL hashtag row (a row of tags such as #loc+name, "
            f"#affected+idps+ind) in its first {HEADER_SEARCH_ROWS} rows{where}; "
            "tag the columns, or give --mapping FILE naming the hashtag of each column header",
            first_rows,
        )
    return InputError(
        f"{path}: none of the headers named in the mapping file appear in its first "
        f"{HEADER_SEARCH_ROWS} rows",
    )


def read_mapping(path: Path) -> dict[str, str]:
    """A mapping file: CSV with columns `header` and `hashtag`, one row per column to read."""
    from dispstats.model.hxl import parse_tag

    if not path.is_file():
        raise InputError(f"mapping file {path} does not exist", field="mapping")
    warnings: list[str] = []
    rows = list(csv.reader(io.StringIO(_decode(path, path.read_bytes(), warnings)[0])))
    if not rows or [_header_key(c) for c in rows[0][:2]] != ["header", "hashtag"]:
        raise InputError(
            f"mapping file {path} must start with the row 'header,hashtag', then one row per "
            "column, e.g. 'Camp name,#loc+name'",
            field="mapping",
        )
    mapping: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(
                f"mapping file {path}, row {number}: give a header and a hashtag",
                field="mapping",
                value=",".join(row),
            )
        parse_tag(row[1], None)
        mapping[row[0].strip()] = row[1].strip()
    if not mapping:
        raise InputError(f"mapping file {path} maps no column", field="mapping")
    return mapping


# --- XLSX ---------------------------------------------------------------------------------------


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


def _read_xlsx(path: Path, mapping, sheet: str | None, limits: Limits) -> Table:
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
    hashtags, headers = _tags_and_headers(rows, found, mapping)
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
    table = _finish(path, hashtags, headers, frame, header_row + 1, limits, [])
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
    skipped = []
    first_rows: list[list[str]] = []
    for ws in workbook.worksheets:
        rows: list[list[str]] = []
        for cells in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
            rows.append([_cell_text(c) for c in cells])
            if _header_index(rows, mapping) is not None:
                return ws, skipped
        skipped.append(ws.title)
        first_rows = first_rows or rows
    raise _no_header(path, mapping, sheets=skipped, first_rows=first_rows)


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
            and _header_index(rows, mapping) is not None
        ):
            header_row = number
        if len(rows) > limits.max_rows + HEADER_SEARCH_ROWS:
            raise InputError(
                f"{path} has more than {limits.max_rows:,} rows (raise it with --max-rows)",
            )
    if header_row is None:
        raise _no_header(path, mapping)
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
        wanted = {}
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
