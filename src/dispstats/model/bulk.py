"""Validating a whole table of figures at once: the rules of typed entry, at columnar speed.

Each distinct cell value is parsed once, by the same functions `dispstats add` uses, and each
distinct combination of the fields Figure's own checks look at is checked once by building a
Figure from a row that has it. A file is thus held to exactly the rules of typed entry, with no
second copy of them, and a million rows cost a few thousand parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.columns import SITE_CONTEXT_COLUMNS, from_spreadsheet_text
from dispstats.model.fields import clean_text
from dispstats.model.hxl import REFERENCE_KEYS, ColumnPlan
from dispstats.model.parse import (
    DateRef,
    Quantity,
    counted,
    parse_choice,
    parse_dateref,
    parse_quantity,
    quick_quantities,
)
from dispstats.model.places import (
    LEVEL_NAMES,
    LEVEL_OF_KEY,
    NO_PLACE,
    PLACE_KEYS,
    row_level,
    stated_level,
)
from dispstats.model.records import Figure
from dispstats.model.tables import EXCEL_ERRORS

# Excel stores dates as days since 1899-12-30; a five-digit number in a date column is one
# (43359 is 2018-09-16). Years 1954-2173 only, so a year or a count is never taken for one.
_EXCEL_SERIAL = re.compile(r"[2-9][0-9]{4}")
_EXCEL_EPOCH = date(1899, 12, 30)

# Text columns carried through as they are (cleaned of control characters).
_TEXT_KEYS = ("population_group", "excerpt", "confidence_note")
SITE_KEYS = (
    "site_id",
    *(c.key for c in SITE_CONTEXT_COLUMNS),
    "country_name",
    "admin3_name",
    "admin3_pcode",
    "origin_site_id",
    "origin_name",
    "destination_site_id",
    "destination_name",
)
SOURCE_KEYS = (
    "source_id",
    "source_publisher",
    "source_publisher_type",
    "source_title",
    "source_url",
    "source_published",
    "source_accessed",
    "source_reliability",
)
# What a figure's identity is made of when looking for duplicates: what the source reported.
CONTENT_KEYS = (
    "site_id",
    "indicator",
    "unit",
    "low",
    "high",
    "quantifier",
    "value_text",
    "ref_start",
    "ref_end",
    "ref_precision",
    "origin_site_id",
    "destination_site_id",
    "movement_status",
    "population_group",
    "source_id",
    "excerpt",
)


@dataclass(frozen=True)
class RowError:
    """One problem with one row of the file."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class Checked:
    """Figures read from a table (one per row, or per count cell), with what was wrong."""

    frame: object  # pandas.DataFrame, one figure per line; column "row" is the file row
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blank_rows: int = 0  # rows of spaces only, found after cleaning

    def fail(self, rows, column: str, reason: str) -> None:
        self.errors.extend(RowError(int(r), column, reason) for r in rows)


