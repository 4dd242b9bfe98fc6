"""What a count column of a DTM-style file holds, read from its hashtag's attributes.

IOM DTM, IDMC, UNHCR and HDX HAPI files put one count per cell under tags such as
`#affected+idps+ind`. The attributes say who is counted (+idps, +returnees, +refugees), in
which unit (+ind people, +hh households), whether it is a stock or a flow (+stock, +newdisp)
and, for parts of a total, by what (+conflict, +disaster; +f, +children, +age...). A column
whose meaning is not a total that dispstats stores is left out with the reason, never read as
something close.

    >>> count_meaning(parse("#affected+idps+hh"))
    CountMeaning(indicator='households', unit='households', part=None, group=None)
    >>> count_meaning(parse("#affected+idps+ind+newdisp+conflict"))
    'new displacements during the period (a flow with no origin or destination): ...'
"""

from __future__ import annotations

from dataclasses import dataclass

# Attributes that make a count a part of the population by sex or age, not its total.
DISAGGREGATION = frozenset(
    {"f", "m", "i", "children", "adolescents", "adults", "elderly", "infants", "disabled"}
)
# Attributes that make a count a part of a total by cause: the parts of one row are added up.
CAUSES = frozenset({"conflict", "disaster", "violence", "drought", "flood", "floods"})
PEOPLE = frozenset({"ind", "individuals", "persons", "people"})
HOUSEHOLDS = frozenset({"hh", "households", "household"})
# Counts of an event during the period, not of who is there: dispstats has no indicator for them.
NEW_DISPLACEMENT = frozenset({"newdisp", "new", "newdisplacement", "displacements"})


@dataclass(frozen=True)
class CountMeaning:
    """The figure a count cell makes: indicator and unit, the part of a total it is (a cause),
    and the population group it counts (refugees) where the indicator does not say."""

    indicator: str
    unit: str
    part: str | None = None
    group: str | None = None


def count_meaning(column) -> CountMeaning | str:
    """The meaning of an #affected column (a libhxl Column), or why it is left out."""
    attributes = {a.lower() for a in column.attributes}
    parts = attributes & DISAGGREGATION | {a for a in attributes if a.startswith("age")}
    if parts:
        return f"a disaggregated count (+{'+'.join(sorted(parts))}), not a total"
    if attributes & NEW_DISPLACEMENT:
        return (
            "new displacements during the period (a flow with no origin or destination): "
            "dispstats stores who is displaced (+stock), arrivals and departures between sites"
        )
    people, households = bool(attributes & PEOPLE), bool(attributes & HOUSEHOLDS)
    if people and households:
        return "says both individuals (+ind) and households (+hh): tag it with one of them"
    unit = "households" if households else "people"
    causes = sorted(attributes & CAUSES)
    part = "+".join(causes) or None
    if "returnees" in attributes:
        return CountMeaning("returnees", unit, part)
    if "refugees" in attributes:
        return CountMeaning("population", unit, part, group="refugees")
    if "idps" in attributes or attributes & {"displaced", "stock"}:
        return CountMeaning("households" if households else "population", unit, part)
    if households and not attributes - HOUSEHOLDS - {"total", "num"}:
        # #affected+hh, as DTM site lists write the households of the site's displaced people.
        return CountMeaning("households", unit, part)
    return "does not say who is counted: add +idps (displaced people), +returnees or +refugees"
