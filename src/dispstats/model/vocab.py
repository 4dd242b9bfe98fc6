"""The controlled vocabularies of the model, with the words analysts may type for each.

Stored values are the lower_snake keys; `label()` gives the words shown to readers.
"""

from __future__ import annotations

INDICATORS = (
    "population",
    "arrivals",
    "departures",
    "returns",
    "relocation",
    "new_displacements",
)
# A stock counts people at one place on a date; a flow counts people over its reference period.
# Movements are flows between two places (an origin, a destination, a status); new
# displacements are a flow with no ends: people newly displaced in the period (IDMC's
# +newdisp), summed per period, never read as how many are displaced.
MOVEMENT_INDICATORS = frozenset({"arrivals", "departures", "returns", "relocation"})
FLOW_INDICATORS = MOVEMENT_INDICATORS | {"new_displacements"}
# Movements recorded at the place people came to (their origin is the other end).
INBOUND_INDICATORS = frozenset({"arrivals", "returns"})
STOCK_INDICATORS = frozenset({"population"})
INDICATOR_SYNONYMS = {
    "pop": "population",
    "people": "population",
    "stock": "population",
    "arrival": "arrivals",
    "departure": "departures",
    "return": "returns",
    "relocations": "relocation",
    "relocated": "relocation",
    "new_displacement": "new_displacements",
    "newdisp": "new_displacements",
    "displacements": "new_displacements",
    "internal_displacements": "new_displacements",
}
# Indicators of stores and files before schema 0005, and what each is now: households and
# returnees were counts of the population in another unit or of another group.
LEGACY_INDICATORS = {
    "households": {"indicator": "population", "unit": "households"},
    "hh": {"indicator": "population", "unit": "households"},
    "returnees": {"indicator": "population", "population_group": "returnees"},
    "returnee": {"indicator": "population", "population_group": "returnees"},
}

# Who a figure counts. A series is (site, indicator, population group, unit): figures of two
# groups are never compared, picked between or added together. A figure whose source did not
# say (None) is a series of its own, shown as "group not stated".
POPULATION_GROUPS = (
    "idps",
    "refugees",
    "asylum_seekers",
    "returnees",
    "idp_returnees",
    "refugee_returnees",
    "host_community",
    "others_of_concern",
    "all_affected",
)
GROUP_SYNONYMS = {
    "idp": "idps",
    "internally_displaced": "idps",
    "internally_displaced_people": "idps",
    "internally_displaced_persons": "idps",
    "refugee": "refugees",
    "asylum_seeker": "asylum_seekers",
    "asylum": "asylum_seekers",
    "asylumseekers": "asylum_seekers",
    "returnee": "returnees",
    "returned_idps": "idp_returnees",
    "idp_returnee": "idp_returnees",
    "returned_refugees": "refugee_returnees",
    "refugee_returnee": "refugee_returnees",
    "host": "host_community",
    "host_communities": "host_community",
    "hostcommunity": "host_community",
    "ooc": "others_of_concern",
    "other_people_of_concern": "others_of_concern",
    "others": "others_of_concern",
    "all": "all_affected",
    "affected": "all_affected",
    "all_affected_people": "all_affected",
    # UNHCR's population type codes, as HDX HAPI writes them.
    "ref": "refugees",
    "asy": "asylum_seekers",
    "ret": "refugee_returnees",
    "rdp": "idp_returnees",
    "hst": "host_community",
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
# A table says "range" for a range given without a word (Quantity.table_quantifier); read back,
# it is the range of its low and high, as the source gave it.
TABLE_QUANTIFIERS = (*QUANTIFIERS, "range")
QUANTIFIER_SYNONYMS = {"range": "exact"}

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
    "new_displacements": "new displacements",
    "idps": "IDPs",
    "asylum_seekers": "asylum seekers",
    "idp_returnees": "returnees (former IDPs)",
    "refugee_returnees": "returnees (former refugees)",
    "host_community": "host community",
    "others_of_concern": "other people of concern",
    "all_affected": "all affected people",
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