def read_figures(
    table,
    plan: ColumnPlan,
    source: str | None,
    today: date | None = None,
    *,
    reference: str | None = None,
) -> Checked:
    """Parse every figure of a table; site and source references stay as written.

    One figure per row when the file has an indicator column (#indicator+code), else one per
    non-empty count cell (#affected+idps+ind and the like). `reference` is the reference date
    of every row of a file without date columns (`--date`). Each line gets the level of the
    place it is about ("loc", "adm3" ... "country") and, in DTM style, the part of a total it
    is ("part": its origin or cause, when the file says).
    """
    import pandas as pd

    _check_plan(plan, source, reference)
    frame = table.frame
    has_indicator = "indicator" in plan.fields
    frame, row_numbers, blank_rows = _without_blank_rows(frame, table.row_numbers, plan)
    excel_errors: dict[str, int] = {}
    absent = pd.Series([None] * len(frame), dtype=object)

    def text(key: str):
        if key not in plan.fields:
            return absent
        return _clean(frame[plan.fields[key]], excel_errors, plan.label(key))

    base = pd.DataFrame({"row": row_numbers})
    for key in (*SITE_KEYS, *SOURCE_KEYS, *_TEXT_KEYS, "movement_status"):
        put(base, key, text(key))
    if source is not None:  # a row's own source (id or publisher) comes first
        named = base["source_id"].notna() | base["source_publisher"].notna()
        put(base, "source_id", base["source_id"].where(named, source))
    checked = Checked(base, blank_rows=blank_rows)
    _uncomputed(checked, table, plan, row_numbers)
    _levels(checked, base, text("admin_level"), plan)
    if excel_errors:
        _place_errors(checked, frame, base, plan)
    put(base, "part", _part_labels(frame, plan))
    for key, default, choices, synonyms in (
        ("confidence", "medium", vocab.CONFIDENCE, None),
        ("role", "automatic", vocab.ROLES, None),
        ("sensitivity", "public", vocab.SENSITIVITY, None),
        ("excerpt_sensitivity", "public", vocab.SENSITIVITY, None),
    ):
        put(base, key, _choice(checked, base, text(key), plan, key, default, choices, synonyms))
    put(
        base,
        "movement_status",
        _choice(
            checked,
            base,
            base["movement_status"],
            plan,
            "movement_status",
            None,
            vocab.MOVEMENT_STATUSES,
            None,
        ),
    )
    _reference(checked, base, text, plan, today, reference)

    if has_indicator:
        put(
            base,
            "indicator",
            _choice(
                checked,
                base,
                text("indicator"),
                plan,
                "indicator",
                None,
                vocab.INDICATORS,
                vocab.INDICATOR_SYNONYMS,
                required=True,
            ),
        )
        put(base, "unit_text", text("unit"))
        value = text("value_text")
        _quantities(
            checked,
            base,
            value,
            text,
            plan,
            plan.label("value_text") if "value_text" in plan.fields else "value",
        )
        long = base
    else:
        parts = []
        for position, meaning in plan.values.items():
            cells = _clean(frame[position], excel_errors, plan.tags[position].text)
            present = cells.notna().to_numpy()
            part = base[present].copy()
            put(part, "indicator", meaning.indicator)
            put(part, "unit_text", meaning.unit)
            if meaning.part:
                labels = part["part"].to_numpy(dtype=object)
                put(part, "part", [_join(p, meaning.part) for p in labels])
            if meaning.group:
                groups = part["population_group"]
                put(part, "population_group", groups.where(groups.notna(), meaning.group))
            sub = Checked(part)
            _quantities(
                sub,
                part,
                cells[present].reset_index(drop=True),
                None,
                plan,
                plan.tags[position].text,
            )
            checked.errors.extend(sub.errors)
            parts.append(part)
        long = pd.concat(parts, ignore_index=True) if parts else base.iloc[0:0]
        empty = len(base) - int(pd.Series(long["row"]).nunique()) if len(base) else 0
        if empty:
            checked.notes.append(
                counted(empty, "row has", "rows have") + " no count in any count column"
            )
        long = long.sort_values("row", kind="stable").reset_index(drop=True)
    _units(checked, long, plan)
    if excel_errors:
        listed = ", ".join(f"{n:,} in {column}" for column, n in excel_errors.items())
        checked.notes.append(f"Excel error values (#N/A, #REF! ...) read as empty cells: {listed}")
    checked.frame = long
    return checked


def _without_blank_rows(frame, row_numbers, plan: ColumnPlan):
    """Drop rows whose every used cell is blank once cleaned (spaces, control characters).

    Only rows without a place are looked at closely: in a real file that is almost none.
    """
    import numpy as np

    site_columns = [plan.fields[k] for k in PLACE_KEYS if k in plan.fields]
    candidates = np.ones(len(frame), dtype=bool)
    for position in site_columns:
        candidates &= _clean(frame[position]).isna().to_numpy()
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


