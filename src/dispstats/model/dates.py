"""Dates as analysts type them and as sources give them: a day, a month, an ISO week, a year or
a period (DateRef), parsed strictly and written back the same way.

Dates are day-first when written with slashes or dots ("16/09/2018" is 16 September); ISO
forms are also read: "2018-09-16", "2018-09" (a month), "2018-W38" (an ISO week, Monday–Sunday).
Every refusal is an `InputError` whose message names the value and says what is expected.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from dispstats.errors import InputError

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_DATE_HELP = (
    "expected a date such as 2018-09-16, '16 Sep 2018' or 16/09/2018 (day first), "
    "a month such as 2018-09, an ISO week such as 2018-W38, or a year"
)
EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True)
class DateRef:
    """A reference date or period, inclusive at both ends, with the precision it was given in."""

    start: date
    end: date
    precision: str = "day"

    def __str__(self) -> str:
        return format_dateref(self)


def format_dateref(d: DateRef) -> str:
    """Text that `parse_dateref` reads back to the same DateRef."""
    if d.precision == "day":
        return d.start.isoformat()
    if d.precision == "month":
        return d.start.strftime("%Y-%m")
    if d.precision == "year":
        return str(d.start.year)
    if d.precision == "week":
        year, week, _ = d.start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{d.start.isoformat()}..{d.end.isoformat()}"


def parse_dateref(text: str, field: str = "date", today: date | None = None) -> DateRef:
    """Read a date, month, ISO week, year, or a period "A..B" (also "A to B").

    Raises InputError for unreadable text, impossible dates, dates before 1900, and anything
    that starts in the future (`today` defaults to the system date).
    """
    if text is None or not str(text).strip():
        raise InputError(f"no date given; {_DATE_HELP}", field=field, value=text)
    original = str(text).strip()
    today = today or date.today()
    parts = re.split(r"\s*\.\.\s*|\s+to\s+", original, flags=re.IGNORECASE)
    if len(parts) == 2:
        first = _parse_one_date(parts[0], original, field)
        last = _parse_one_date(parts[1], original, field)
        if first.start > last.end:
            raise InputError(f"period '{original}' ends before it starts", field=field, value=text)
        ref = DateRef(first.start, last.end, "period")
    elif len(parts) == 1:
        ref = _parse_one_date(original, original, field)
    else:
        raise InputError(
            f"'{original}' is not a date or a period; {_DATE_HELP}", field=field, value=text
        )
    if ref.start < EARLIEST:
        raise InputError(f"'{original}' is before 1900; check the year", field=field, value=text)
    if ref.start > today:
        raise InputError(
            f"'{original}' is in the future (today is {today.isoformat()})", field=field, value=text
        )
    return ref


def parse_date(text: str, field: str = "date", today: date | None = None) -> date:
    """Read one calendar day (publication and access dates); a month or week is refused."""
    ref = parse_dateref(text, field, today)
    if ref.precision != "day":
        raise InputError(
            f"'{text}' is a {ref.precision}; a single day is expected here (e.g. 2018-09-16)",
            field=field,
            value=text,
        )
    return ref.start


def _parse_one_date(text: str, original: str, field: str) -> DateRef:
    s = " ".join(text.strip().lower().replace(",", " ").split())
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
            return _day(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
            return _month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", s):
            return DateRef(date(int(m[1]), 1, 1), date(int(m[1]), 12, 31), "year")
        if m := re.fullmatch(r"(\d{4})-?w(\d{1,2})", s):
            return _week(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s):
            return _day(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4})", s):
            return _day(int(m[3]), _month_number(m[2]), int(m[1]))
        if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})", s):
            return _day(int(m[3]), _month_number(m[1]), int(m[2]))
        if m := re.fullmatch(r"([a-z]+)\.? (\d{4})", s):
            return _month(int(m[2]), _month_number(m[1]))
    except ValueError as exc:
        raise InputError(
            f"'{original}' is not a real date ({exc}); dates with slashes are "
            f"day first (DD/MM/YYYY)",
            field=field,
            value=original,
        ) from None
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", s):
        raise InputError(
            f"'{original}' has a two-digit year; write the year in full",
            field=field,
            value=original,
        )
    raise InputError(f"'{original}' is not a date; {_DATE_HELP}", field=field, value=original)


def _month_number(name: str) -> int:
    if name not in _MONTHS:
        raise ValueError(f"unknown month name '{name}'")
    return _MONTHS[name]


def _day(year: int, month: int, day: int) -> DateRef:
    d = date(year, month, day)
    return DateRef(d, d, "day")


def _month(year: int, month: int) -> DateRef:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    last = calendar.monthrange(year, month)[1]
    return DateRef(date(year, month, 1), date(year, month, last), "month")


def _week(year: int, week: int) -> DateRef:
    monday = date.fromisocalendar(year, week, 1)
    return DateRef(monday, monday + timedelta(days=6), "week")
