"""What a count column means, read from its hashtag's attributes through one table.

IOM DTM, IDMC, UNHCR and HDX HAPI files put one count per cell under tags such as
`#affected+idps+ind`. Each attribute says one thing (ATTRIBUTES): who is counted (+idps,
+refugees, +returnees ...: the population group), in which unit (+ind people, +hh households),
whether it is a stock or a flow (+stock; +newdisp new displacements over the period) and, for
a part of a figure, which part (+f, +m; +children, +age0_4; +conflict, +cause+disaster ...).
A column whose meaning is not certain is left out with the reason, never read as something
close.

    >>> count_meaning(parse_tag("#affected+idps+hh"))
    CountMeaning(indicator='population', unit='households', group='idps', part=())
    >>> count_meaning(parse_tag("#affected+idps+ind+f+age0_4")).part
    (('sex', 'female'), ('age', '0-4'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dispstats.errors import InputError
from dispstats.model.breakdown import AGE_WORDS, canonical
from dispstats.model.hashtags import parse_tag

# attribute -> (what it says, the value it gives). "group" None: displaced, group not stated.
ATTRIBUTES: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(("idps", "idp"), ("group", "idps")),
    **dict.fromkeys(("refugees", "refugee"), ("group", "refugees")),
    **dict.fromkeys(("asylum", "asylumseekers"), ("group", "asylum_seekers")),
    **dict.fromkeys(("returnees", "returnee"), ("group", "returnees")),
    **dict.fromkeys(("host", "hostcommunity"), ("group", "host_community")),
    "ooc": ("group", "others_of_concern"),
    "displaced": ("group", None),
    **dict.fromkeys(("ind", "individuals", "persons", "people"), ("unit", "people")),
    **dict.fromkeys(("hh", "households", "household"), ("unit", "households")),
    "stock": ("indicator", "population"),
    **dict.fromkeys(
        ("newdisp", "new", "internaldisp", "newdisplacement", "newdisplacements", "displacements"),
        ("indicator", "new_displacements"),
    ),
    "f": ("sex", "female"),
    "m": ("sex", "male"),
    "i": ("sex", "other"),
    **{word: ("age", word) for word in AGE_WORDS},
    **dict.fromkeys(("conflict", "violence"), ("cause", "conflict")),
    **dict.fromkeys(("disaster", "disasters", "drought", "flood", "floods"), ("cause", "disaster")),
    "cause": ("cause", None),
    # Describe the column without changing what it counts.
    **dict.fromkeys(("total", "num", "all", "affected"), ("none", None)),
}
# Returnees of one group: "+returnees+idps" counts IDPs who have come back.
RETURNEES_OF = {"idps": "idp_returnees", "refugees": "refugee_returnees"}
_AGE = re.compile(r"age_?(\d{1,3})_(\d{1,3}|plus)|age_?(\d{1,3})_?plus")
LEFT_OUT = {
    "disabled": "people with disabilities: a count dispstats does not store as a part",
}


@dataclass(frozen=True)
class CountMeaning:
    """The figure a count cell makes: its indicator, unit and population group, and, for a
    part of a figure, the part (((dimension, value), ...); () for a whole figure)."""

    indicator: str
    unit: str
    group: str | None = None
    part: tuple[tuple[str, str], ...] = ()

    @property
    def whole(self) -> tuple[str, str, str | None]:
        """What a part is a part of: the same indicator, unit and group, no part."""
        return (self.indicator, self.unit, self.group)


def count_meaning(column) -> CountMeaning | str:
    """The meaning of an #affected (or #population) column (a libhxl Column), or why it is
    left out."""
    said: dict[str, list[str | None]] = {}
    cause_words: list[str] = []
    after_cause = False
    for attribute in (a.lower() for a in column.attribute_list):
        if attribute in LEFT_OUT:
            return LEFT_OUT[attribute]
        if m := _AGE.fullmatch(attribute):
            said.setdefault("age", []).append(_age_of(m))
            continue
        role, value = ATTRIBUTES.get(attribute, ("cause_word" if after_cause else "unknown", None))
        if role == "unknown":
            said.setdefault("unknown_names", []).append(attribute)
            continue
        if role == "cause":
            after_cause = after_cause or value is None
            if value is not None:
                cause_words.insert(0, value) if not cause_words else cause_words.append(value)
            continue
        if role == "cause_word":
            cause_words.append(attribute)
            continue
        said.setdefault(role, []).append(value)
    return _meaning(said, cause_words, after_cause)


NO_GROUP_SAID = (
    "does not say who is counted: add +idps (displaced people), +returnees or +refugees, or "
    "give each row's group in a #meta+group+code column"
)


def _meaning(said: dict, cause_words: list[str], marked: bool) -> CountMeaning | str:
    if unknown := said.get("unknown_names"):
        return (
            f"+{unknown[0]} is not an attribute dispstats reads on a count: the column may be "
            "a part of another (tag it, or leave it out)"
        )
    units = set(said.get("unit", []))
    if len(units) > 1:
        return "says both individuals (+ind) and households (+hh): tag it with one of them"
    indicators = set(said.get("indicator", []))
    if len(indicators) > 1:
        return "says both a stock (+stock) and new displacements (+newdisp): tag it with one"
    groups = said.get("group", [])
    if not groups:
        return NO_GROUP_SAID
    group = _group(set(groups))
    if isinstance(group, tuple):
        return group[0]
    part: dict[str, str] = {}
    for dimension in ("sex", "age"):
        values = said.get(dimension, [])
        if len(values) > 1:
            return f"gives two values of {dimension} ({', '.join(values)}): which part is it?"
        if values:
            part[dimension] = values[0]
    if cause_words or marked:
        if not cause_words:
            return "says +cause but not which cause"
        try:
            part["cause"] = canonical("cause", " – ".join(cause_words))
        except InputError as exc:
            return exc.reason
    return CountMeaning(
        (indicators or {"population"}).pop(),
        (units or {"people"}).pop(),
        group,
        tuple((d, part[d]) for d in ("sex", "age", "cause") if d in part),
    )


def _group(groups: set[str | None]) -> str | tuple[str] | None:
    """The group named by the group attributes, or (why it is left out,)."""
    others = groups - {"returnees"}
    if "returnees" in groups and len(others) == 1 and (origin := others.pop()) in RETURNEES_OF:
        return RETURNEES_OF[origin]
    if len(groups) > 1:
        named = ", ".join(sorted(g or "displaced" for g in groups))
        return (f"names several population groups ({named}): tag it with one",)
    return groups.pop()


def _age_of(m: re.Match) -> str:
    if m.group(3):
        return f"{int(m.group(3))}+"
    low, high = m.group(1), m.group(2)
    return f"{int(low)}+" if high == "plus" else canonical("age", f"{low}-{high}")


# The attributes an export writes for each group and unit: count_meaning reads them back.
GROUP_ATTRIBUTES = {
    "idps": "idps",
    "refugees": "refugees",
    "asylum_seekers": "asylum",
    "returnees": "returnees",
    "idp_returnees": "returnees+idps",
    "refugee_returnees": "returnees+refugees",
    "host_community": "host",
    "others_of_concern": "ooc",
}
UNIT_ATTRIBUTES = {"people": "ind", "households": "hh"}
_SEX_ATTRIBUTES = {"female": "f", "male": "m", "other": "i"}
_WORD = re.compile(r"[a-z][a-z0-9_]*")


def part_tag(group: str | None, unit: str, key: tuple[tuple[str, str], ...]) -> str | None:
    """The standard wide hashtag of a part (#affected+idps+ind+f+age0_4), which count_meaning
    reads back as the same group, unit and part; None when HXL attributes cannot say it (an
    origin, a cause in the source's own words, a group not stated)."""
    if group not in GROUP_ATTRIBUTES or not key:
        return None
    attributes = [GROUP_ATTRIBUTES[group], UNIT_ATTRIBUTES[unit]]
    for dimension, value in key:
        if dimension == "sex":
            attributes.append(_SEX_ATTRIBUTES[value])
        elif dimension == "age":
            attributes.append(_age_attribute(value))
        elif dimension == "cause":
            words = value.split(" – ")
            if not all(_WORD.fullmatch(w) for w in words):
                return None
            attributes.append("+".join(["cause", *words]))
        else:
            return None
    tag = "#affected+" + "+".join(attributes)
    meaning = count_meaning(parse_tag(tag))
    if not isinstance(meaning, CountMeaning) or meaning.part != key:
        return None
    return tag


def _age_attribute(value: str) -> str:
    if value in AGE_WORDS:
        return value
    if value.endswith("+"):
        return f"age{value[:-1]}plus"
    low, high = value.split("-")
    return f"age{low}_{high}"
