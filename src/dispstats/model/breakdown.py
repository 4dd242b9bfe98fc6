"""Parts of a figure: its breakdown by sex, age, cause and origin, and cross-tabulations of them.

A part belongs to one figure version and is keyed by its value on each dimension it splits:

    >>> Part.of({"sex": "female"}, 23_400).label
    'female'
    >>> Part.of({"sex": "f", "age": "0-4"}, 1_200).key
    (('sex', 'female'), ('age', '0-4'))

Parts are never figures: they are not estimated, added into totals or set against other
sources. What they must satisfy is checked here (`part_problems`): the parts of one dimension
never exceed their figure, and parts that cover their dimension (female and male; ages from 0
with no gap to an open end) add up to it within rounding. Both are findings, not refusals:
a source's table is kept as published.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from dispstats.errors import InputError

DIMENSIONS = ("sex", "age", "cause", "origin")
SEXES = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other",
         "i": "other"}  # fmt: skip
# HXL's broad age groups, youngest first; those under 18 are children when shares are shown.
AGE_WORDS = ("infants", "children", "adolescents", "adults", "elderly")
CHILD_WORDS = frozenset({"infants", "children", "adolescents"})
# Broad causes; a source's finer words follow the broad one ("conflict – insurgency").
CAUSES = ("conflict", "disaster", "other")
CAUSE_WORDS = {
    "natural_disaster": "disaster",
    "natural_disasters": "disaster",
    "disasters": "disaster",
    "violence": "conflict",
    "conflicts": "conflict",
}
SUB_CAUSE = " – "
_RANGE = re.compile(r"(?:age\s*)?(\d{1,3})\s*(?:-|–|—|_|to)\s*(\d{1,3})")
_OPEN = re.compile(r"(?:age\s*)?(\d{1,3})\s*(?:\+|_?plus|\s+and\s+(?:over|older|above))")
_UNDER = re.compile(r"(?:under|below|<)\s*(\d{1,3})")
MAX_TEXT = 200


@dataclass(frozen=True, order=True)
class Part:
    """One cell of a figure's breakdown: ((dimension, value), ...) in DIMENSIONS order."""

    key: tuple[tuple[str, str], ...]
    value: int

    @classmethod
    def of(cls, values: Mapping[str, str], value: int) -> Part:
        """A part from {dimension: value} in any spelling this module reads; InputError
        names what is wrong."""
        if not values:
            raise InputError("a part needs a dimension (sex, age, cause or origin)", field="part")
        unknown = sorted(set(values) - set(DIMENSIONS))
        if unknown:
            raise InputError(
                f"'{unknown[0]}' is not a dimension: expected {', '.join(DIMENSIONS)}",
                field="part",
                value=unknown[0],
            )
        if type(value) is not int or value < 0:
            raise InputError(
                f"a part is a whole number of 0 or more, not '{value}'", field="part", value=value
            )
        key = tuple((d, canonical(d, values[d])) for d in DIMENSIONS if d in values)
        return cls(key, value)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(d for d, _ in self.key)

    def get(self, dimension: str) -> str | None:
        return next((v for d, v in self.key if d == dimension), None)

    @property
    def label(self) -> str:
        """ "female", "female, 0-4", "conflict – insurgency", "Borno": the values, joined."""
        return ", ".join(v for _, v in self.key)

    @property
    def spelled(self) -> str:
        """ "sex female, age 0-4": each value with its dimension, as `parse_part` reads it."""
        return ", ".join(f"{d} {v}" for d, v in self.key)