def _check_plan(plan: ColumnPlan, source: str | None, reference: str | None) -> None:
    """Refuse a file whose columns cannot make figures: nothing counted, no place, no source
    or no reference date."""
    has_indicator = "indicator" in plan.fields
    if has_indicator and plan.values:
        counts = ", ".join(plan.tags[p].text for p in plan.values)
        raise InputError(
            f"the file has both an indicator column ({plan.label('indicator')}) and count "
            f"columns ({counts}); use one form or the other",
            field="hashtag",
        )
    if not has_indicator and not plan.values:
        raise InputError(
            "no column says what is counted: tag one #indicator+code (with #indicator+text "
            "for the value), or give counts in columns such as #affected+idps+ind",
            field="hashtag",
        )
    if not any(key in plan.fields for key in PLACE_KEYS):
        raise InputError(
            "no column names a place: tag the site (#loc+name, #loc+code or #loc+pcode) or "
            "the admin area each row is about (#adm1+name, #adm2+code ..., #country+code)",
            field="hashtag",
        )
    if source is None and not {"source_id", "source_publisher"} & set(plan.fields):
        raise InputError(
            "no source for the figures: give --source SOURCE (a source in the store), "
            "--publisher NAME (with --title, --url, --published) for a new one, or a column "
            "#meta+source or #org+name",
            field="source",
        )
    if reference is not None and set(REFERENCE_KEYS) & set(plan.fields):
        used = ", ".join(plan.label(k) for k in REFERENCE_KEYS if k in plan.fields)
        raise InputError(
            f"the file gives its own reference dates ({used}); --date is for files without "
            "a date column",
            field="date",
            value=reference,
        )
    if reference is None and not set(REFERENCE_KEYS) & set(plan.fields):
        dates = [t.text for t, _ in plan.ignored if t.text.lower().startswith("#date")]
        raise InputError(
            "no column gives the date the figures refer to (#date+reported)"
            + (f"; the file's dates ({', '.join(dates)}) are not reference dates" if dates else "")
            + ": give --date (e.g. --date 2024-03-31, or a month 2024-03) for every row, "
            "or tag the column #date+reported",
            field="date",
        )


def _uncomputed(checked: Checked, table, plan: ColumnPlan, row_numbers) -> None:
    """Refuse rows where a column that is read holds a formula with no value saved."""
    if not table.uncomputed:
        return
    used = {*plan.fields.values(), *plan.values, *plan.parts}
    present = set(int(r) for r in row_numbers)
    for (row, position), formula in sorted(table.uncomputed.items()):
        if position in used and row in present:
            checked.fail(
                [row],
                plan.tags[position].text,
                f"a formula ({formula}) with no value saved in the workbook: open it in "
                "Excel or LibreOffice and save it, or paste the column as values",
            )


def _place_errors(checked: Checked, frame, base, plan: ColumnPlan) -> None:
    """Refuse rows whose place cell below the level they would be filed at holds an Excel
    error: where such a row is cannot be read, and the level above is not where it is. An
    error in a column above the row's place (a commune code of a named site) only leaves that
    level out."""
    import numpy as np

    depth = {level: i for i, level in enumerate(LEVEL_NAMES)}
    rows = base["row"].to_numpy()
    row_depth = np.array([depth.get(level, -1) for level in base["level"]])
    for key in PLACE_KEYS:
        if key not in plan.fields:
            continue
        codes, uniques = _factorize(frame[plan.fields[key]])
        bad = [i for i, u in enumerate(uniques) if str(u).strip() in EXCEL_ERRORS]
        below = row_depth < depth[LEVEL_OF_KEY[key]]
        for i in bad:
            refused = (np.asarray(codes) == i) & below
            checked.fail(
                rows[refused],
                plan.label(key),
                f"'{uniques[i]}' is an Excel error, not a place: fix the cell in the file",
            )


def _levels(checked: Checked, base, stated, plan: ColumnPlan) -> None:
    """base["level"]: the place each row is about (see places.row_level)."""
    import numpy as np
    import pandas as pd

    keys = [k for k in PLACE_KEYS if k in plan.fields]
    if "admin_level" not in plan.fields:
        _deepest_levels(checked, base, keys, plan)
        return
    combos = pd.DataFrame({k: base[k] for k in keys}).assign(_stated=stated.to_numpy())
    codes = combos.groupby(list(combos.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(codes))).groupby(codes).first()
    levels = np.full(len(codes), None, dtype=object)
    rows = base["row"].to_numpy()
    column = plan.label("admin_level") if "admin_level" in plan.fields else keys[0]
    for code, position in first.items():
        line = {k: none_if_missing(combos.iloc[int(position)][k]) for k in keys}
        cell = none_if_missing(combos.iloc[int(position)]["_stated"])
        try:
            level = row_level(line, stated_level(cell) if cell else None)
        except InputError as exc:
            where = column if exc.field == "admin level" else plan.label(keys[-1])
            checked.fail(rows[codes == code], where, exc.reason)
            continue
        levels[codes == code] = level
    put(base, "level", levels)


