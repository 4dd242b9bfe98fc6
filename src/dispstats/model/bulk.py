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
from dispstats.model.hxl import ColumnPlan
from dispstats.model.parse import (
    DateRef,
    Quantity,
    parse_choice,
    parse_dateref,
    parse_quantity,
    quick_quantities,
)
from dispstats.model.records import Figure

# Excel stores dates as days since 1899-12-30; a five-digit number in a date column is one
# (43359 is 2018-09-16). Years 1954-2173 only, so a year or a count is never taken for one.
_EXCEL_SERIAL = re.compile(r"[2-9][0-9]{4}")
_EXCEL_EPOCH = date(1899, 12, 30)

# Text columns carried through as they are (cleaned of control characters).
_TEXT_KEYS = ("population_group", "excerpt", "confidence_note")
SITE_KEYS = (
    "site_id",
    *(c.key for c in SITE_CONTEXT_COLUMNS),
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


def read_figures(table, plan: ColumnPlan, source: str | None, today: date | None = None) -> Checked:
    """Parse every figure of a table; site and source references stay as written.

    One figure per row when the file has an indicator column (#indicator+code), else one per
    non-empty count cell (#affected+idps+ind and the like).
    """
    import pandas as pd

    frame = table.frame
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
    for key in ("site_id", "site_name", "site_pcode"):
        if key in plan.fields:
            break
    else:
        raise InputError(
            "no column names the site: tag one #loc+code, #loc+pcode or #loc+name",
            field="hashtag",
        )
    if source is None and "source_id" not in plan.fields:
        raise InputError(
            "no source for the figures: give --source SOURCE, or a column #meta+source",
            field="source",
        )

    frame, row_numbers, blank_rows = _without_blank_rows(frame, table.row_numbers, plan)
    frame, filled = _fill_down_sites(frame, plan)

    def text(key: str):
        if key not in plan.fields:
            return pd.Series([None] * len(frame), dtype=object)
        return _clean(frame[plan.fields[key]])

    base = pd.DataFrame({"row": row_numbers})
    for key in (*SITE_KEYS, *SOURCE_KEYS, *_TEXT_KEYS, "movement_status"):
        put(base, key, text(key))
    if source is not None:
        put(base, "source_id", base["source_id"].where(base["source_id"].notna(), source))
    checked = Checked(base, blank_rows=blank_rows)
    if len(filled):
        shown = ", ".join(str(r) for r in row_numbers[filled][:8])
        checked.notes.append(
            f"{len(filled):,} row(s) had no site cells and took the site of the row above, as "
            f"merged cells in a sheet look (rows {shown}{', ...' if len(filled) > 8 else ''})"
        )
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
    _reference(checked, base, text, plan, today)

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
        for position, (indicator, unit) in plan.values.items():
            cells = _clean(frame[position])
            present = cells.notna().to_numpy()
            part = base[present].copy()
            put(part, "indicator", indicator)
            put(part, "unit_text", unit)
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
            checked.notes.append(f"{empty:,} row(s) have no count in any count column")
        long = long.sort_values("row", kind="stable").reset_index(drop=True)
    _units(checked, long, plan)
    checked.frame = long
    return checked


def _without_blank_rows(frame, row_numbers, plan: ColumnPlan):
    """Drop rows whose every used cell is blank once cleaned (spaces, control characters).

    Only rows without a site are looked at closely: in a real file that is almost none.
    """
    import numpy as np

    site_columns = [
        plan.fields[k] for k in ("site_id", "site_pcode", "site_name") if k in plan.fields
    ]
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


# A row with none of these takes them all from the row above: a sheet with merged site cells
# (one site, several dates) saved as CSV leaves them blank under the first.
_SITE_IDENTITY = ("site_id", "site_pcode", "site_name")
_SITE_CONTEXT = (
    "site_aliases",
    "site_kind",
    *(c.key for c in SITE_CONTEXT_COLUMNS if c.key.startswith(("site_admin", "site_country"))),
)


def _fill_down_sites(frame, plan: ColumnPlan):
    """Rows without any site cell get the site cells (and admin areas) of the row above."""
    import numpy as np

    identity = [plan.fields[k] for k in _SITE_IDENTITY if k in plan.fields]
    context = [plan.fields[k] for k in _SITE_CONTEXT if k in plan.fields]
    if not identity or not len(frame):
        return frame, np.array([], dtype=int)
    blank = np.ones(len(frame), dtype=bool)
    for position in identity:
        blank &= (frame[position] == "").to_numpy()
    source = np.maximum.accumulate(np.where(blank, -1, np.arange(len(frame))))
    rows = np.flatnonzero(blank & (source >= 0))  # a blank first row stays blank: an error
    if not len(rows):
        return frame, rows
    frame = frame.copy()
    for position in identity + context:
        values = frame[position].to_numpy(dtype=object).copy()
        empty = rows[values[rows] == ""]
        values[empty] = values[source[empty]]
        frame[position] = values
    return frame, rows


def put(frame, key: str, values) -> None:
    """Set a column as plain Python objects (None for missing): pandas would otherwise infer
    a string or float column and turn None into NaN."""
    import numpy as np
    import pandas as pd

    array = np.empty(len(frame), dtype=object)
    array[:] = values if not hasattr(values, "to_numpy") else values.to_numpy(dtype=object)
    frame[key] = pd.Series(array, index=frame.index, dtype=object)


def _clean(series):
    """Cells as clean text (control characters removed, trimmed), None when empty."""
    codes, uniques = _factorize(series)
    values = [str(u) for u in uniques]
    if _already_clean(values):  # the usual case, checked in one pass over the text
        cleaned = [v or None for v in values]
    else:
        cleaned = [clean_text(from_spreadsheet_text(v)) for v in values]
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
    return pd.Series(array[codes], index=index, dtype=object)


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


def _reference(checked, base, text, plan, today) -> None:
    """ref_start, ref_end, ref_precision from #date+reported (or #date+start/#date+end)."""
    import numpy as np
    import pandas as pd

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
            refs.append(parse_dateref(_excel_serial(value), "date", today))
        except InputError as exc:
            refs.append(None)
            checked.fail(rows[codes == i], column, exc.reason)
    if serial[codes].any():
        example = uniques[int(np.flatnonzero(serial)[0])]
        checked.notes.append(
            f"{int(serial[codes].sum()):,} reference date(s) were Excel day numbers (e.g. "
            f"{example} = {_excel_serial(example)}) and were read as dates"
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
            if derived is not None and _excel_serial(value) != derived.isoformat():
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
    for i, quick in zip(positions, quick_quantities(value[present].tolist()), strict=True):
        if quick is not None:
            plain[i] = True
            low[i] = high[i] = quick[0]
            quantifier[i] = quick[1]
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
