"""The reference date of each row of an imported table: from #date+reported, a year and a
month, a period start and end, or --date for every row; Excel day numbers and ISO datetimes
read as the day they name."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dispstats.errors import InputError
from dispstats.model.dates import DateRef, parse_dateref
from dispstats.model.parse import counted
from dispstats.model.table_cells import factorize, put

# Excel stores dates as days since 1899-12-30; a five-digit number in a date column is one
# (43359 is 2018-09-16). Years 1954-2173 only, so a year or a count is never taken for one.
_EXCEL_SERIAL = re.compile(r"[2-9][0-9]{4}")


_EXCEL_EPOCH = date(1899, 12, 30)


def _excel_serial(text: str) -> str:
    if _EXCEL_SERIAL.fullmatch(text):
        return (_EXCEL_EPOCH + timedelta(days=int(text))).isoformat()
    return text


# An ISO date with a time of day, as databases and APIs write dates (2017-03-30T00:00:00,
# 2010-11-30 00:00:00+00:00): the figure refers to the day as written.
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def date_text(text: str) -> str:
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
    out: list[str | None] = []
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


_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def _month_first(checked, values: list[str], column: str) -> list[str]:
    """A column's slashed dates as ISO dates read month first, when one of its values can only
    be month first (2/18/2021) and none only day first (18/2/2021); else as they are (day
    first, as typed entry reads them)."""
    found = [(v, m) for v in values if (m := _SLASHED.fullmatch(v.strip()))]
    month_first = [v for v, m in found if int(m.group(2)) > 12 >= int(m.group(1))]
    day_first = [v for v, m in found if int(m.group(1)) > 12]
    if not month_first or day_first:
        return values
    checked.notes.append(
        f"{column}: dates with slashes read month first (M/D/YYYY), as its value "
        f"{month_first[0]} can only be ({len(found):,} distinct such dates)"
    )
    iso = {v: f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" for v, m in found}
    return [iso.get(v, v) for v in values]


def reference_dates(checked, base, text, plan, today, *, given: str | None = None) -> None:
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
    codes, uniques = factorize(reference)
    codes = np.asarray(codes)
    uniques = _month_first(checked, list(uniques), column)
    missing = codes == -1
    if missing.any():
        checked.fail(rows[missing], column, "no reference date given")
    refs: list[DateRef | None] = []
    serial = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        serial[i] = bool(_EXCEL_SERIAL.fullmatch(value))
        try:
            refs.append(parse_dateref(date_text(value), "date", today))
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
        stated_text = text(key)
        pairs = pd.DataFrame({"ref": codes, "given": stated_text.to_numpy(dtype=object)})
        for (code, value), index in pairs.groupby(["ref", "given"], sort=False).indices.items():
            ref = refs[code] if code >= 0 else None
            derived = getattr(ref, key.removeprefix("ref_")) if ref else None
            if derived is not None and date_text(value) != derived.isoformat():
                checked.fail(
                    rows[index], plan.label(key), f"does not match the reference date in {column}"
                )
