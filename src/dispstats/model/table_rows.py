"""What reading a table gives (Table) and the rules shared by CSV and XLSX: the limits that
protect memory, finding the hashtag (or mapped header) row, decoding bytes as text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.model.hxl_columns import looks_like_hashtag_row

if TYPE_CHECKING:  # imported where used: reading a table is the only caller that needs them
    import numpy as np
    import pandas as pd


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
    frame: pd.DataFrame
    row_numbers: np.ndarray  # 1-based row of each data row in the file
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


class NoHeaderRow(InputError):
    """No hashtag row (or mapped header row) in a file's first rows, which it keeps."""

    def __init__(self, message: str, first_rows: Sequence[Sequence[object]]):
        super().__init__(message)
        self.first_rows = first_rows


def decode(path: Path, data: bytes, warnings: list[str]) -> tuple[str, str]:
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


def finish_table(path, hashtags, headers, frame, first_data_row, *, limits, warnings) -> Table:
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


def header_index(rows: Sequence[Sequence[object]], mapping: Mapping[str, str] | None):
    """Index of the hashtag row (or, with a mapping, of the header row) among `rows`."""
    index = len(rows) - 1
    row = rows[index]
    if mapping is None:
        return index if looks_like_hashtag_row(row) else None
    wanted = {header_key(h) for h in mapping}
    return index if any(header_key(c) in wanted for c in row if c is not None) else None


def header_key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def tags_and_headers(rows, index, mapping) -> tuple[list[str], list[str]]:
    row = ["" if c is None else str(c) for c in rows[index]]
    if mapping is None:
        above = rows[index - 1] if index > 0 else []
        headers = ["" if c is None else str(c) for c in above]
        return row, headers
    by_header = {header_key(h): tag for h, tag in mapping.items()}
    return [by_header.get(header_key(c), "") for c in row], row


def no_header(path: Path, mapping, sheets: Sequence[str] = (), first_rows=()) -> InputError:
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
