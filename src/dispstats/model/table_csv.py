"""Reading a CSV table: its encoding and delimiter, the hashtag row, rows of the wrong width,
cells too long for a spreadsheet (tables.py has the overview)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings as pywarnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.model.hxl_columns import looks_like_hashtag_row

if TYPE_CHECKING:  # imported where used: reading a table is the only caller that needs them
    pass
from dispstats.model.table_rows import (
    HEADER_SEARCH_ROWS,
    Limits,
    Table,
    decode,
    finish_table,
    header_index,
    no_header,
    tags_and_headers,
)


def read_csv(path: Path, mapping: Mapping[str, str] | None, limits: Limits) -> Table:
    import pandas as pd

    warnings: list[str] = []
    data = path.read_bytes()
    text, codec = decode(path, data, warnings)
    if "\x00" in text[:65536]:
        raise InputError(
            f"{path} is not UTF-8 text (it holds NUL bytes: UTF-16, or not text at all); "
            "save it as CSV UTF-8"
        )
    delimiter = _delimiter(text)
    refuse_long_cells(path, data, delimiter, limits.max_cell)
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
            found = header_index(first_rows, mapping)
            if found is not None:
                break
        else:
            found = None
    except csv.Error as exc:
        raise InputError(f"{path}: not readable as CSV ({exc})") from None
    if found is None:
        raise no_header(path, mapping, first_rows=first_rows)
    hashtags, headers = tags_and_headers(first_rows, found, mapping)
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
        at, wide = _first_wide_row(text[start:], width, delimiter)
        raise InputError(
            f"{path}: row {at + first_data_row} has {wide} cells but the hashtag row has "
            f"{width}: a cell holds an unquoted comma, or the row is misplaced"
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: {_parser_message(str(exc), first_data_row, width)}") from None
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    return finish_table(
        path, hashtags, headers, frame, first_data_row, limits=limits, warnings=warnings
    )


def refuse_long_cells(path: Path, data: bytes, delimiter: str, limit: int) -> None:
    """A cell longer than a spreadsheet cell can be (a file that is not a table, or a paste
    gone wrong) is refused before the file is parsed, its line named. Only lines longer than
    the limit can hold one: they are found from the positions of the line breaks (numpy, in
    chunks), and only their cells are measured."""
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
