"""The best estimate over time as a picture draws it: steps that begin on the day the figures
behind them are dated (never at the start of the week that holds them), and a stale stretch
apart from a current one. The brief's chart and the workbook's chart both draw these.

Weekly estimates say what the best estimate was at each week's end. Between two of them the
value changed on the reference date of the newest figure that the later one counts (the best
figure or another source's in the window, whichever is later, so nothing is drawn before every
figure it rests on is dated), or, when no figure is new (a figure left the window), the day
after the earlier week's end. A figure becomes stale the day after it is `stale_weeks` weeks
older than its reference period's end: the step is cut there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dispstats.series.rule import Estimate

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """One value of the best estimate, from `start` until `end` (where the next step, or the
    picture, begins); `band_low`/`band_high` span every source's figure in the window."""

    start: date
    end: date
    low: int
    high: int
    band_low: int
    band_high: int
    stale: bool
    figure_id: int | None


def best_steps(weekly: Sequence[Estimate]) -> list[Step]:
    """The steps of a series' weekly estimates (oldest first); a week without a figure ends
    the step before it, so a gap stays a gap."""
    starts: list[date | None] = []
    before: date | None = None  # the previous week's end
    for e in weekly:
        if _numbered(e):
            behind = [g for g in (e.figure, *e.competitors) if g and g.quantity.low is not None]
            new = [g.ref.start for g in behind if before is None or g.ref.start > before]
            starts.append(max(new) if new else before + DAY if before else None)
        else:
            starts.append(None)
        before = e.as_of
    steps: list[Step] = []
    for n, (start, e) in enumerate(zip(starts, weekly, strict=True)):
        if start is None or e.figure is None:
            continue
        following = starts[n + 1] if n + 1 < len(starts) else None
        end = following or e.as_of
        f = e.figure
        stale_from = f.ref.end + timedelta(weeks=e.stale_weeks) + DAY
        low, high, band_low, band_high = f.quantity.low, f.quantity.high, e.low, e.high
        if low is None or high is None or band_low is None or band_high is None:
            continue  # a figure with a number has both ends, and so has its estimate's band
        values = (low, high, band_low, band_high)
        if start < stale_from < end:
            steps.append(Step(start, stale_from, *values, stale=False, figure_id=f.id))
            start = stale_from
        steps.append(Step(start, end, *values, stale=stale_from <= start, figure_id=f.id))
    return _merged(steps)


def _numbered(e: Estimate) -> bool:
    return e.figure is not None and e.figure.quantity.low is not None


def _ending(step: Step, day: date) -> Step:
    return Step(step.start, day, step.low, step.high, step.band_low, step.band_high,
                step.stale, step.figure_id)  # fmt: skip


def _merged(steps: list[Step]) -> list[Step]:
    """Neighbouring steps of one value and staleness as one (a week that changed nothing)."""
    out: list[Step] = []
    for s in steps:
        last = out[-1] if out else None
        if (
            last is not None
            and last.end == s.start
            and (last.low, last.high, last.band_low, last.band_high, last.stale)
            == (s.low, s.high, s.band_low, s.band_high, s.stale)
        ):
            out[-1] = _ending(last, s.end)
        else:
            out.append(s)
    return out


def runs(steps: Sequence[Step]) -> list[list[Step]]:
    """Steps that touch and share staleness, as runs a line is drawn through without a break
    (a stale run drawn apart from a current one)."""
    out: list[list[Step]] = []
    for s in steps:
        if out and out[-1][-1].end == s.start and out[-1][-1].stale == s.stale:
            out[-1].append(s)
        else:
            out.append([s])
    return out


StepColumn = tuple[Sequence[Step], str, bool]  # a series' steps, "low" or "high", stale or current


def table_rows(columns: Sequence[StepColumn]) -> list[tuple[date, list[int | None]]]:
    """Steps as rows of (day, one value per column) for a chart that joins points with
    straight lines (a spreadsheet's scatter chart): where a value changes, two rows on that day,
    the value before and after, so the line rises on the day, not across the week. A column
    holds a value only where its series is current (or, for a stale column, stale), so each
    stretch is its own line."""
    days = sorted({d for steps, _, _ in columns for s in steps for d in (s.start, s.end)})
    rows: list[tuple[date, list[int | None]]] = []
    for day in days:
        before = [_value(steps, day, end, stale, before=True) for steps, end, stale in columns]
        after = [_value(steps, day, end, stale, before=False) for steps, end, stale in columns]
        if before != after and any(v is not None for v in before):
            rows.append((day, before))
        if any(v is not None for v in after):
            rows.append((day, after))
    return rows


def _value(steps: Sequence[Step], day: date, end: str, stale: bool, *, before: bool):
    for s in steps:
        if (s.start < day <= s.end) if before else (s.start <= day < s.end):
            return (s.low if end == "low" else s.high) if s.stale == stale else None
    return None