def _deepest_levels(checked: Checked, base, keys: list[str], plan: ColumnPlan) -> None:
    """The deepest level each row names, by whole columns (no #adm+level column to read)."""
    import numpy as np
    import pandas as pd

    levels = np.full(len(base), None, dtype=object)
    for level in LEVEL_NAMES:
        named = np.zeros(len(base), dtype=bool)
        for key in keys:
            if LEVEL_OF_KEY[key] == level:
                named |= base[key].notna().to_numpy()
        levels[named] = level
    nowhere = pd.isna(levels)
    if nowhere.any():
        checked.fail(base["row"].to_numpy()[nowhere], plan.label(keys[-1]), NO_PLACE)
    put(base, "level", levels)


def none_if_missing(value):
    """None for None and NaN (pandas gives NaN for missing groupby keys), else the value."""
    return None if value is None or value != value else value


def _part_labels(frame, plan: ColumnPlan):
    """What part of a total each row is, from the columns that tell parts apart (origin
    areas, causes): their values joined, or None."""
    if not plan.parts:
        return [None] * len(frame)
    columns = [_clean(frame[p]).to_numpy(dtype=object) for p in plan.parts]
    return [_join(*values) for values in zip(*columns, strict=True)]


def _join(*values) -> str | None:
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


def _clean(series, excel_errors: dict[str, int] | None = None, column: str = ""):
    """Cells as clean text (control characters removed, trimmed), None when empty. Excel
    error values (#N/A ...) are empty cells; their count is added to `excel_errors`."""
    import numpy as np

    codes, uniques = _factorize(series)
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
    return _take(cleaned, codes, series.index)


# Anything `clean_text` or `from_spreadsheet_text` would change: a control character, space at
# either end of a value, an apostrophe at its start. Values are joined by "\n", which a cell
# may hold too: a false alarm then only costs the slow path.
_UNCLEAN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]|(?:^|\n)['\s]|\s(?:\n|$)"
)


def _already_clean(values: list[str]) -> bool:
    return _UNCLEAN.search("\n".join(values)) is None


def _factorize(series):
    import pandas as pd

    return pd.factorize(series, sort=False, use_na_sentinel=True)


def _take(values: list, codes, index):
    import numpy as np
    import pandas as pd

    array = np.empty(len(values) + 1, dtype=object)
    array[: len(values)] = values
    array[len(values)] = None  # code -1 (missing) reads the last slot
    return pd.Series(array[codes], index=index, dtype=object, copy=False)


def _per_unique(
    checked: Checked, rows, series, parse: Callable[[str], object], column: str
) -> object:
    """Apply `parse` to each distinct non-empty value; failing rows are recorded as errors."""
    import numpy as np

    codes, uniques = _factorize(series)
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
    return _take(results, codes, series.index)


def _choice(checked, base, series, plan, key, default, choices, synonyms, required=False):
    column = plan.label(key) if key in plan.fields else key
    name = key.replace("_", " ")
    if required:
        missing = series.isna().to_numpy()
        if missing.any():
            checked.fail(base["row"][missing], column, f"no {name} given")

    def parse(value: str) -> str:
        return parse_choice(value, name, choices, synonyms)

    parsed = _per_unique(checked, base["row"], series, parse, column)
    return parsed.where(series.notna(), default).to_numpy()


def _excel_serial(text: str) -> str:
    if _EXCEL_SERIAL.fullmatch(text):
        return (_EXCEL_EPOCH + timedelta(days=int(text))).isoformat()
    return text


# An ISO date with a time of day, as databases and APIs write dates (2017-03-30T00:00:00,
# 2010-11-30 00:00:00+00:00): the figure refers to the day as written.
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def _date_text(text: str) -> str:
    """A date cell as parse_dateref reads it: Excel day numbers and ISO datetimes as dates,
    a period from a day to the same day as that day."""
    parts = [p.strip() for p in text.split("..")] if ".." in text else [text]
    days = []
    for part in parts:
        if m := _DATETIME.fullmatch(part):
            part = m.group(1)
        days.append(_excel_serial(part))
    if len(days) == 2 and days[0] == days[1]:
        return days[0]
    return "..".join(days)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip


