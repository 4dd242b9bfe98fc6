"""Lines of one source for one place, date and series in a DTM-style file: one figure with
its parts, copies, or a clash.

A file gives parts of a figure in columns (#affected+idps+ind+f beside #affected+idps+ind) or
in rows (one row per #gender, #age+range, #cause+type or origin area, with "all" for the
total). The lines of one source, place, date and series (table_figures.read_figures) are:
- one figure with its parts: the line of the whole figure keeps its value, and the parts go
  with it (model/breakdown.py), never added to it; without a whole, the figure is the sum of
  one breakdown's parts, and its value text says so ("534 (sum of 2 parts by cause)");
- copies, when two lines give the same part (or the whole) with the same number: one is kept;
- a clash, when they give different numbers for the same part and nothing tells them apart:
  all are refused, since which one the source meant cannot be known.
One source is thus never set against itself as if it were two. A row's origin or cause that
splits no figure anywhere in the file (one row per place) is no part: it may be the place's
main origin or cause, not that of everyone counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dispstats.errors import InputError
from dispstats.model.breakdown import (
    Part,
    breakdowns,
    check_parts,
    covers,
    merged_key,
    part_problems,
    parts_from_text,
    parts_text,
)
from dispstats.model.table_cells import Checked, put

# What makes two lines the same figure but for their number and part.
SAME_FIGURE = (
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

# The areas a row's place lies in: rows added up as one place's parts must agree on them.
AREA_KEYS = ("site_country_iso3", "site_admin1_pcode", "site_admin1_name", "site_admin2_pcode",
             "site_admin2_name", "admin3_pcode")  # fmt: skip

# Dimensions a row may give as the main value of its place (DTM lists give each place's
# majority origin, its "main reason for displacement"), not as the value of all it counts.
MAIN_VALUE_DIMENSIONS = frozenset({"origin", "cause"})


@dataclass
class Combined:
    """What `combine_parts` did, for the import summary."""

    with_parts: int = 0  # figures given parts
    sums: int = 0  # figures made by adding their parts (no whole given)
    copies: int = 0  # lines dropped as copies of another line
    copied_rows: set[int] = field(default_factory=set)  # the file rows they came from
    problems: list[str] = field(default_factory=list)  # parts that do not add up
    examples: list[str] = field(default_factory=list)
    split: set[str] = field(default_factory=set)  # dimensions the file's rows split figures by
    unsplit: set[str] = field(default_factory=set)  # one value per place: made no part
    summed: int = 0  # figures that are the sum of several rows (--sum-rows)


@dataclass(frozen=True)
class RowsRule:
    """How rows of one figure that are not parts of it are read.

    `cells(row)`: what file row `row` holds, as a value equal for rows of equal cells (only
    then is one a copy of the other); `apart(rows)`: the columns in which rows differ, named
    in a refusal; `sum_rows`: the analyst says such rows are parts of the place they name
    (villages of a commune)."""

    cells: Callable[[int], object] = lambda _row: None
    apart: Callable[[list[int]], list[str]] = lambda _rows: []
    sum_rows: bool = False


def combine_parts(checked: Checked, good, rule: RowsRule = RowsRule()) -> Combined:
    """Make each figure of the `good` lines (a boolean array over checked.frame) with its
    parts; checked.frame is replaced by one line per figure, its parts as stored text."""
    import numpy as np

    frame = checked.frame
    result = Combined()
    keys = frame[list(SAME_FIGURE)].astype(object).where(frame[list(SAME_FIGURE)].notna(), "")
    has_part = np.array([bool(k) for k in frame["part_key"]], dtype=bool)
    grouped = (keys.duplicated(keep=False).to_numpy() | has_part) & good
    if not grouped.any():
        return result
    drop: list[int] = []
    positions = np.flatnonzero(grouped)
    groups = [
        [int(positions[m]) for m in members]
        for members in keys[grouped].groupby(list(SAME_FIGURE), sort=False).indices.values()
    ]
    result.split = _split_dimensions(frame, groups)
    view = _Lines(frame)
    for lines in groups:
        drop.extend(_one_figure(checked, view, lines, result, rule))
    if drop:
        checked.frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
    return result


def _split_dimensions(frame, groups: list[list[int]]) -> set[str]:
    """The dimensions by which some figure of the file has rows of differing values."""
    split: set[str] = set()
    for lines in groups:
        keys = {frame["row_key"].iat[i] or () for i in lines}
        if len(keys) > 1:
            for dimension in {d for key in keys for d, _ in key}:
                if len({dict(key).get(dimension) for key in keys}) > 1:
                    split.add(dimension)
    return split


def _one_figure(
    checked: Checked, frame, lines: list[int], result: Combined, rule: RowsRule
) -> list[int]:
    """Make one group's figure in its whole line (or first line); returns the lines to drop."""
    common = _common_key(frame, lines)
    told = tuple(p for p in common if p[0] in result.split or p[0] not in MAIN_VALUE_DIMENSIONS)
    result.unsplit.update(d for d, v in common if (d, v) not in told)
    found = _lines_by_part(checked, frame, lines, common, result=result, rule=rule)
    if found is None:
        return []
    by_key, drop = found
    whole = by_key.pop((), None)
    if not by_key and not told:
        return drop
    parts = []
    for key, line in by_key.items():
        q = (frame["low"].iat[line], frame["high"].iat[line], frame["quantifier"].iat[line])
        if q[0] is None or q[0] != q[1] or q[2] not in ("exact", "about"):
            checked.fail([frame["row"].iat[line]], "", "a part of a figure is one number, not "
                         "a range, 'more than' or no number")  # fmt: skip
            return []
        parts.append(Part(key, int(q[0])))
    target = whole if whole is not None else min(by_key.values())
    # Without a whole, the rows' own counts (each row the figure of its origin, sex ...) add up
    # to it; a part column of those rows is a cross-part, never a second total.
    rows_own = {
        key
        for key, line in by_key.items()
        if _without(frame["row_key"].iat[line] or (), common) == key
    }
    if whole is None and not _sum_into(
        checked, frame, target, parts, lines=lines, rows_own=rows_own
    ):
        return []
    if whole is None:
        result.sums += 1
    if told and frame["low"].iat[target] == frame["high"].iat[target]:
        # The rows' own breakdown cells (one origin for all) are a part as large as the whole.
        parts.append(Part(told, int(frame["low"].iat[target])))
    kept = [target, *(line for line in by_key.values() if line != target)]
    try:
        parts = list(check_parts(parts + _column_parts(frame, kept, common)))
    except InputError as exc:
        checked.fail([frame["row"].iat[i] for i in lines], "", exc.reason)
        return []
    put_at(frame, target, "parts", parts_text(parts))
    result.with_parts += 1
    _note_problems(frame, target, parts, result)
    if len(result.examples) < 3:
        rows = list(dict.fromkeys(str(frame["row"].iat[i]) for i in lines))
        more = " ..." if len(rows) > 4 else ""
        result.examples.append(f"row{'s' * (len(rows) > 1)} {', '.join(rows[:4])}{more}")
    return drop + [line for line in by_key.values() if line != target]