def canonical(dimension: str, text: object) -> str:
    """A dimension's value in one spelling: sexes as female/male/other, ages as "0-4",
    "60+" or an HXL word, causes lower-case with the source's finer words after a dash,
    origins as written (trimmed)."""
    raw = " ".join(str(text or "").split())
    if not raw:
        raise InputError(f"no {dimension} given for a part", field="part")
    if len(raw) > MAX_TEXT:
        raise InputError(f"a part's {dimension} is longer than {MAX_TEXT} characters",
                         field="part", value=raw[:40] + "…")  # fmt: skip
    if dimension == "sex":
        key = raw.lower().removesuffix("s")
        if key in SEXES or raw.lower() in SEXES:
            return SEXES.get(key) or SEXES[raw.lower()]
        raise InputError(f"'{raw}' is not a sex: expected female, male or other",
                         field="part", value=raw)  # fmt: skip
    if dimension == "age":
        return _age(raw)
    if dimension == "cause":
        return _cause(raw)
    return raw


def _age(raw: str) -> str:
    text = raw.lower().strip()
    if text in AGE_WORDS:
        return text
    if m := _RANGE.fullmatch(text):
        low, high = int(m.group(1)), int(m.group(2))
        if low > high:
            raise InputError(f"'{raw}' is not an age range: low > high", field="part", value=raw)
        return f"{low}-{high}"
    if m := _OPEN.fullmatch(text):
        return f"{int(m.group(1))}+"
    if (m := _UNDER.fullmatch(text)) and int(m.group(1)) > 0:
        return f"0-{int(m.group(1)) - 1}"
    raise InputError(
        f"'{raw}' is not an age: expected a range (0-4, 18-59), an open end (60+) or "
        f"{', '.join(AGE_WORDS)}",
        field="part",
        value=raw,
    )


def _cause(raw: str) -> str:
    words = [w.strip() for w in re.split(r"\s+[–—-]\s+|:", raw) if w.strip()]
    first = "_".join(words[0].lower().split())
    broad = CAUSE_WORDS.get(first, first)
    if broad in CAUSES:
        return SUB_CAUSE.join([broad, *(w.lower() for w in words[1:])])
    return raw  # the source's own words for a cause or crisis ("Hurricane Matthew")


def age_span(value: str) -> tuple[int, int | None] | None:
    """(first year, last year or None for an open end) of an age range; None for a word."""
    if m := re.fullmatch(r"(\d+)-(\d+)", value):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+)\+", value):
        return int(m.group(1)), None
    return None


def is_child(age: str) -> bool:
    """Whether an age value lies wholly under 18."""
    span = age_span(age)
    return age in CHILD_WORDS if span is None else span[1] is not None and span[1] < 18


# --- typed and stored forms -----------------------------------------------------------------------


def parse_part(text: str) -> Part:
    """A part as typed: "female=23,400", "age 0-17=24,000", "sex female, age 0-4=1,200",
    "cause conflict – insurgency=534", "origin Borno=120,000". A value names its dimension
    when it can only be one (female, 0-17, 60+, children, conflict); an origin always says so.
    """
    from dispstats.model.parse import parse_quantity

    left, equals, number = str(text).rpartition("=")
    if not equals or not left.strip():
        raise InputError(
            f"'{text}' is not a part: write it as WHAT=NUMBER, e.g. female=23,400, "
            "'age 0-17=24,000', 'sex female, age 0-4=1,200' or 'origin Borno=800'",
            field="part",
            value=text,
        )
    quantity, _ = parse_quantity(number.strip(), "part")
    if quantity.quantifier != "exact" or quantity.low is None or quantity.low != quantity.high:
        raise InputError(f"a part is one whole number: '{number.strip()}' is not",
                         field="part", value=text)  # fmt: skip
    values: dict[str, str] = {}
    for piece in (p.strip() for p in left.split(",")):
        dimension, value = _dimension_of(piece, text)
        if dimension in values:
            raise InputError(f"'{text}' gives the {dimension} twice", field="part", value=text)
        values[dimension] = value
    return Part.of(values, quantity.low)


