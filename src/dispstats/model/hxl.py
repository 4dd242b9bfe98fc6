"""Which column of an HXL-tagged table is which field, by the HXL standard's matching rules.

Hashtags are parsed and matched with libhxl (the standard's own library): case and attribute
order are ignored, and a column may carry attributes a pattern does not name ("#loc+code+camp"
is a site code). When several patterns match one column, the one naming the most attributes
wins ("#loc+code+dest" is a destination, not the site). Columns nothing matches are listed,
never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dispstats.errors import InputError
from dispstats.model.columns import IMPORT_PATTERNS, PROVENANCE_TAGS

# Attributes that make a count a part of the population, not its total (HXL core schema).
DISAGGREGATION = frozenset(
    {"f", "m", "i", "children", "adolescents", "adults", "elderly", "infants", "disabled"}
)


@dataclass(frozen=True)
class Tag:
    """One hashtag as written in the file, with its 1-based column number."""

    column: int
    text: str
    header: str = ""

    @property
    def label(self) -> str:
        return f"{self.text} (column {self.column})"


@dataclass
class ColumnPlan:
    """Where each field is (0-based position), which columns hold values, what was ignored."""

    fields: dict[str, int] = field(default_factory=dict)
    # Position -> (indicator, unit) for count columns such as #affected+idps+ind.
    values: dict[int, tuple[str, str]] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    ignored: list[tuple[Tag, str]] = field(default_factory=list)

    def label(self, key_or_position: str | int) -> str:
        position = (
            self.fields[key_or_position] if isinstance(key_or_position, str) else key_or_position
        )
        return self.tags[position].text


def parse_tag(text: str, column: int | None = None):
    """A libhxl Column for one hashtag; InputError naming the column when it is malformed."""
    import hxl.model

    try:
        return hxl.model.Column.parse(text.strip(), use_exception=True)
    except Exception:
        where = f"column {column}: " if column else ""
        raise InputError(
            f"{where}'{text.strip()}' is not an HXL hashtag: expected #name+attribute, where "
            "names and attributes start with a letter (e.g. #affected+idps+ind)",
            field="hashtag",
            value=text,
        ) from None


def looks_like_hashtag_row(cells: Sequence[object]) -> bool:
    """At least half of the non-empty cells start with '#', as libhxl counts a hashtag row."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return bool(texts) and sum(t.startswith("#") for t in texts) * 2 >= len(texts)


def plan_columns(hashtags: Sequence[object], headers: Sequence[object] = ()) -> ColumnPlan:
    """Match a hashtag row to fields; raises InputError when a field is tagged twice.

    Malformed hashtags (an attribute starting with a digit) and tags no field uses are listed
    in `ignored` with the reason.
    """
    import hxl.model

    patterns = [
        (key, hxl.model.TagPattern.parse(p)) for key, tags in IMPORT_PATTERNS.items() for p in tags
    ]
    plan = ColumnPlan()
    for position, raw in enumerate(hashtags):
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        header = str(headers[position]).strip() if position < len(headers) else ""
        tag = Tag(position + 1, text, header)
        plan.tags[position] = tag
        try:
            column = parse_tag(text, position + 1)
        except InputError as exc:
            plan.ignored.append((tag, exc.reason))
            continue
        if column.get_display_tag(sort_attributes=True) in PROVENANCE_TAGS:
            plan.ignored.append((tag, "describes the exporting store (kept there, not copied)"))
            continue
        matches = [(len(p.include_attributes), key) for key, p in patterns if p.match(column)]
        if not matches:
            plan.ignored.append((tag, "no dispstats field uses this hashtag"))
            continue
        best = max(n for n, _ in matches)
        keys = sorted({key for n, key in matches if n == best})
        if len(keys) > 1:
            raise InputError(
                f"column {position + 1}: {text} could be {' or '.join(keys)}; add an attribute "
                "to say which",
                field=text,
            )
        key = keys[0]
        if key.startswith("count:"):
            parts = column.attributes & DISAGGREGATION
            parts |= {a for a in column.attributes if a.startswith("age")}
            if parts:
                plan.ignored.append(
                    (tag, f"a disaggregated count (+{'+'.join(sorted(parts))}), not a total")
                )
                continue
        if key in plan.fields:
            first = plan.tags[plan.fields[key]]
            raise InputError(
                f"{text} (column {position + 1}) and {first.text} (column {first.column}) "
                f"both give the {key.replace('_', ' ')}; keep one, or tag the other differently",
                field=text,
            )
        plan.fields[key] = position
        if key.startswith("count:"):
            _, indicator, unit, _ = key.split(":")
            plan.values[position] = (indicator, unit)
    return plan
