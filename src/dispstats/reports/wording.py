"""The words for what the series layer computes, in the reader's language: the best-estimate
rule and why a figure won, quantities as their sources worded them, and every kind of
finding. The brief, the workbook and the terminal all word them here, through a Lang.
"""

from __future__ import annotations

from collections.abc import Mapping

from dispstats.model.dates import DateRef, format_dateref
from dispstats.model.parse import Quantity, format_quantity
from dispstats.model.records import Figure
from dispstats.reports.i18n import N_, Lang
from dispstats.series.checks import Finding

REASONS = {
    "only": N_("the only figure with the newest reference date"),
    "recommended": N_("marked recommended by an analyst"),
    "reliability": N_("the most reliable source among figures of the same date"),
    "publication": N_("the most recently published among equally reliable sources"),
    "entry_order": N_("entered first among otherwise equal figures"),
}
QUANTIFIERS = {
    "about": N_("about %(number)s"),
    "at_least": N_("at least %(number)s"),
    "at_most": N_("at most %(number)s"),
    "more_than": N_("more than %(number)s"),
    "fewer_than": N_("fewer than %(number)s"),
}
INDICATORS = {
    "population": N_("population"),
    "arrivals": N_("arrivals"),
    "departures": N_("departures"),
    "returns": N_("returns"),
    "relocation": N_("relocation"),
    "new_displacements": N_("new displacements"),
}
GROUPS = {
    "idps": N_("IDPs"),
    "refugees": N_("refugees"),
    "asylum_seekers": N_("asylum seekers"),
    "returnees": N_("returnees"),
    "idp_returnees": N_("returnees (former IDPs)"),
    "refugee_returnees": N_("returnees (former refugees)"),
    "host_community": N_("host community"),
    "others_of_concern": N_("other people of concern"),
    "all_affected": N_("all affected people"),
}
GROUP_NOT_STATED = N_("group not stated")
UNIT_WORDS = {"people": N_("people"), "households": N_("households")}
DIMENSIONS = {"sex": N_("sex"), "age": N_("age"), "cause": N_("cause"), "origin": N_("origin")}
STATUSES = {
    "planned": N_("planned"),
    "under_way": N_("under way"),
    "completed": N_("completed"),
}


def rule(lang: Lang, window_weeks: int) -> str:
    """The best-estimate rule (series/rule.py) as the brief and the workbook state it."""
    return lang.ngettext(
        "Among figures not retracted whose reference date is on or before the date, the newest "
        "reference date is taken; among figures of that date, one the analyst marked "
        "recommended wins; otherwise the source with the highest reliability grade, then the "
        "most recent publication, then the figure entered first. The range beside it covers the "
        "latest figure of every source in the preceding week.",
        "Among figures not retracted whose reference date is on or before the date, the newest "
        "reference date is taken; among figures of that date, one the analyst marked "
        "recommended wins; otherwise the source with the highest reliability grade, then the "
        "most recent publication, then the figure entered first. The range beside it covers the "
        "latest figure of every source in the preceding %(window)s weeks.",
        window_weeks,
    ) % {"window": lang.number(window_weeks)}


def reason(lang: Lang, key: str | None) -> str | None:
    return lang.gettext(REASONS[key]) if key in REASONS else None


def indicator(lang: Lang, key: str) -> str:
    return lang.gettext(INDICATORS[key]) if key in INDICATORS else key


def group(lang: Lang, key: str | None) -> str:
    """A population group as readers say it ("IDPs"); "group not stated" for None."""
    return lang.gettext(GROUPS[key]) if key in GROUPS else lang.gettext(GROUP_NOT_STATED)