def _lines_by_part(checked: Checked, frame, lines: list[int], common: tuple, *, result: Combined,
                   rule: RowsRule) -> tuple[dict[tuple, int], list[int]] | None:  # fmt: skip
    """The line of each part (and of the whole, key ()) and the lines to drop: copies (the
    same number in a row of the same cells), and rows added into another (--sum-rows). None
    when the rows clash (refused)."""
    by_key: dict[tuple, int] = {}
    added: dict[tuple, list[int]] = {}
    seen: set[tuple] = set()  # (part, number, cells) of the lines kept
    drop = []
    for line in lines:
        key = _without(frame["part_key"].iat[line] or (), common)
        said = (key, *(frame[k].iat[line] for k in ("low", "high", "quantifier")),
                rule.cells(int(frame["row"].iat[line])))  # fmt: skip
        if said in seen:
            drop.append(line)
            result.copies += 1
            result.copied_rows.add(int(frame["row"].iat[line]))
            continue
        seen.add(said)
        if key in by_key:
            if rule.sum_rows:
                added.setdefault(key, [by_key[key]]).append(line)
                continue
            _refuse_clash(checked, frame, lines, key, rule)
            return None
        by_key[key] = line
    if added and not _add_rows(checked, frame, added, result):
        return None
    drop.extend(line for extra in added.values() for line in extra[1:])
    return by_key, drop


