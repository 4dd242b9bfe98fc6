"""Rows of one source for one place and date in a DTM-style file: parts, copies or a clash.

A site list or baseline gives one count per row. Several rows for the same place, date and
source are:
- parts of one total when the file tells them apart (an origin area, a cause or crisis
  column, or count columns by cause such as +conflict and +disaster): they are added up into
  one figure whose value text shows the parts ("1,200 (Ouest) + 300 (Sud)");
- copies when they are equal in everything that is read: one is kept, the others counted;
- a clash when nothing tells them apart but their numbers differ: all of them are refused,
  since which one the source meant cannot be known.
One source is thus never set against itself as if it were two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispstats.model.table_cells import Checked, put

# What makes two lines the same figure but for their number.
_SAME_FIGURE = (
    "site_id",
    "indicator",
    "unit",
    "ref_start",
    "ref_end",
    "ref_precision",
    "source_id",
    "origin_site_id",
    "destination_site_id",
    "movement_status",
    "population_group",
    "sensitivity",
)
_ADDABLE = ("exact", "about")


@dataclass
class Combined:
    """What `combine_parts` did, for the import summary."""

    sums: int = 0  # figures made by adding parts
    summed_rows: int = 0
    copies: int = 0  # lines dropped as copies of another line
    examples: list[str] = field(default_factory=list)


def combine_parts(checked: Checked, good) -> Combined:
    """Add up the parts, drop the copies and refuse the clashes among the `good` lines (a
    boolean array over checked.frame); checked.frame is replaced by the result."""
    import numpy as np

    frame = checked.frame
    result = Combined()
    _show_parts(frame, good)
    keys = frame[list(_SAME_FIGURE)].astype(object).where(frame[list(_SAME_FIGURE)].notna(), "")
    shared = keys.duplicated(keep=False).to_numpy() & good
    if not shared.any():
        return result
    drop: list[int] = []
    groups = keys[shared].groupby(list(_SAME_FIGURE), sort=False).indices
    positions = np.flatnonzero(shared)
    for members in groups.values():
        lines = [int(positions[m]) for m in members]
        drop.extend(_combine_group(checked, frame, lines, result))
    if drop:
        checked.frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
    return result


def _show_parts(frame, good) -> None:
    """A line that is a part of a total says which part in its value text ("6,184,000
    (conflict)"): alone, it is that part, not the whole."""
    import numpy as np

    parts = frame["part"].to_numpy(dtype=object)
    values = frame["value_text"].to_numpy(dtype=object).copy()
    lows = frame["low"].to_numpy(dtype=object)
    for i in np.flatnonzero(good & (frame["part"].notna().to_numpy())):
        shown = values[i] if values[i] is not None else format(lows[i], ",")
        values[i] = f"{shown} ({parts[i]})"
    put(frame, "value_text", values)


def _combine_group(checked: Checked, frame, lines: list[int], result: Combined) -> list[int]:
    """Combine one group's lines in place; returns the lines to drop."""
    by_part: dict[object, int] = {}
    drop = []
    for line in lines:
        record = frame.iloc[line]
        part = record["part"]
        if part in by_part:
            first = frame.iloc[by_part[part]]
            if _same_number(first, record):
                drop.append(line)
                result.copies += 1
                continue
            _refuse_clash(checked, frame, lines, part)
            return []
        by_part[part] = line
    kept = [line for line in lines if line not in drop]
    if len(kept) < 2:
        return drop
    if None in by_part:
        checked.fail(
            [frame.iloc[line]["row"] for line in kept],
            "",
            "rows of one source for one place and date differ by origin or cause, but row "
            f"{frame.iloc[by_part[None]]['row']} gives none: is it the total or one more part? "
            "Fill in its origin or cause, or leave the total out",
        )
        return []
    records = [frame.iloc[line] for line in kept]
    if any(r["quantifier"] not in _ADDABLE for r in records):
        checked.fail(
            [r["row"] for r in records],
            "",
            "rows of one source for one place and date are parts of a total, but one of them "
            "is not a number that can be added ('more than', 'at most', a range or no number)",
        )
        return []
    _sum_into(frame, kept, records)
    result.sums += 1
    result.summed_rows += len(kept)
    if len(result.examples) < 3:
        rows = list(dict.fromkeys(str(r["row"]) for r in records))
        more = " ..." if len(rows) > 4 else ""
        result.examples.append(f"row{'s' * (len(rows) > 1)} {', '.join(rows[:4])}{more}")
    return drop + kept[1:]


def _same_number(a, b) -> bool:
    return (a["low"], a["high"], a["quantifier"]) == (b["low"], b["high"], b["quantifier"])


def _refuse_clash(checked: Checked, frame, lines: list[int], part) -> None:
    rows = [int(frame.iloc[line]["row"]) for line in lines]
    values = ", ".join(
        f"{frame.iloc[line]['low']:,} (row {frame.iloc[line]['row']})"
        for line in lines
        if frame.iloc[line]["part"] == part and frame.iloc[line]["low"] is not None
    )
    first = frame.iloc[lines[0]]
    what = f"{first['indicator']} of {first['site_id']} on {first['ref_start']}"
    checked.fail(
        rows,
        "",
        f"one source gives different numbers for the same {what} ({values}) and no column "
        "tells the rows apart (a sub-location #loc, an origin or a cause): keep the right "
        "row, or import the others from a file of their own source",
    )


def _sum_into(frame, kept: list[int], records) -> None:
    """Write the sum of the parts into the first line, with the parts as its value text."""
    low = sum(int(r["low"]) for r in records)
    high = sum(int(r["high"]) for r in records)
    about = any(r["quantifier"] == "about" for r in records)
    shown = " + ".join(str(r["value_text"]) for r in records)
    target = frame.index[kept[0]]
    frame.at[target, "low"] = low
    frame.at[target, "high"] = high
    frame.at[target, "quantifier"] = "about" if about else "exact"
    frame.at[target, "value_text"] = shown
