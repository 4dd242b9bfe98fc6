"""The words for what the series layer computes, in the reader's language: the best-estimate
rule and why a figure won, quantities as their sources worded them, and every kind of
finding. The brief, the workbook and the terminal all word them here, through a Lang.
"""

from __future__ import annotations

from collections.abc import Mapping

from dispstats.model.parse import DateRef, Quantity, format_dateref
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
    "households": N_("households"),
    "returnees": N_("returnees"),
    "arrivals": N_("arrivals"),
    "departures": N_("departures"),
    "returns": N_("returns"),
    "relocation": N_("relocation"),
}
STATUSES = {
    "planned": N_("planned"),
    "under_way": N_("under way"),
    "completed": N_("completed"),
}


def rule(lang: Lang, window_weeks: int) -> str:
    """The best-estimate rule (series/estimate.py) as the brief and the workbook state it."""
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
        return self.lang.span(f.quantity.low, f.quantity.high)

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
            "indicator": indicator(t, facts["indicator"]),
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
            "indicator": indicator(t, facts["indicator"]),
            "low": t.number(facts["low"]),
            "high": t.number(facts["high"]),
            "spread": t.decimal(facts["spread"]),
            "sides": sides,
        }

    def _movement(self, facts: Mapping) -> str:
        m = facts["movement"]
        return self.lang.gettext("%(size)s %(indicator)s from %(origin)s to %(destination)s") % {
            "size": self._value(m),
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
            "indicator": indicator(t, facts["indicator"]),
            "own": self._value(own),
            "date": self._ref(own),
            "total": t.span(facts["low"], facts["high"]),
            "recent": t.number(facts["recent"]),
            "children": t.number(facts["children"]),
            "tolerance": tolerance,
        }