def _year_month(checked, base, text, plan):
    """The reference as a month (or a year) from #date+year and #date+month columns."""
    import pandas as pd

    years, months = text("ref_year"), text("ref_month")
    column = plan.label("ref_year")
    if "ref_month" in plan.fields:
        column += f" and {plan.label('ref_month')}"
    rows = base["row"].to_numpy()
    out = []
    for position, (year, month) in enumerate(zip(years, months, strict=True)):
        year = None if year is None else str(year).removesuffix(".0")
        if year is None:
            out.append(None)
            continue
        if month is None:
            out.append(year)
            continue
        key = str(month).strip().lower().removesuffix(".0")
        number = int(key) if key.isdigit() else _MONTHS.get(key.rstrip("."))
        if number is None or not 1 <= number <= 12:
            checked.fail(
                [rows[position]],
                plan.label("ref_month"),
                f"'{month}' is not a month: expected 1-12 or a month name",
            )
            out.append(None)
            continue
        out.append(f"{year}-{number:02d}")
    return pd.Series(out, dtype=object), column


def _reference(checked, base, text, plan, today, given: str | None = None) -> None:
    """ref_start, ref_end, ref_precision from #date+reported (or a year and month, or
    #date+start/#date+end), or from `given` (--date) for every row."""
    import numpy as np
    import pandas as pd

    if given is not None:
        reference, column = pd.Series([given] * len(base), dtype=object), "--date"
    elif "ref_year" in plan.fields:
        reference, column = _year_month(checked, base, text, plan)
    else:
        reference = text("reference")
        column = plan.label("reference") if "reference" in plan.fields else "#date+reported"
    stated = [k for k in ("ref_start", "ref_end") if k in plan.fields]
    if len(stated) == 2:
        start_text, end_text = text("ref_start"), text("ref_end")
        both = (start_text.notna() & end_text.notna()).to_numpy()
        fill = both & reference.isna().to_numpy()
        if fill.any():
            reference = reference.copy()
            reference[fill] = start_text[fill] + ".." + end_text[fill]
            if "reference" not in plan.fields:
                column = f"{plan.label('ref_start')} and {plan.label('ref_end')}"
    rows = base["row"].to_numpy()
    codes, uniques = _factorize(reference)
    codes = np.asarray(codes)
    missing = codes == -1
    if missing.any():
        checked.fail(rows[missing], column, "no reference date given")
    refs: list[DateRef | None] = []
    serial = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        serial[i] = bool(_EXCEL_SERIAL.fullmatch(value))
        try:
            refs.append(parse_dateref(_date_text(value), "date", today))
        except InputError as exc:
            refs.append(None)
            checked.fail(rows[codes == i], column, exc.reason)
    if serial[codes].any():
        example = uniques[int(np.flatnonzero(serial)[0])]
        checked.notes.append(
            counted(int(serial[codes].sum()), "reference date was an", "reference dates were")
            + f" Excel day number (e.g. {example} = {_excel_serial(example)}), read as a date"
        )
    for key, part in (("ref_start", "start"), ("ref_end", "end"), ("ref_precision", "precision")):
        values = [getattr(r, part) if r else None for r in refs] + [None]
        put(base, key, np.array(values, dtype=object)[codes])
    if "reference" not in plan.fields:
        return
    for key in stated:  # a stated start or end must agree with the reference date
        given = text(key)
        pairs = pd.DataFrame({"ref": codes, "given": given.to_numpy(dtype=object)})
        for (code, value), index in pairs.groupby(["ref", "given"], sort=False).indices.items():
            ref = refs[code] if code >= 0 else None
            derived = getattr(ref, key.removeprefix("ref_")) if ref else None
            if derived is not None and _date_text(value) != derived.isoformat():
                checked.fail(
                    rows[index], plan.label(key), f"does not match the reference date in {column}"
                )