def series_label(
    lang: Lang, indicator_key: str, group_key: str | None, unit: str, *, with_group: bool = True
) -> str:
    """ "population (IDPs)", "population (returnees, households)", "new displacements": an
    indicator with its group (when stated and asked for) and its unit when not people."""
    said = []
    if with_group and group_key is not None:
        said.append(group(lang, group_key))
    if unit != "people":
        said.append(lang.gettext(UNIT_WORDS.get(unit, unit)))
    if not said:
        return indicator(lang, indicator_key)
    return lang.gettext("%(indicator)s (%(details)s)") % {
        "indicator": indicator(lang, indicator_key),
        "details": lang.pgettext("list separator", ", ").join(said),
    }


def amount(lang: Lang, low: int, high: int, unit: str, *, quantifier: str = "exact") -> str:
    """ "45,000 people", "about 36,678 households": a number or range, with its quantifier
    (a total of approximate figures is approximate), and its unit."""
    number = quantity_words(lang, Quantity(low, high, quantifier))
    if unit in UNITS:
        return lang.gettext(UNITS[unit]) % {"value": number}
    return f"{number} {unit}"


def sum_amount(lang: Lang, found, unit: str) -> str:
    """A sum's amount (a total, a part of one, a flow over a period): anything with low,
    high and quantifier."""
    return amount(lang, found.low, found.high, unit, quantifier=found.quantifier)


def who_words(lang: Lang, f: Figure) -> str:
    """ "about 45,000 IDPs", "9,000 households of refugees", "3,000 people": a figure's number
    with whom and what it counts."""
    return counted(lang, quantity_words(lang, f.quantity), f.population_group, f.unit)


def counted(lang: Lang, value: str, group_key: str | None, unit: str) -> str:
    """A number's words with whom and what it counts (see who_words)."""
    if group_key is None:
        return lang.gettext(UNITS.get(unit, UNITS["people"])) % {"value": value}
    if unit == "households":
        return lang.gettext("%(value)s households of %(group)s") % {
            "value": value,
            "group": group(lang, group_key),
        }
    return lang.gettext("%(value)s %(group)s") % {"value": value, "group": group(lang, group_key)}


def status(lang: Lang, key: str | None) -> str:
    """A movement's status; "" when none was given."""
    return lang.gettext(STATUSES[key]) if key in STATUSES else ""


def quantity_words(lang: Lang, q: Quantity) -> str:
    """ "about 45,000", "70,000–80,000", "unquantified": a number as its source worded it."""
    if q.low is None:
        return lang.gettext("unquantified")
    number = lang.span(q.low, q.high)
    if q.quantifier in QUANTIFIERS:
        return lang.gettext(QUANTIFIERS[q.quantifier]) % {"number": number}
    return number


UNITS = {"people": N_("%(value)s people"), "households": N_("%(value)s households")}

# A source's words for its number are quoted up to this length (a cell of a file can be long).
REPORTED_QUOTE = 60
# A unit after the number says nothing the card does not ("45,000 people").
_UNIT_WORDS = {"people", "persons", "individuals", "households", "families", "ind", "hh"}


def reported_words(f: Figure) -> str | None:
    """The value as its source worded it ("approximately 45,000", "~45k"), when that says
    more than the number shown ("about 45,000"); None when it is the same words or none."""
    said = " ".join((f.value_text or "").split())
    if not said or f.quantity.low is None:
        return None

    def plain(text: str) -> str:
        words = text.lower().replace("–", "-").replace("—", "-").split()
        kept = "".join(w for w in words if w not in _UNIT_WORDS)
        return "".join(ch for ch in kept if ch not in ",\u202f\u00a0_")

    if plain(said) == plain(format_quantity(f.quantity)):
        return None
    return said if len(said) <= REPORTED_QUOTE else said[: REPORTED_QUOTE - 1] + "…"


def figure_words(lang: Lang, f: Figure) -> str:
    """ "about 45,000 people", "unquantified: “with hundreds of civilians”" (the terminal's
    words for a figure, with its unit)."""
    if f.quantity.quantifier == "unquantified":
        excerpt = f.excerpt or ""
        short = excerpt[:40] + ("…" if len(excerpt) > 40 else "")
        return lang.gettext("unquantified: “%(excerpt)s”") % {"excerpt": short}
    words = quantity_words(lang, f.quantity)
    if f.unit in UNITS:
        return lang.gettext(UNITS[f.unit]) % {"value": words}
    return f"{words} {f.unit}"


