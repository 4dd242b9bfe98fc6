"""Finding a site or source from what an analyst typed, with "did you mean …?" suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from dispstats.errors import Conflict, NotFound
from dispstats.model.records import Site, Source


def find_sites(all_sites: Sequence[Site], refs: Sequence[str]) -> list[Site]:
    """Several sites by name, alias or id (among `all_sites`: a PublicView passes public
    ones, so a restricted name is answered as an unknown one)."""
    return [find_site(all_sites, ref) for ref in refs]


def normalise_name(text: str) -> str:
    """Case, accents, punctuation and spacing ignored: "Al-Rukbān" -> "al rukban"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def close_publishers(all_sources: Sequence[Source], name: str) -> list[Source]:
    """Sources whose publisher is spelled like `name` but not the same ("North Pres" for
    North Press), newest publication first: the source an analyst most likely meant."""
    wanted = normalise_name(name or "")
    publishers = {normalise_name(s.publisher) for s in all_sources} - {wanted}
    close = set(difflib.get_close_matches(wanted, sorted(publishers), n=3, cutoff=0.8))
    return [s for s in all_sources if normalise_name(s.publisher) in close]


def find_site(all_sites: Sequence[Site], ref: str) -> Site:
    """The site whose id, p-code, name or alias matches `ref`.

    Raises NotFound with the closest names as suggestions, Conflict when a name is shared.
    """
    ref = (ref or "").strip()
    for site in all_sites:
        if site.id == ref:
            return site
    wanted = normalise_name(ref)
    names: dict[str, list[Site]] = {}
    for site in all_sites:
        for name in (site.id, site.name, site.pcode, *site.alias_names):
            if name:
                names.setdefault(normalise_name(name), []).append(site)
    matches = list({s.id: s for s in names.get(wanted, [])}.values())
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(f"{s.name} ({s.id})" for s in matches)
        raise Conflict(f"'{ref}' names several sites: {listed}; give the site id")
    close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[c][0].name for c in close))
    if not all_sites:
        raise NotFound(
            f"no site '{ref}'",
            hint="the store has no sites yet (add one with 'dispstats site add')",
        )
    raise NotFound(f"no site '{ref}'", suggestions)


def find_source(all_sources: Sequence[Source], ref: str) -> Source:
    """The source with id `ref`, or the only source of publisher `ref`.

    Raises NotFound with close ids as suggestions, Conflict when a publisher has several.
    """
    ref = (ref or "").strip()
    for source in all_sources:
        if source.id == ref:
            return source
    wanted = normalise_name(ref)
    by_publisher = [s for s in all_sources if normalise_name(s.publisher) == wanted]
    if len(by_publisher) == 1:
        return by_publisher[0]
    if by_publisher:
        ids = ", ".join(s.id for s in by_publisher[:6])
        raise Conflict(f"{ref} has {len(by_publisher)} sources ({ids}); give the source id")
    suggestions = difflib.get_close_matches(ref, [s.id for s in all_sources], n=3, cutoff=0.7)
    suggestions += [s.id for s in close_publishers(all_sources, ref) if s.id not in suggestions]
    raise NotFound(
        f"no source '{ref}'",
        suggestions,
        hint="add it with 'dispstats source add', or give --publisher to create it with the figure",
    )