def _column_parts(frame, lines: list[int], common: tuple) -> list[Part]:
    """The parts a line's count columns gave (#affected+idps+ind+f in a file of one figure per
    row), each keyed by the line's own row cells too: a female part of the Borno row is the
    part "female, origin Borno" of the figure."""
    if "parts" not in frame.columns:
        return []
    found = []
    for line in lines:
        own = _without(frame["row_key"].iat[line] or (), common)
        for part in parts_from_text(frame["parts"].iat[line]):
            key = merged_key(part.key, own)
            if key is None:
                raise InputError(
                    f"the part '{part.label}' and its row's breakdown cell give one dimension"
                )
            found.append(Part(key, part.value))
    return found


def _common_key(frame, lines: list[int]) -> tuple:
    """The breakdown cells every row of the figure shares: an origin given once for the whole
    figure (one row, or rows by sex and age of one origin), which is a part as large as the
    figure; () when its rows split every dimension they give."""
    row_keys = [frame["row_key"].iat[i] or () for i in lines]
    shared = set(row_keys[0]).intersection(*row_keys[1:])
    return tuple(pair for pair in row_keys[0] if pair in shared)


def _without(key: tuple, common: tuple) -> tuple:
    return tuple(pair for pair in key if pair not in common)


def _sum_into(
    checked: Checked, frame, target: int, parts: list[Part], *, lines, rows_own: set
) -> bool:
    """Without a whole, the figure is the sum of one breakdown: the rows' own counts, else the
    only breakdown, else the one that covers its dimension; False (rows refused) when that is
    not known."""
    found = breakdowns(parts)
    whole = [g for d, g in found.items() if covers(d, g)]
    own = [p for p in parts if p.key in rows_own]
    chosen = own or (
        next(iter(found.values())) if len(found) == 1 else (whole[0] if whole else None)
    )
    if chosen is None:
        checked.fail(
            [frame["row"].iat[i] for i in lines],
            "",
            "parts of several breakdowns and no total: which one adds up to the figure is not "
            "known; add the total column (or row)",
        )
        return False
    low = sum(p.value for p in chosen)
    about = any(frame["quantifier"].iat[i] == "about" for i in lines)
    by = " and ".join(chosen[0].dimensions)
    count = len(chosen)
    text = f"{low:,} (sum of {count} part{'s' * (count != 1)} by {by})"
    for key, value in (("low", low), ("high", low), ("quantifier", "about" if about else "exact"),
                       ("value_text", text)):  # fmt: skip
        put_at(frame, target, key, value)
    return True


def _note_problems(frame, target: int, parts: list[Part], result: Combined) -> None:
    low, high = frame["low"].iat[target], frame["high"].iat[target]
    for problem in part_problems(low, high, frame["quantifier"].iat[target], parts):
        if len(result.problems) < 5:
            what = "more" if problem.kind == "exceed" else "less"
            result.problems.append(
                f"row {frame['row'].iat[target]}: parts by {' and '.join(problem.dimensions)} "
                f"add up to {problem.total:,}, {what} than {frame['low'].iat[target]:,}"
            )
        else:
            result.problems.append("")


def put_at(frame, line: int, key: str, value) -> None:
    if isinstance(frame, _Lines):
        frame.put(line, key, value)
        return
    if key not in frame.columns:
        put(frame, key, None)
    frame.at[frame.index[line], key] = value


class _Column:
    """One column of `_Lines`: `.iat[i]` reads its array (as a pandas column's does)."""

    __slots__ = ("iat",)

    def __init__(self, values) -> None:
        self.iat = values


