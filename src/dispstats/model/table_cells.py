"""Cells of an imported table, read column by column: each distinct value cleaned or parsed once
(a site list repeats its places and its counts), problems recorded by row and column.

`Checked` carries the figures read from a table (a pandas frame, one figure per line) and the
problems found, through every step of an import's checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispstats.errors import InputError, clip_quotes
from dispstats.model.columns import from_spreadsheet_text
from dispstats.model.fields import clean_text
from dispstats.model.hxl_columns import ColumnPlan
from dispstats.model.parse import parse_choice
from dispstats.model.places import PLACE_KEYS
from dispstats.model.tables import EXCEL_ERRORS

if TYPE_CHECKING:  # imported where used: reading a table is the only caller that needs them
    import pandas as pd


@dataclass(frozen=True)
class RowError:
    """One problem with one row of the file."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {clip_quotes(self.reason)}"


@dataclass
class Checked:
    """Figures read from a table (one per row, or per count cell), with what was wrong."""

    frame: pd.DataFrame  # one figure per line; column "row" is the file row
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blank_rows: int = 0  # rows of spaces only, found after cleaning

    def fail(self, rows, column: str, reason: str) -> None:
        self.errors.extend(RowError(int(r), column, reason) for r in rows)


def without_blank_rows(frame, row_numbers, plan: ColumnPlan):
    """Drop rows whose every used cell is blank once cleaned (spaces, control characters).

    Only rows without a place are looked at closely: in a real file that is almost none.
    """
    import numpy as np

    site_columns = [plan.fields[k] for k in PLACE_KEYS if k in plan.fields]
    candidates = np.ones(len(frame), dtype=bool)
    for position in site_columns:
        candidates &= clean_cells(frame[position]).isna().to_numpy()
    if not candidates.any():
        return frame, row_numbers, 0
    used = sorted({*plan.fields.values(), *plan.values})
    sub = frame.loc[candidates, used].astype(object)
    empty = sub.apply(lambda c: c.map(lambda v: clean_text(from_spreadsheet_text(str(v))) is None))
    blank = np.zeros(len(frame), dtype=bool)
    blank[np.flatnonzero(candidates)[empty.all(axis=1).to_numpy()]] = True
    if not blank.any():
        return frame, row_numbers, 0
    return frame[~blank].reset_index(drop=True), row_numbers[~blank], int(blank.sum())


def uncomputed_formulas(checked: Checked, table, plan: ColumnPlan, row_numbers) -> None:
    """Refuse rows where a column that is read holds a formula with no value saved."""
    if not table.uncomputed:
        return
    used = {*plan.fields.values(), *plan.values, *plan.breakdowns}
    present = set(int(r) for r in row_numbers)
    for (row, position), formula in sorted(table.uncomputed.items()):
        if position in used and row in present:
            checked.fail(
                [row],
                plan.tags[position].text,
                f"a formula ({formula}) with no value saved in the workbook: open it in "
                "Excel or LibreOffice and save it, or paste the column as values",
            )


def none_if_missing(value):
    """None for None and NaN (pandas gives NaN for missing groupby keys), else the value."""
    return None if value is None or value != value else value


def join_labels(*values) -> str | None:
    shown = [str(v) for v in values if v]
    return ", ".join(shown) or None


def put(frame, key: str, values) -> None:
    """Set a column as plain Python objects (None for missing): pandas would otherwise infer
    a string or float column and turn None into NaN."""
    import numpy as np
    import pandas as pd

    array = np.empty(len(frame), dtype=object)
    array[:] = values if not hasattr(values, "to_numpy") else values.to_numpy(dtype=object)
    # The array is this column's own: pandas 3 would copy it again (a tenth of an import).
    frame[key] = pd.Series(array, index=frame.index, dtype=object, copy=False)


def clean_cells(series, excel_errors: dict[str, int] | None = None, column: str = ""):
    """Cells as clean text (control characters removed, trimmed), None when empty. Excel
    error values (#N/A ...) are empty cells; their count is added to `excel_errors`."""
    import numpy as np

    codes, uniques = factorize(series)
    values = [str(u) for u in uniques]
    if _already_clean(values):  # the usual case, checked in one pass over the text
        cleaned = [v or None for v in values]
    else:
        cleaned = [clean_text(from_spreadsheet_text(v)) for v in values]
    errors = [i for i, v in enumerate(cleaned) if v in EXCEL_ERRORS]
    if errors:
        for i in errors:
            cleaned[i] = None
        if excel_errors is not None:
            count = int(np.isin(np.asarray(codes), errors).sum())
            excel_errors[column] = excel_errors.get(column, 0) + count
    return take(cleaned, codes, series.index)


# Anything `clean_text` or `from_spreadsheet_text` would change: a control character, space at
# either end of a value, an apostrophe at its start. Values are joined by "\n", which a cell
# may hold too: a false alarm then only costs the slow path.
_UNCLEAN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]|(?:^|\n)['\s]|\s(?:\n|$)"
)


def _already_clean(values: list[str]) -> bool:
    return _UNCLEAN.search("\n".join(values)) is None


def factorize(series):
    import pandas as pd

    return pd.factorize(series, sort=False, use_na_sentinel=True)


def take(values: list, codes, index):
    import numpy as np
    import pandas as pd

    array = np.empty(len(values) + 1, dtype=object)
    array[: len(values)] = values
    array[len(values)] = None  # code -1 (missing) reads the last slot
    return pd.Series(array[codes], index=index, dtype=object, copy=False)


def per_unique(
    checked: Checked, rows, series, parse: Callable[[str], object], column: str
) -> pd.Series:
    """Apply `parse` to each distinct non-empty value; failing rows are recorded as errors."""
    import numpy as np

    codes, uniques = factorize(series)
    results, failed = [], {}
    for i, value in enumerate(uniques):
        try:
            results.append(parse(value))
        except InputError as exc:
            results.append(None)
            failed[i] = exc.reason
    if failed:
        codes_array = np.asarray(codes)
        rows = np.asarray(rows)
        for i, reason in failed.items():
            checked.fail(rows[codes_array == i], column, reason)
    return take(results, codes, series.index)


def parse_choices(checked, base, series, plan, key, *, default, choices, synonyms, required=False):
    column = plan.label(key) if key in plan.fields else key
    name = key.replace("_", " ")
    if required:
        missing = series.isna().to_numpy()
        if missing.any():
            checked.fail(base["row"][missing], column, f"no {name} given")

    def parse(value: str) -> str:
        return parse_choice(value, name, choices, synonyms)

    parsed = per_unique(checked, base["row"], series, parse, column)
    return parsed.where(series.notna(), default).to_numpy()