def short_date(lang: Lang, ref: DateRef) -> str:
    """A figure's date as a reader says it: "16 Sep 2018", "Sep 2018", else as stored."""
    if ref.precision == "day":
        return lang.date(ref.start, "d MMM y")
    if ref.precision == "month":
        return lang.date(ref.start, "MMM y")
    return lang.digits_of(format_dateref(ref))


def separator(lang: Lang) -> str:
    """Between the items of a list in a sentence ("; " / "؛ ")."""
    return lang.pgettext("list separator", "; ")


class FindingWords:
    """Findings in sentences, naming sites by `names` and sources by `publishers` (ids
    otherwise)."""

    def __init__(self, lang: Lang, names: Mapping[str, str], publishers: Mapping[str, str]):
        self.lang, self.names, self.publishers = lang, names, publishers

    def __call__(self, finding: Finding) -> str:
        return getattr(self, f"_{finding.kind}")(finding, finding.facts)

    def _site(self, site_id: str | None) -> str:
        return "?" if site_id is None else self.names.get(site_id, site_id)

    def _value(self, f: Figure) -> str:
        low, high = f.quantity.low, f.quantity.high
        if low is None or high is None:  # a report with no number: its words
            return quantity_words(self.lang, f.quantity)
        return amount(self.lang, low, high, f.unit)

    def _series(self, facts: Mapping) -> str:
        return series_label(self.lang, facts["indicator"], facts.get("group"),
                            facts.get("unit", "people"))  # fmt: skip

    def _ref(self, f: Figure) -> str:
        return self.lang.digits_of(format_dateref(f.ref))

    def _stale(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        weeks = facts["age_weeks"]
        text = t.ngettext(
            "%(site)s %(indicator)s: %(value)s was last confirmed %(weeks)s week ago (%(date)s)",
            "%(site)s %(indicator)s: %(value)s was last confirmed %(weeks)s weeks ago (%(date)s)",
            weeks,
        )
        return text % {
            "site": self._site(finding.site_id),
            "indicator": self._series(facts),
            "value": self._value(facts["figure"]),
            "weeks": t.number(weeks),
            "date": t.iso(facts["figure"].ref.end),
        }

    def _disagreement(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        sides = separator(t).join(
            f"{self.publishers.get(f.source_id, f.source_id)} {self._value(f)} ({self._ref(f)})"
            for f in facts["figures"]
        )
        return t.gettext(
            "%(site)s %(indicator)s: sources disagree, %(low)s to %(high)s (%(spread)s×): %(sides)s"
        ) % {
            "site": self._site(finding.site_id),
            "indicator": self._series(facts),
            "low": t.number(facts["low"]),
            "high": t.number(facts["high"]),
            "spread": t.decimal(facts["spread"]),
            "sides": sides,
        }

    def _movement(self, facts: Mapping) -> str:
        m = facts["movement"]
        size = self.lang.span(m.quantity.low, m.quantity.high)
        if m.unit != "people":  # "3,000 departures" are people; households say so
            size = self._value(m)
        return self.lang.gettext("%(size)s %(indicator)s from %(origin)s to %(destination)s") % {
            "size": size,
            "indicator": indicator(self.lang, m.indicator),
            "origin": self._site(facts["origin"]),
            "destination": self._site(facts["destination"]),
        }

    def _planned_movement(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        m = facts["movement"]
        return t.gettext(
            "%(movement)s (%(status)s, %(date)s, %(publisher)s): follow up; not yet expected "
            "in the population figures"
        ) % {
            "movement": self._movement(facts),
            "status": status(t, m.movement_status) or t.gettext("status unknown"),
            "date": self._ref(m),
            "publisher": self.publishers.get(m.source_id, m.source_id),
        }

    def _movement_exceeds_origin(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        return t.gettext(
            "%(movement)s (completed) is larger than the population there before it "
            "(%(before)s, %(date)s)"
        ) % {
            "movement": self._movement(facts),
            "before": t.number(facts["before"].quantity.high),
            "date": self._ref(facts["before"]),
        }

    def _no_drop_at_origin(self, finding: Finding, facts: Mapping) -> str:
        return self.lang.gettext(
            "%(movement)s (completed) but the population there went from %(before)s to %(after)s"
        ) % {
            "movement": self._movement(facts),
            "before": self._value(facts["before"]),
            "after": self._value(facts["after"]),
        }

    _no_rise_at_destination = _no_drop_at_origin

    def _after_publication(self, finding: Finding, facts: Mapping) -> str:
        f = facts["figure"]
        return self.lang.gettext(
            "%(site)s: %(value)s is dated %(date)s, after %(publisher)s published it "
            "(%(published)s): check the date (figure %(id)s)"
        ) % {
            "site": self._site(finding.site_id),
            "value": self._value(f),
            "date": self._ref(f),
            "publisher": facts["publisher"],
            "published": self.lang.digits_of(facts["published"].isoformat()),
            "id": f.id,
        }

    def _rise_without_arrivals(self, finding: Finding, facts: Mapping) -> str:
        before, after = facts["before"], facts["after"]
        return self.lang.gettext(
            "%(site)s population rose from %(before)s (%(before_date)s) to %(after)s "
            "(%(after_date)s) with no arrivals or returns recorded"
        ) % {
            "site": self._site(finding.site_id),
            "before": self._value(before),
            "before_date": self._ref(before),
            "after": self._value(after),
            "after_date": self._ref(after),
        }

    def _total_disagrees(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        own = facts["own"]
        tolerance = t.percent(facts["tolerance"])
        return t.gettext(
            "%(site)s: its own %(indicator)s figure (%(own)s, %(date)s) and the total of its "
            "sites (%(total)s, %(recent)s of %(children)s reported recently) differ by more "
            "than %(tolerance)s"
        ) % {
            "site": self._site(finding.site_id),
            "indicator": self._series(facts),
            "own": self._value(own),
            "date": self._ref(own),
            "total": t.span(facts["low"], facts["high"]),
            "recent": t.number(facts["recent"]),
            "children": t.number(facts["children"]),
            "tolerance": tolerance,
        }

    def _parts(self, finding: Finding, facts: Mapping) -> str:
        t = self.lang
        f = facts["figure"]
        values = {
            "site": self._site(finding.site_id),
            "id": t.number(f.id),
            "dimension": dimensions_words(t, facts["dimensions"]),
            "sum": amount(t, facts["sum"], facts["sum"], f.unit),
            "value": self._value(f),
        }
        if facts["problem"] == "exceed":
            return (
                t.gettext(
                    "%(site)s: the parts of figure %(id)s by %(dimension)s add up to %(sum)s, more "
                    "than the figure (%(value)s)"
                )
                % values
            )
        return (
            t.gettext(
                "%(site)s: the parts of figure %(id)s by %(dimension)s cover all of it but add up "
                "to %(sum)s, less than the figure (%(value)s)"
            )
            % values
        )


def dimensions_words(lang: Lang, dimensions: tuple[str, ...]) -> str:
    """ "sex", "sex and age": the dimensions a breakdown splits."""
    words = [lang.gettext(DIMENSIONS[d]) for d in dimensions]
    if len(words) == 1:
        return words[0]
    return lang.gettext("%(first)s and %(second)s") % {
        "first": ", ".join(words[:-1]),
        "second": words[-1],
    }


SEXES = {"female": N_("female"), "male": N_("male"), "other": N_("other")}


def part_label(lang: Lang, part) -> str:
    """A part's values in the reader's language: "female", "female, 0–4", "conflict"."""
    words = []
    for dimension, value in part.key:
        if dimension == "sex":
            words.append(lang.gettext(SEXES[value]))
        elif dimension == "age":
            words.append(lang.digits_of(value.replace("-", "–")))
        else:
            words.append(value)
    return ", ".join(words)


def parts_lines(lang: Lang, f: Figure, hidden=frozenset(), threshold: int = 0) -> list[str]:
    """One line per breakdown of a figure: "by sex: female 23,400 (52%), male 21,600 (48%)".
    Parts in `hidden` (withheld from a public output) have no number and no share: "< 5" for a
    small cell (below `threshold`), "withheld" for one hidden so the small one cannot be
    worked out."""
    from dispstats.model.breakdown import breakdowns

    total = f.quantity.high
    lines = []
    for dims, parts in breakdowns(f.parts).items():
        shown = []
        for p in parts:
            if p in hidden:
                shown.append(f"{part_label(lang, p)} {withheld_words(lang, p.value, threshold)}")
                continue
            share = f" ({lang.percent(p.value / total)})" if total else ""
            shown.append(f"{part_label(lang, p)} {lang.number(p.value)}{share}")
        lines.append(
            lang.gettext("by %(dimension)s: %(parts)s")
            % {"dimension": dimensions_words(lang, dims), "parts": separator(lang).join(shown)}
        )
    return lines


def withheld_words(lang: Lang, value: int, threshold: int) -> str:
    """ "< 5" for a small cell, "withheld" for a part hidden beside it."""
    if value < threshold:
        return f"< {lang.number(threshold)}"
    return lang.gettext("withheld")


def share_lines(lang: Lang, f: Figure, threshold: int = 0) -> list[str]:
    """The shares of a figure's parts a reader expects, one line per kind: "52% women and
    girls, 55% children", "by cause: conflict 99%, disaster 1%". Parts withheld from a public
    output (below `threshold`) are left out of every share; a range has no shares."""
    from dispstats.model.breakdown import suppressed

    q = f.quantity
    if not f.parts or q.low is None or q.low != q.high or not q.low:
        return []
    hidden = suppressed(f.parts, threshold, q.low) if threshold > 1 else set()
    people = []
    if (female := _marginal(f.parts, hidden, "sex", lambda v: v == "female")) is not None:
        people.append(
            lang.gettext("%(share)s women and girls") % {"share": lang.percent(female / q.low)}
        )
    if (children := _marginal(f.parts, hidden, "age", is_child_age)) is not None:
        people.append(
            lang.gettext("%(share)s children") % {"share": lang.percent(children / q.low)}
        )
    lines = [", ".join(people)] if people else []
    for dimension in ("cause", "origin"):
        own = [p for p in f.parts if p.dimensions == (dimension,) and p not in hidden and p.value]
        if own:
            largest = sorted(own, key=lambda p: -p.value)[:3]
            shown = [f"{p.label} {lang.percent(p.value / q.low)}" for p in largest]
            lines.append(
                lang.gettext("by %(dimension)s: %(parts)s")
                % {"dimension": lang.gettext(DIMENSIONS[dimension]), "parts": ", ".join(shown)}
            )
    return lines


def is_child_age(value: str) -> bool:
    from dispstats.model.breakdown import is_child

    return is_child(value)


def _marginal(parts, hidden, dimension: str, wanted) -> int | None:
    """How many of a figure the parts give for `wanted` values of one dimension: from its
    one-way breakdown, else from a cross-table that covers it; None when not known (a
    breakdown that does not cover the dimension, or a withheld part)."""
    from dispstats.model.breakdown import breakdowns, covers

    for dims, group in sorted(breakdowns(parts).items(), key=lambda item: len(item[0])):
        if dimension not in dims or not covers(dims, group):
            continue
        if any(p in hidden for p in group):
            return None
        return sum(p.value for p in group if wanted(p.get(dimension)))
    return None