class _Lines:
    """A frame's columns as arrays, read cell by cell at array speed (a pandas `.iat` per
    cell costs a microsecond or more, and a figure's lines are read many times); writes go to
    the frame as well."""

    def __init__(self, frame) -> None:
        self.frame = frame
        self._columns: dict[str, _Column] = {}

    @property
    def columns(self):
        return self.frame.columns

    def __getitem__(self, key: str) -> _Column:
        if key not in self._columns:
            self._columns[key] = _Column(self.frame[key].to_numpy(dtype=object).copy())
        return self._columns[key]

    def put(self, line: int, key: str, value) -> None:
        if key not in self.frame.columns:
            put(self.frame, key, None)
        self.frame.at[self.frame.index[line], key] = value
        if key in self._columns:
            self._columns[key].iat[line] = value


def _same_number(frame, a: int, b: int) -> bool:
    return all(frame[k].iat[a] == frame[k].iat[b] for k in ("low", "high", "quantifier"))


def _add_rows(checked: Checked, frame, added: dict[tuple, list[int]], result: Combined) -> bool:
    """--sum-rows: each part (or the whole) given by several rows is their sum, and its value
    text names the rows; False (rows refused) when one of them is not a single number."""
    for lines in added.values():
        rows = [int(frame["row"].iat[i]) for i in lines]
        areas = [
            k for k in AREA_KEYS
            if k in frame.columns and len({frame[k].iat[i] for i in lines} - {None}) > 1
        ]  # fmt: skip
        if areas:
            checked.fail(rows, "", "--sum-rows: the rows name one place within different areas "
                         f"({', '.join(areas)}): the file contradicts itself; keep the right "
                         "rows")  # fmt: skip
            return False
        if any(frame["low"].iat[i] is None or frame["low"].iat[i] != frame["high"].iat[i]
               or frame["quantifier"].iat[i] not in ("exact", "about") for i in lines):  # fmt: skip
            checked.fail(rows, "", "--sum-rows adds up single numbers, not ranges, 'more "
                         "than' or empty counts")  # fmt: skip
            return False
        total = sum(int(frame["low"].iat[i]) for i in lines)
        about = any(frame["quantifier"].iat[i] == "about" for i in lines)
        text = f"{total:,} (sum of {len(rows)} rows of the file: {row_ranges(rows)})"
        for key, value in (("low", total), ("high", total), ("value_text", text),
                           ("quantifier", "about" if about else "exact")):  # fmt: skip
            put_at(frame, lines[0], key, value)
        result.summed += 1
    return True


def row_ranges(rows: list[int]) -> str:
    """'4, 8-10, 16' for rows 4, 8, 9, 10, 16."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _refuse_clash(checked: Checked, frame, lines: list[int], key: tuple, rule: RowsRule) -> None:
    rows = [int(frame["row"].iat[line]) for line in lines]
    given = [
        f"{frame['low'].iat[line]:,} (row {frame['row'].iat[line]})"
        for line in lines
        if (frame["part_key"].iat[line] or ()) == key and frame["low"].iat[line] is not None
    ]
    values = ", ".join(given[:5]) + (f" and {len(given) - 5} more" if len(given) > 5 else "")
    first = lines[0]
    what = f"{frame['indicator'].iat[first]} of {frame['site_id'].iat[first]} on "
    what += str(frame["ref_start"].iat[first])
    part = f" (part {', '.join(v for _, v in key)})" if key else ""
    apart = rule.apart(rows)
    places = [a for a in apart if a.startswith(("#adm", "#country", "#loc"))]
    if places:
        checked.fail(rows, "", f"one source gives different numbers for the same {what}{part} "
                     f"({values}) and places it in different areas ({', '.join(places)}): the "
                     "file contradicts itself; keep the right row")  # fmt: skip
        return
    said = f"the rows differ in {', '.join(apart)}" if apart else "nothing else in them differs"
    checked.fail(
        rows,
        "",
        f"one source gives different numbers for the same {what}{part} ({values}): {said}. "
        "If the rows are places within it, tag the column that names them "
        '(--tag "COLUMN=#loc+code"), or add them up as its parts with --sum-rows; if they are '
        "rival reports, keep the right row or import the others as their own source",
    )
