"""Reading a CSV or XLSX table as analysts receive them: HXL hashtag row somewhere in the first
rows, titles above it, blank lines, UTF-8 with or without BOM (or Windows-1252), workbooks
whose first sheets are a summary or a methodology, formula cells, merged cells, and files
crafted to exhaust memory.

Cells are returned as text, exactly as written (numbers and dates of XLSX cells as ISO text;
a formula cell as the value Excel last computed for it, never evaluated here); interpreting
them is the validator's job.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError

if TYPE_CHECKING:  # imported where used: reading a table is the only caller that needs them
    pass
from dispstats.model.table_csv import read_csv
from dispstats.model.table_rows import (
    EXCEL_ERRORS,
    Limits,
    NoHeaderRow,
    Table,
    decode,
    header_key,
)
from dispstats.model.table_xlsx import read_xlsx, tagged_sheets

__all__ = [
    "EXCEL_ERRORS",
    "Limits",
    "NoHeaderRow",
    "Table",
    "read_mapping",
    "read_table",
    "tagged_sheets",
]


def read_table(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read a CSV or XLSX file with an HXL hashtag row (or headers named in `mapping`).

    Raises InputError naming the file, row and what was expected. A file without a hashtag row
    whose headers are a published layout (layouts.py) is read through that layout's mapping,
    and its notes say so.
    """
    limits = limits or Limits()
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
        return read_xlsx(path, mapping, sheet, limits)
    if path.suffix.lower() in (".xls", ".ods") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path}: old Excel (.xls) and .ods files are not read; save it as .xlsx or CSV",
        )
    return read_csv(path, mapping, limits)


def read_mapping(path: Path) -> dict[str, str]:
    """A mapping file: CSV with columns `header` and `hashtag`, one row per column to read."""
    from dispstats.model.hxl_columns import parse_tag

    if not path.is_file():
        raise InputError(f"mapping file {path} does not exist", field="mapping")
    warnings: list[str] = []
    rows = list(csv.reader(io.StringIO(decode(path, path.read_bytes(), warnings)[0])))
    if not rows or [header_key(c) for c in rows[0][:2]] != ["header", "hashtag"]:
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