def _quantities(checked, frame, value, text, plan, column) -> None:
    """low, high, quantifier, value_text (and a unit hint) from the value cells."""
    import numpy as np
    import pandas as pd

    n = len(frame)
    low = np.full(n, None, dtype=object)
    high = np.full(n, None, dtype=object)
    quantifier = np.full(n, None, dtype=object)
    hint = np.full(n, None, dtype=object)
    rows = frame["row"].to_numpy()
    value = value.reset_index(drop=True)
    present = value.notna().to_numpy()
    plain = np.zeros(n, dtype=bool)
    positions = np.flatnonzero(present)
    # Each distinct text read once: a site list repeats its counts (and a column of "0"s).
    codes, uniques = _factorize(value[present])
    quick = quick_quantities(list(uniques))
    read = np.array([q is not None for q in quick], dtype=bool)[codes]
    if read.any():
        counts = np.array([None if q is None else q[0] for q in quick], dtype=object)[codes]
        words = np.array([None if q is None else q[1] for q in quick], dtype=object)[codes]
        at = positions[read]
        plain[at] = True
        low[at] = high[at] = counts[read]
        quantifier[at] = words[read]
    other = present & ~plain
    if other.any():
        parsed = _per_unique(
            checked, rows[other], value[other], lambda v: parse_quantity(v, "value"), column
        )
        for i, result in zip(np.flatnonzero(other), parsed, strict=True):
            if result is not None:
                q, unit = result
                low[i], high[i], quantifier[i], hint[i] = q.low, q.high, q.quantifier, unit
    value_text = value.to_numpy(dtype=object).copy()
    if text is not None:
        _stated_quantities(checked, frame, text, plan, low, high, quantifier, value_text, present)
    missing = ~present & pd.isna(quantifier)
    if missing.any():
        checked.fail(
            rows[missing],
            column,
            "no value given (a number, a range, or 'unquantified' with the source's words "
            "in #description+excerpt)",
        )
    unquantified = quantifier == "unquantified"
    value_text[unquantified] = None
    for key, values in (
        ("low", low),
        ("high", high),
        ("quantifier", quantifier),
        ("value_text", value_text),
        ("unit_hint", hint),
    ):
        put(frame, key, values)


def _stated_quantities(checked, frame, text, plan, low, high, quantifier, value_text, present):
    """Quantifier, low and high columns: fill what the value text leaves open, and refuse rows
    where they contradict it."""
    import numpy as np

    rows = frame["row"].to_numpy()
    stated_q = text("quantifier")
    if stated_q.notna().any():
        q_column = plan.label("quantifier")
        parsed = np.asarray(
            _choice(checked, frame, stated_q, plan, "quantifier", None, vocab.QUANTIFIERS, None),
            dtype=object,
        )
        has = parsed != None  # noqa: E711 (elementwise)
        fill = has & ((quantifier == None) | (quantifier == "exact"))  # noqa: E711
        clash = has & ~fill & (parsed != quantifier)
        quantifier[fill] = parsed[fill]
        if clash.any():
            checked.fail(rows[clash], q_column, "contradicts the quantifier in the value text")
    for key, target in (("low", low), ("high", high)):
        stated = text(key)
        given = stated.notna().to_numpy()
        if not given.any():
            continue
        column = plan.label(key)
        numbers = _per_unique(
            checked, rows[given], stated[given], lambda v: _one_count(v), column
        ).to_numpy()
        idx = np.flatnonzero(given)
        from_text = present[idx]
        clash = from_text & (target[idx] != numbers) & (numbers != None)  # noqa: E711
        if clash.any():
            checked.fail(rows[idx[clash]], column, "does not match the value as reported")
        fill = ~from_text
        target[idx[fill]] = numbers[fill]
    only_numbers = ~present & (low != None)  # noqa: E711
    high[only_numbers & (high == None)] = low[only_numbers & (high == None)]  # noqa: E711
    low[only_numbers & (low == None)] = high[only_numbers & (low == None)]  # noqa: E711
    quantifier[only_numbers & (quantifier == None)] = "exact"  # noqa: E711
    if only_numbers.any():
        value_text[only_numbers] = None


def _one_count(text: str) -> int:
    quantity, _ = parse_quantity(text, "value")
    if quantity.low is None or quantity.low != quantity.high or quantity.quantifier != "exact":
        raise InputError(f"'{text}' is not a single whole number", field="value", value=text)
    return quantity.low


def _units(checked, frame, plan) -> None:
    """The unit: stated, else named in the value ('45,000 people'), else by indicator."""
    import numpy as np

    stated = frame.pop("unit_text")
    hint = frame.pop("unit_hint")
    default = np.where(frame["indicator"] == "households", "households", "people")
    fallback = np.where(hint.notna(), hint, default)
    column = plan.label("unit") if "unit" in plan.fields else "unit"

    def parse(value: str) -> str:
        return parse_choice(value, "unit", vocab.UNITS, vocab.UNIT_SYNONYMS)

    stated = stated.reset_index(drop=True) if hasattr(stated, "reset_index") else stated
    import pandas as pd

    stated = pd.Series(stated, dtype=object)
    parsed = _per_unique(checked, frame["row"], stated, parse, column)
    put(frame, "unit", np.where(stated.notna(), parsed, fallback))


