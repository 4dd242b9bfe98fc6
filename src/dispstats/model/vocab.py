"""The controlled vocabularies of the model, with the words analysts may type for each.

Stored values are the lower_snake keys; `label()` gives the words shown to readers.
"""

from __future__ import annotations

INDICATORS = (
    "population",
    "households",
    "returnees",
    "arrivals",
    "departures",
    "returns",
    "relocation",
)
# Flows move people between two sites; stocks count people at one site. "returnees" is the
# stock of people who have come back and live at the site (DTM's #affected+returnees), kept
# apart from "returns", the movement of coming back: a count of returnees is not an arrival.
FLOW_INDICATORS = frozenset({"arrivals", "departures", "returns", "relocation"})
STOCK_INDICATORS = frozenset({"population", "households", "returnees"})
INDICATOR_SYNONYMS = {
    "pop": "population",
    "people": "population",
    "idps": "population",
    "hh": "households",
    "household": "households",
    "arrival": "arrivals",
    "departure": "departures",
    "return": "returns",
    "returnee": "returnees",
    "relocations": "relocation",
    "relocated": "relocation",
}

UNITS = ("people", "households")
UNIT_SYNONYMS = {
    "persons": "people",
    "individuals": "people",
    "ind": "people",
    "hh": "households",
    "household": "households",
}

# "more than"/"fewer than" are kept apart from "at least"/"at most": the source's own words are
# what we store, and a reader may weigh "more than 20" differently from "at least 20".
QUANTIFIERS = ("exact", "about", "at_least", "at_most", "more_than", "fewer_than", "unquantified")

MOVEMENT_STATUSES = ("planned", "under_way", "completed")
# "location" is a place of no more specific kind (a village, a neighbourhood, a host
# community): what DTM site lists hold beside camps. "country" is an admin 0 area.
SITE_KINDS = ("camp", "informal_settlement", "zone", "admin_area", "city", "location", "country")
# What site lists write in #loc+type, read as one of our kinds; any other value (Rural, Urban,
# Host community, Collective centre ...) makes a "location" that keeps the file's own words.
LOCATION_TYPE_KINDS = {
    "camp": "camp",
    "camps": "camp",
    "formal camp": "camp",
    "planned camp": "camp",
    "planned site": "camp",
    "idp camp": "camp",
    "camp-like setting": "camp",
    "informal settlement": "informal_settlement",
    "informal site": "informal_settlement",
    "spontaneous site": "informal_settlement",
    "spontaneous settlement": "informal_settlement",
    "self-settled camp": "informal_settlement",
    "zone": "zone",
    "city": "city",
    "town": "city",
    "village": "location",
    "location": "location",
    "administrative area": "admin_area",
    "admin area": "admin_area",
    "country": "country",
}
PUBLISHER_TYPES = ("un", "ngo", "government", "party_to_conflict", "media", "local_network")
# Admiralty scale for source reliability, as used in humanitarian analysis.
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CONFIDENCE = ("high", "medium", "low")
ROLES = ("recommended", "triangulation", "automatic")
SENSITIVITY = ("public", "restricted")
DATE_PRECISIONS = ("day", "week", "month", "year", "period")
REVISION_KINDS = ("original", "correction", "retraction", "recommendation")

# Languages a site's other name can be tagged with ("ar:الركبان", by --alias or in an import's
# #loc+name+alt): the languages outputs are written in, so that a brief in Arabic names sites
# in Arabic where the store has the name.
NAME_LANGUAGES = ("en", "fr", "ar")


def alias_language(alias: str) -> tuple[str | None, str]:
    """("ar", "الركبان") for "ar:الركبان"; (None, alias) for an alias without a language."""
    code, colon, name = alias.partition(":")
    if colon and code in NAME_LANGUAGES and name.strip():
        return code, name.strip()
    return None, alias


_LABELS = {
    "un": "UN",
    "ngo": "NGO",
    "party_to_conflict": "party to the conflict",
    "at_least": "at least",
    "at_most": "at most",
    "more_than": "more than",
    "fewer_than": "fewer than",
    "under_way": "under way",
    "informal_settlement": "informal settlement",
    "admin_area": "administrative area",
    "local_network": "local network",
}


def label(key: str | None) -> str:
    """The words a reader sees for a stored vocabulary key."""
    if key is None:
        return ""
    return _LABELS.get(key, key.replace("_", " "))


def normalise_key(text: str) -> str:
    """Lower-case, trim, and turn spaces and hyphens into underscores ("Under way" -> under_way)."""
    return "_".join(text.strip().lower().replace("-", " ").split())
