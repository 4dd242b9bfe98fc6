"""Sentences of the brief made from figures: what a key figure counts, who recommended it,
the news of a population figure, a movement."""

from __future__ import annotations

from dispstats.model import vocab
from dispstats.model.records import Figure
from dispstats.reports import wording
from dispstats.reports.brief.data import Cited
from dispstats.reports.i18n import N_, Lang
from dispstats.series.rule import Estimate, SeriesKey


def counts_words(lang: Lang, key: SeriesKey) -> str:
    """What a key figure counts, for its card: "IDPs", "refugees · households", "people"."""
    unit = lang.gettext(wording.UNIT_WORDS.get(key.unit, key.unit))
    if key.group is None:
        return unit
    if key.unit == "people":
        return wording.group(lang, key.group)
    return lang.gettext("%(group)s · %(unit)s") % {
        "group": wording.group(lang, key.group),
        "unit": unit,
    }


def recommended_words(e: Estimate, lang: Lang) -> str | None:
    """ "Recommended by amina, not chosen by the rule: only count based on a registration"
    when an analyst's choice won the rule. Who is named when the figure says (a public view
    leaves who entered it blank: "by an analyst"); the reason is the analyst's own words, kept
    in the figure's history."""
    if e.reason != "recommended" or e.figure is None:
        return None
    f = e.figure
    if f.entered_by is None:
        words = lang.gettext("Recommended by an analyst, not chosen by the rule")
    else:
        words = lang.gettext("Recommended by %(who)s, not chosen by the rule") % {
            "who": f.entered_by
        }
    if f.revision == "recommendation" and f.reason:
        return lang.gettext("%(recommended)s: %(reason)s") % {
            "recommended": words,
            "reason": f.reason,
        }
    return lang.gettext("%(recommended)s (see the history of figure %(id)s)") % {
        "recommended": words,
        "id": f.id,
    }


def population_news(
    lang: Lang, c: Cited, place: str, before: Cited | None
) -> tuple[str, list[int]]:
    """ "OCHA reports about 45,000 people at Rukban (16 Sep 2018); the previous estimate was
    ..." with its footnotes (one source cited once); `before` is the previous estimate's
    figure."""
    value = wording.who_words(lang, c.figure)
    if c.reported:  # the source's own words where the brief says what it reports
        value += " " + lang.gettext("(as reported: “%(words)s”)") % {"words": c.reported}
    text = lang.gettext("%(publisher)s reports %(value)s at %(site)s (%(date)s)") % {
        "publisher": c.publisher,
        "value": value,
        "site": place,
        "date": c.when,
    }
    notes_used = [c.note]
    if before is not None:
        change = (
            lang.gettext("a different source")
            if before.publisher != c.publisher
            else lang.gettext("the same source")
        )
        text = lang.gettext(
            "%(news)s; the previous estimate was %(value)s (%(publisher)s, %(date)s, %(change)s)"
        ) % {"news": text, "value": before.words, "publisher": before.publisher,
             "date": before.when, "change": change}  # fmt: skip
        if before.note not in notes_used:
            notes_used.append(before.note)
    return lang.gettext("%(sentence)s.") % {"sentence": text}, notes_used


# (status, direction) -> the sentence; direction "out" leaves a site, "in" arrives at one.
_MOVES = {
    ("planned", "out"): N_("%(people)s are to leave %(origin)s"),
    ("under_way", "out"): N_("%(people)s are leaving %(origin)s"),
    ("completed", "out"): N_("%(people)s left %(origin)s"),
    (None, "out"): N_("%(people)s leaving %(origin)s"),
    ("planned", "in"): N_("%(people)s are expected to arrive at %(destination)s"),
    ("under_way", "in"): N_("%(people)s are arriving at %(destination)s"),
    ("completed", "in"): N_("%(people)s arrived at %(destination)s"),
    (None, "in"): N_("%(people)s arriving at %(destination)s"),
}


def movement_sentence(f: Figure, words: str, names: dict[str, str], lang: Lang) -> str:
    """'3,000 people (Qaryatayn tribe) are to leave A for B' and the like."""
    origin, destination = f.ends

    def name(site_id: str | None) -> str:
        return names[site_id] if site_id in names else lang.gettext("an unnamed site")

    if f.quantity.low is not None:
        people = wording.who_words(lang, f)
    else:
        people = lang.gettext("an unknown number of people")
    if f.description:
        people = lang.gettext("%(people)s (%(group)s)") % {
            "people": people,
            "group": f.description,
        }
    places = {"people": people, "origin": name(origin), "destination": name(destination)}
    if f.indicator in vocab.INBOUND_INDICATORS:
        text = lang.gettext(_MOVES[(f.movement_status, "in")]) % places
        if origin:
            text = lang.gettext("%(movement)s from %(origin)s") % (places | {"movement": text})
    else:
        text = lang.gettext(_MOVES[(f.movement_status, "out")]) % places
        if destination:
            text = lang.gettext("%(movement)s for %(destination)s") % (places | {"movement": text})
    if f.movement_status is None:
        text = lang.gettext("%(movement)s (status not given)") % {"movement": text}
    if f.quantity.low is None and f.excerpt:
        text = lang.gettext("%(movement)s, “%(excerpt)s”") % {
            "movement": text,
            "excerpt": f.excerpt,
        }
    return text