def _dimension_of(piece: str, text: str) -> tuple[str, str]:
    head, _, rest = piece.partition(" ")
    if head.lower().rstrip(":") in DIMENSIONS and rest.strip():
        return head.lower().rstrip(":"), rest.strip()
    name, colon, value = piece.partition(":")
    if colon and name.strip().lower() in DIMENSIONS:
        return name.strip().lower(), value.strip()
    for dimension in ("sex", "age", "cause"):
        try:
            canonical(dimension, piece)
        except InputError:
            continue
        if dimension != "cause" or piece.split()[0].lower() in (*CAUSES, *CAUSE_WORDS):
            return dimension, piece
    raise InputError(
        f"which dimension is '{piece}' in the part '{text}'? Say it first: 'sex {piece}', "
        f"'age {piece}', 'cause {piece}' or 'origin {piece}'",
        field="part",
        value=text,
    )


def parts_text(parts: Sequence[Part]) -> str | None:
    """The stored form: canonical JSON, [[{"age": "0-4", "sex": "female"}, 1200], ...] sorted,
    so that two equal breakdowns store the same text; None for no parts."""
    if not parts:
        return None
    rows = [[dict(p.key), p.value] for p in sorted(parts)]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parts_from_text(text: str | None) -> tuple[Part, ...]:
    """The parts of a stored form (see parts_text); () for None."""
    if not text:
        return ()
    parts = (
        Part(tuple((d, values[d]) for d in DIMENSIONS if d in values), int(value))
        for values, value in json.loads(text)
    )
    return tuple(sorted(parts, key=sort_key))


def merged_key(first: tuple, second: tuple | None) -> tuple | None:
    """Two part keys as one, in dimension order; None when both give one dimension."""
    second = second or ()
    if {d for d, _ in first} & {d for d, _ in second}:
        return None
    given = dict(first) | dict(second)
    return tuple((d, given[d]) for d in DIMENSIONS if d in given)


def check_parts(parts: Iterable[Part]) -> tuple[Part, ...]:
    """The parts sorted, refusing two parts with the same key."""
    parts = list(parts)
    seen: set[tuple] = set()
    for part in parts:
        if part.key in seen:
            raise InputError(f"the part '{part.label}' is given twice", field="part",
                             value=part.label)  # fmt: skip
        seen.add(part.key)
    return tuple(sorted(parts, key=sort_key))


def sort_key(part: Part) -> tuple:
    """Parts in reading order: dimensions in DIMENSIONS order, ages youngest first."""
    out = []
    for dimension, value in part.key:
        if dimension == "age":
            span = age_span(value)
            order = (0, span[0]) if span else (1, AGE_WORDS.index(value))
        elif dimension == "sex":
            order = (0, ("female", "male", "other").index(value))
        elif dimension == "cause":
            head = value.split(SUB_CAUSE)[0]
            order = (0, CAUSES.index(head)) if head in CAUSES else (1, 0)
        else:
            order = (0, 0)
        out.append((DIMENSIONS.index(dimension), order, value.casefold()))
    return (len(part.key), tuple(out))


# --- what parts must satisfy ----------------------------------------------------------------------


def breakdowns(parts: Iterable[Part]) -> dict[tuple[str, ...], list[Part]]:
    """The parts grouped by the dimensions they split (one breakdown each), in order."""
    groups: dict[tuple[str, ...], list[Part]] = defaultdict(list)
    for part in sorted(parts, key=sort_key):
        groups[part.dimensions].append(part)
    return dict(groups)


def covers(dimensions: Sequence[str], parts: Sequence[Part]) -> bool:
    """Whether the parts cover their dimensions whole: both sexes, ages from 0 to an open
    end with no gap (or children, adults and elderly), every combination of a cross-table.
    Causes and origins are never known to be whole."""
    values = {d: {p.get(d) for p in parts} for d in dimensions}
    if any(not _whole(d, v) for d, v in values.items()):
        return False
    cells = 1
    for v in values.values():
        cells *= len(v)
    return len({p.key for p in parts}) == cells