# --- Figure's own rules, once per distinct shape ----------------------------------------------

_SHAPE = (
    "indicator",
    "unit",
    "quantifier",
    "movement_status",
    "confidence",
    "role",
    "sensitivity",
    "excerpt_sensitivity",
)


def check_figures(checked: Checked, plan: ColumnPlan) -> None:
    """Hold every figure to Figure's checks. Rows already in error are left out."""
    import numpy as np
    import pandas as pd

    frame = checked.frame
    bad_rows = {e.row for e in checked.errors}
    ok = ~frame["row"].isin(bad_rows).to_numpy()
    if not ok.any():
        return
    view = frame[ok]
    low, high = view["low"], view["high"]
    shape = pd.DataFrame({key: view[key].to_numpy() for key in _SHAPE})
    shape["no_low"] = low.isna().to_numpy()
    shape["no_high"] = high.isna().to_numpy()
    with np.errstate(invalid="ignore"):
        numbers = ~(shape["no_low"] | shape["no_high"])
        shape["order"] = np.where(
            numbers,
            pd.to_numeric(low, errors="coerce").to_numpy()
            <= pd.to_numeric(high, errors="coerce").to_numpy(),
            True,
        )
    shape["negative"] = np.where(numbers, pd.to_numeric(low, errors="coerce").to_numpy() < 0, False)
    for end in ("origin_site_id", "destination_site_id"):
        shape[end] = view[end].notna().to_numpy()
        shape[end + "_same"] = (view[end] == view["site_id"]).to_numpy()
    shape["excerpt"] = view["excerpt"].notna().to_numpy()
    groups = shape.groupby(list(shape.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(groups))).groupby(groups).first()
    rows = view["row"].to_numpy()
    for group, position in first.items():
        record = view.iloc[int(position)]
        try:
            _figure(record)
        except InputError as exc:
            column = _column_of(exc.field, plan)
            value = f"'{exc.value}': " if exc.value not in (None, "") else ""
            checked.fail(rows[groups == group], column, value + exc.reason)


# Figure fields a frame line holds under the same name.
_SAME_NAME = ("indicator", "value_text", "unit", "origin_site_id", "destination_site_id",
              "movement_status", "population_group", "excerpt", "excerpt_sensitivity",
              "confidence", "confidence_note", "role", "sensitivity")  # fmt: skip


def _figure(r) -> Figure:
    return Figure(
        **{name: r[name] for name in _SAME_NAME},
        site_id=r["site_id"] or "",
        source_id=r["source_id"] or "",
        quantity=Quantity(r["low"], r["high"], r["quantifier"]),
        ref=DateRef(r["ref_start"], r["ref_end"], r["ref_precision"]),
    )


_FIELD_KEYS = {
    "value": "value_text",
    "unit": "unit",
    "origin": "origin_site_id",
    "destination": "destination_site_id",
    "status": "movement_status",
    "excerpt": "excerpt",
    "site": "site_id",
    "source": "source_id",
}


def _column_of(field_name: str | None, plan: ColumnPlan) -> str:
    key = _FIELD_KEYS.get(field_name or "", field_name or "")
    if key in plan.fields:
        return plan.label(key)
    if key == "value_text" and plan.values:
        return ", ".join(plan.tags[p].text for p in plan.values)
    return field_name or ""


def content_keys(frame) -> list[tuple]:
    """What each figure's source reported (CONTENT_KEYS) as a tuple, in one canonical form
    (dates as ISO text, counts as int) whether it comes from a file or from the store."""
    columns = []
    for key in CONTENT_KEYS:
        values = frame[key].to_numpy(dtype=object)
        if key in ("ref_start", "ref_end"):
            values = iso_dates(values)
        elif key in ("low", "high"):
            values = [None if v is None else int(v) for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def iso_dates(values):
    """Dates (or ISO text, as SQLite returns them) as ISO text, converting each distinct value
    once."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    text = [u if isinstance(u, str) else u.isoformat() for u in uniques]
    return np.array([*text, None], dtype=object)[codes]
