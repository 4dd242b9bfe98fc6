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
from dispstats.model.columns import DATE_KEYS, IMPORT_PATTERNS, PROVENANCE_TAGS
from dispstats.model.hashtags import looks_like_hashtag_row, parse_tag

__all__ = ["REFERENCE_KEYS", "ColumnPlan", "Tag", "looks_like_hashtag_row", "parse_tag",
           "plan_columns", "plan_dates"]  # fmt: skip
from dispstats.model.count_tags import NO_GROUP_SAID, CountMeaning, count_meaning

# Attributes that mark a column as a second version of a field the file also gives plainly
# (HDX HAPI: #adm1+name+provider, the name as the data provider wrote it, beside #adm1+name).
SECONDARY = frozenset({"provider", "original", "orig", "old"})

# Columns whose values are the part of a figure a row gives (long layout): rows of one source,
# place and date that differ only in them are parts of one figure, never rival figures.
BREAKDOWN_TAGS = {
    "#gender": "sex",
    "#sex": "sex",
    "#age": "age",
    "#cause": "cause",
    "#crisis": "cause",
    "#event": "cause",
}
_ADMIN_TAGS = frozenset({"#country", "#adm0", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5"})


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
    # Position -> what a count column such as #affected+idps+ind holds.
    values: dict[int, CountMeaning] = field(default_factory=dict)
    # Position -> the dimension (sex, age, cause, origin) whose value a row's cell gives.
    breakdowns: dict[int, str] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    ignored: list[tuple[Tag, str]] = field(default_factory=list)

    def label(self, key_or_position: str | int) -> str:
        position = (
            self.fields[key_or_position] if isinstance(key_or_position, str) else key_or_position
        )
        return self.tags[position].text


def plan_columns(hashtags: Sequence[object], headers: Sequence[object] = ()) -> ColumnPlan:
    """Match a hashtag row to fields; raises InputError when a field is tagged twice alike.

    Malformed hashtags (an attribute starting with a digit) and tags no field uses are listed
    in `ignored` with the reason. Of two columns for one field, a plain one wins over a second
    version (#adm1+name over #adm1+name+provider); the other is listed.
    """
    import hxl.model

    patterns = [
        (key, hxl.model.TagPattern.parse(p)) for key, tags in IMPORT_PATTERNS.items() for p in tags
    ]
    plan = ColumnPlan()
    dates: list[tuple[Tag, frozenset[str]]] = []
    groupless: list = []  # count columns that name no group
    secondary: dict[str, bool] = {}  # field -> whether its column is a SECONDARY one
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
        attributes = frozenset(a.lower() for a in column.attributes)
        name = column.tag.lower()
        if column.get_display_tag(sort_attributes=True) in PROVENANCE_TAGS:
            plan.ignored.append((tag, "describes the exporting store (kept there, not copied)"))
        elif name == "#date":
            dates.append((tag, attributes))
        elif name == "#affected":
            meaning = count_meaning(column)
            if meaning == NO_GROUP_SAID:
                groupless.append((position, tag, column))
            elif isinstance(meaning, str):
                plan.ignored.append((tag, meaning))
            else:
                plan.values[position] = meaning
        elif "bool" in attributes:
            plan.ignored.append((tag, "a yes/no flag: neither a count nor a part of one"))
        elif dimension := _breakdown_dimension(name, attributes):
            plan.breakdowns[position] = dimension
        else:
            _match(plan, tag, column, patterns, secondary)
    plan_dates(plan, dates)
    _rows_say_the_group(plan, groupless)
    return plan


def _rows_say_the_group(plan: ColumnPlan, columns) -> None:
    """A count column naming no group (#affected+ind) counts the group each row's
    #meta+group+code cell names (HDX HAPI, UNHCR situations); without that column it is left
    out, since whom it counts is not known."""
    for position, tag, column in columns:
        if "population_group" not in plan.fields:
            plan.ignored.append((tag, NO_GROUP_SAID))
            continue
        # +displaced: of no group the column names (the row's cell gives it)
        meaning = count_meaning(parse_tag(f"{column}+displaced"))
        if isinstance(meaning, str):  # why it is left out
            plan.ignored.append((tag, meaning))
            continue
        plan.values[position] = meaning


def _breakdown_dimension(name: str, attributes: frozenset[str]) -> str | None:
    if name in _ADMIN_TAGS:
        return "origin" if "origin" in attributes else None
    if name in ("#operation", "#crisis", "#event") and attributes & {"status", "type", "date"}:
        return None
    if name == "#cause" and attributes & {"status", "date"}:
        return None
    return BREAKDOWN_TAGS.get(name)


def _match(plan: ColumnPlan, tag: Tag, column, patterns, is_secondary: dict) -> None:
    matches = [(len(p.include_attributes), key) for key, p in patterns if p.match(column)]
    if not matches:
        plan.ignored.append((tag, "no dispstats field uses this hashtag"))
        return
    best = max(n for n, _ in matches)
    keys = sorted({key for n, key in matches if n == best})
    if len(keys) > 1:
        raise InputError(
            f"column {tag.column}: {tag.text} could be {' or '.join(keys)}; add an attribute "
            "to say which",
            field=tag.text,
        )
    key = keys[0]
    secondary = bool({a.lower() for a in column.attributes} & SECONDARY)
    if key in plan.fields:
        first = plan.tags[plan.fields[key]]
        if secondary == is_secondary[key]:
            raise InputError(
                f"{tag.text} (column {tag.column}) and {first.text} (column {first.column}) "
                f"both give the {key.replace('_', ' ')}; keep one, or tag the other differently",
                field=tag.text,
            )
        kept, dropped = (first, tag) if secondary else (tag, first)
        plan.ignored.append((dropped, f"another column gives the {_words(key)}: {kept.label}"))
        if kept is first:
            return
    plan.fields[key], is_secondary[key] = tag.column - 1, secondary


def _words(key: str) -> str:
    return key.removeprefix("site_").replace("_", " ").replace("pcode", "p-code")


def plan_dates(plan: ColumnPlan, dates: list[tuple[Tag, frozenset[str]]]) -> None:
    """Choose the reference date among a file's #date columns; the others are listed.

    The reference is #date+reported; else a year and month pair (#date+year+reported with
    #date+month+reported) as a month; else a year (#date+year, as IDMC writes it); else a
    plain #date; else a period (#date+start and #date+end); else the only other date column.
    #date+published and #date+accessed describe the source.
    """
    kinds: dict[str, list[Tag]] = {}
    for tag, attributes in dates:
        for attribute, key in DATE_KEYS.items():
            if key in attributes:
                kinds.setdefault(attribute, []).append(tag)
                break
        else:
            if attributes & {"year", "month"}:
                kind = "ref_year" if "year" in attributes else "ref_month"
            elif attributes & {"start", "end"}:
                kind = "ref_start" if "start" in attributes else "ref_end"
            elif attributes == {"reported"}:
                kind = "reference"
            elif not attributes:
                kind = "plain"
            else:
                kind = "other"
            kinds.setdefault(kind, []).append(tag)
    for kind, tags in kinds.items():
        if len(tags) > 1 and kind != "other":
            raise InputError(
                f"{tags[0].label} and {tags[1].label} both give the "
                f"{kind.replace('_', ' ').replace('ref ', 'reference ')}; keep one",
                field=tags[1].text,
            )
    chosen = _reference_columns(kinds)
    left_out = []
    for kind, tags in kinds.items():
        for tag in tags:
            if kind in DATE_KEYS or kind in chosen:
                plan.fields[chosen.get(kind, kind)] = tag.column - 1
            else:
                left_out.append(tag)
    used = ", ".join(plan.tags[p].text for k, p in plan.fields.items() if k in REFERENCE_KEYS)
    for tag in left_out:
        reason = (
            f"another date, kept out of the figure: the reference date is {used}"
            if used
            else "a date that is not the reference date (#date+reported)"
        )
        plan.ignored.append((tag, reason))


# The fields a row's reference date is read from.
REFERENCE_KEYS = ("reference", "ref_year", "ref_month", "ref_start", "ref_end")


def _reference_columns(kinds: dict[str, list[Tag]]) -> dict[str, str]:
    """Kind of date column -> the field it fills, for the columns that give the reference."""
    if "reference" in kinds:
        chosen = {"reference": "reference"}
    elif "ref_year" in kinds:
        chosen = {"ref_year": "ref_year", "ref_month": "ref_month"}
    elif "plain" in kinds:
        chosen = {"plain": "reference"}
    elif "ref_start" in kinds or "ref_end" in kinds:
        return {"ref_start": "ref_start", "ref_end": "ref_end"}
    elif len(kinds.get("other", [])) == 1:
        chosen = {"other": "reference"}
    else:
        chosen = {}
    # A stated period start and end are checked against the reference, as export hxl writes.
    return {**chosen, "ref_start": "ref_start", "ref_end": "ref_end"}