def _whole(dimension: str, values: set[str | None]) -> bool:
    if dimension == "sex":
        return {"female", "male"} <= values
    if dimension != "age":
        return False
    words = {v for v in values if v and age_span(v) is None}
    if words:
        return len(words) == len(values) and words in (
            {"children", "adults"},
            {"children", "adults", "elderly"},
        )
    spans = sorted(span for v in values if v and (span := age_span(v)) is not None)
    if not spans or spans[0][0] != 0 or spans[-1][1] is not None:
        return False
    return all(a[1] is not None and b[0] == a[1] + 1 for a, b in pairwise(spans))


@dataclass(frozen=True)
class PartProblem:
    """Parts that do not square with their figure: `kind` is "exceed" (the parts of one
    breakdown add up to more than the figure) or "short" (parts that cover their dimension
    add up to less)."""

    kind: str
    dimensions: tuple[str, ...]
    total: int
    low: int
    high: int


def part_problems(low: int | None, high: int | None, quantifier: str,
                  parts: Sequence[Part]) -> list[PartProblem]:  # fmt: skip
    """What is wrong with a figure's parts against its value (low-high), within rounding."""
    if low is None or high is None or not parts:
        return []
    found = []
    for dimensions, group in breakdowns(parts).items():
        total = sum(p.value for p in group)
        slack = rounding(group, high, quantifier)
        ceiling = float("inf") if quantifier in ("at_least", "more_than") else high
        if total > ceiling + slack:
            found.append(PartProblem("exceed", dimensions, total, low, high))
        elif (
            covers(dimensions, group)
            and quantifier not in ("at_most", "fewer_than")
            and (total < low - slack)
        ):
            found.append(PartProblem("short", dimensions, total, low, high))
    return found


def rounding(parts: Sequence[Part], high: int, quantifier: str) -> int:
    """How far parts may be from their figure and still add up: half the step each part
    was rounded to (23,400 to the hundred), once per part; 1% more for an approximate
    figure."""
    step = 1
    nonzero = [p.value for p in parts if p.value]
    for power in (1000, 100, 10):
        if nonzero and all(v % power == 0 for v in nonzero):
            step = power
            break
    slack = max(len(parts) * step // 2, len(parts) if step == 1 else 0)
    if quantifier != "exact":
        slack = max(slack, high // 100)
    return slack


# --- shares and small cells -----------------------------------------------------------------------


def suppressed(parts: Sequence[Part], threshold: int, total: int | None = None) -> set[Part]:
    """The parts a public output must not show: those from 1 to threshold - 1, and as many
    others as it takes so that none can be worked out by subtraction from a total that is
    shown (the figure, for parts that cover their dimension; a one-way breakdown, for the rows
    of a cross-table)."""
    hidden = {p for p in parts if 0 < p.value < threshold}
    if not hidden:
        return hidden
    groups = breakdowns(parts)
    known: list[list[Part]] = []
    for dimensions, group in groups.items():
        if total is not None and covers(dimensions, group):
            known.append(group)
        for d in dimensions if len(dimensions) > 1 else ():
            margins = {p.get(d) for p in groups.get((d,), [])}
            for value in margins:
                known.append([p for p in group if p.get(d) == value])
    changed = True
    while changed:
        changed = False
        for group in known:
            shown = [p for p in group if p not in hidden]
            if len(group) - len(shown) == 1 and shown:
                hidden.add(min(shown, key=lambda p: (p.value, sort_key(p))))
                changed = True
    return hidden


@dataclass(frozen=True)
class Share:
    """A part's share of its figure for a reader: None where the part is suppressed."""

    part: Part
    share: float | None


def children_share(parts: Sequence[Part], total: int) -> float | None:
    """The share of children (ages wholly under 18) when the age breakdown covers all ages."""
    ages = [p for p in parts if p.dimensions == ("age",)]
    if not total or not ages or not covers(("age",), ages):
        return None
    return sum(p.value for p in ages if is_child(p.get("age") or "")) / total
