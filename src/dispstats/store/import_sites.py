"""Placing the rows of an import at sites, and the sites (with their parents) it creates.

A row is about the most specific place it names (model/places.py). That place and the areas
above it are looked up from the country down: by code (site id, p-code, ISO3), else by name
under the same parent, so that two districts of one name in two provinces stay two. Places the
store lacks are listed, and created only when asked (`create_sites`), each under the place
above it in the row: the store gains the file's own hierarchy. A row is never filed at a place
it does not name.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.fields import site_from_fields
from dispstats.model.hxl_columns import ColumnPlan
from dispstats.model.parse import has_latin_letter, slugify
from dispstats.model.places import LEVEL_NAMES, NO_PLACE, PLACE_KEYS, Place, chain
from dispstats.model.records import Site
from dispstats.model.table_cells import Checked, none_if_missing, put
from dispstats.model.table_figures import SITE_KEYS
from dispstats.store.lookup import normalise_name

_AREA_KINDS = {"country": ("country",), "adm": ("admin_area",)}
_PCODE = re.compile(r"([A-Za-z]{2,3})([0-9]+)")


class SiteIndex:
    """The store's sites (and those this import creates) by id, p-code and name/alias."""

    def __init__(self, sites: list[Site]):
        self.by_id: dict[str, Site] = {}
        self.by_pcode: dict[str, list[Site]] = {}
        self.by_name: dict[str, list[Site]] = {}
        self.created: set[str] = set()
        # P-codes of the file read as the store's: "SY004" -> "SY04" (see padded).
        self.padded: dict[str, str] = {}
        for site in sites:
            self.add(site)

    def add(self, site: Site, created: bool = False) -> None:
        if created:
            self.created.add(site.id)
        self.by_id[site.id] = site
        if site.pcode:
            self.by_pcode.setdefault(site.pcode.casefold(), []).append(site)
        for name in {site.name, *site.alias_names}:
            self.by_name.setdefault(normalise_name(name), []).append(site)

    def padded_pcode(self, code: str) -> list[Site]:
        """The store's area whose p-code is `code` without extra zeros after its letters
        ("SY004" is the store's SY04), when exactly one is: only zeros are taken away, never
        added, so no other area's code can be meant."""
        m = _PCODE.fullmatch(code.strip())
        if m is None or not m.group(2).startswith("0"):
            return []
        letters, digits = m.group(1).casefold(), m.group(2)
        found = [
            site
            for zeros in range(1, len(digits))
            if digits[:zeros].strip("0") == ""
            for site in self.by_pcode.get(letters + digits[zeros:], [])
            if site.id not in self.created
        ]
        if len(found) != 1:
            return []
        self.padded[code] = found[0].pcode or ""
        return found

    def free_id(self, wanted: str) -> str:
        site_id, n = wanted, 2
        while site_id in self.by_id:
            site_id, n = f"{wanted}-{n}", n + 1
        return site_id

    def find(self, code, pcode, name, admin: tuple, parent_id: str | None = None) -> list[Site]:
        """A site by code (a site id or p-code), then p-code, then name or alias. When the row
        gives a code, a site found by name is taken only if it has no p-code and was in the
        store before: a site of this file with another code is another site, whatever its
        name. Several sites of one name are told apart by the row's admin p-codes and the
        area the row puts them in."""
        for ref in (code, pcode):
            if not ref:
                continue
            if ref in self.by_id:
                return [self.by_id[ref]]
            if found := self.by_pcode.get(ref.casefold()):
                return found
        given = {r.casefold() for r in (code, pcode) if r}
        matches = [
            s
            for s in self.by_name.get(normalise_name(name or ""), [])
            if not given or (not s.pcode and s.id not in self.created)
        ]
        if len(matches) > 1:
            narrowed = [
                s
                for s in matches
                if all(a is None or a in (s.admin1_pcode, s.admin2_pcode) for a in admin)
                and (parent_id is None or s.parent_id in (None, parent_id))
            ]
            return narrowed or matches
        return matches

    def find_area(self, place: Place, parent_id: str | None, by_name: bool = True) -> list[Site]:
        """A country or admin area: by its code (ISO3 or p-code), else by name among the
        areas of the same parent (when `by_name`); a name never matches an area that has
        another code."""
        kinds = _AREA_KINDS["country" if place.level == "country" else "adm"]
        if place.code:
            code = place.code
            found = [self.by_id[c] for c in (code, code.lower()) if c in self.by_id]
            found += self.by_pcode.get(code.casefold(), []) or self.padded_pcode(code)
            if place.level == "country":
                found += [
                    s
                    for s in self.by_id.values()
                    if s.kind == "country" and (s.country_iso3 or "") == code.upper()
                ]
            found = list({s.id: s for s in found if s.kind in kinds}.values())
            if found:
                return found
        if not by_name or not place.name:
            return []
        return [
            s
            for s in self.by_name.get(normalise_name(place.name), [])
            if s.kind in kinds
            and s.parent_id == parent_id
            and not (place.code and (s.pcode or s.id in self.created))
        ]


def resolve_sites(
    index: SiteIndex, checked: Checked, plan: ColumnPlan, create: bool
) -> tuple[list[Site], list[str]]:
    """Replace each line's place with a site id; returns the sites to create and the names of
    the places the store lacks (when not creating)."""
    import numpy as np

    frame = checked.frame
    new: list[Site] = []
    unknown: list[str] = []
    column = next((plan.label(k) for k in PLACE_KEYS if k in plan.fields), "site")
    # Rows are grouped by the place they name; a place's other site cells (kind, aliases,
    # coordinates) are taken from its first row.
    context = list(dict.fromkeys(k for k in SITE_KEYS if k.startswith("site_") or k in PLACE_KEYS))
    keys = [k for k in PLACE_KEYS if k in plan.fields] + ["level"]
    refs = frame[keys].astype(object).where(frame[keys].notna(), None)
    resolved = np.full(len(frame), None, dtype=object)
    rows = frame["row"].to_numpy()
    # A file that states each site's parent (#loc+code+parent, as export hxl writes) is taken
    # at its word: its admin columns then describe the site, not areas to create above it.
    stated_parents = "site_parent_id" in plan.fields
    for positions in refs.groupby(keys, dropna=False, sort=False).indices.values():
        first = frame.iloc[positions[0]]
        line = {k: none_if_missing(first[k]) for k in (*context, "level")}
        if line["level"] is None:  # the row's place could not be read: already refused
            continue
        try:
            site = _place_line(index, line, create, new, stated_parents)
        except InputError as exc:
            if exc.field == "unknown":
                unknown.append(str(exc.value))
            checked.fail(rows[positions], _column(exc, plan, column), exc.reason)
            continue
        resolved[positions] = site.id
    put(frame, "site_id", resolved)
    return new, unknown


def _column(exc: InputError, plan: ColumnPlan, default: str) -> str:
    key = "site_" + (exc.field or "").replace(" ", "_")
    return plan.label(key) if key in plan.fields else default


def _place_line(
    index: SiteIndex, line: dict, create: bool, new: list[Site], stated_parents: bool
) -> Site:
    """The site of one distinct place; raises InputError (field "unknown" when the store
    lacks it and nothing may be created)."""
    places = chain(line, line["level"])
    if stated_parents and line["level"] == "loc":
        places = places[-1:]
    found: list[Site | None] = []
    parent: Site | None = None
    for place in places:
        if place.level == "loc":
            admin = (line["site_admin1_pcode"], line["site_admin2_pcode"])
            matches = index.find(
                line["site_id"], line["site_pcode"], line["site_name"], admin,
                parent.id if parent else None,
            )  # fmt: skip
        else:
            # Below an area the store lacks, nothing can be found by name: it has no children.
            above_known = not found or parent is not None
            matches = index.find_area(place, parent.id if parent else None, above_known)
        if len(matches) > 1:
            listed = ", ".join(f"{s.name} ({s.id})" for s in matches[:5])
            raise InputError(
                f"'{place.code or place.name}' names several sites: {listed}", field="site"
            )
        parent = matches[0] if matches else None
        found.append(parent)
    if found[-1] is not None:
        return found[-1]
    target = places[-1]
    written = target.code or target.name or ""
    if not create:
        raise InputError(
            f"unknown {_level_words(target.level)} '{written}' (check the name, add it with "
            "'dispstats site add', or import with --create-sites)",
            field="unknown",
            value=written,
        )
    above: Site | None = None
    for place, site in zip(places, found, strict=True):
        if site is None:
            site = _new_site(index, place, line, above)
            index.add(site, created=True)
            new.append(site)
        above = site
    if above is None:  # a row naming no place was refused before (places.row_level)
        raise InputError(NO_PLACE, field="site")
    return above


def _level_words(level: str) -> str:
    return {"loc": "site", "country": "country"}.get(level, f"admin {level[3:]} area")


def _new_site(index: SiteIndex, place: Place, line: dict, parent: Site | None) -> Site:
    """A site for one place of a row: the row's own place takes the row's site columns (kind,
    aliases, coordinates, sensitivity); an area above it, only its code, name and areas."""
    depth = LEVEL_NAMES.index(place.level)
    fields: dict[str, object] = {"country_iso3": line["site_country_iso3"]}
    for level, key in ((1, "admin1"), (2, "admin2")):
        if depth > level:
            fields[f"{key}_name"] = line[f"site_{key}_name"]
            fields[f"{key}_pcode"] = line[f"site_{key}_pcode"]
    if place.level == "loc":
        fields.update({k.removeprefix("site_"): line[k] for k in line if k.startswith("site_")})
        fields["kind"], location_type = kind_of(line["site_kind"])
        fields["location_type"] = line["site_location_type"] or location_type
        name = place.name or line["site_id"] or line["site_pcode"]
        wanted = line["site_id"] or _readable_id(name or "", line["site_pcode"])
    else:
        fields["kind"] = "country" if place.level == "country" else "admin_area"
        name = place.name or place.code
        if place.level == "country":
            fields["country_iso3"] = place.code or line["site_country_iso3"]
        else:
            fields["pcode"] = place.code
        wanted = (place.code or "").lower() or _slug(name or "")
    site_id = index.free_id(wanted or "site")
    fields.update(id=site_id, name=name, parent_id=None)
    site = site_from_fields(fields)
    given_parent = line.get("site_parent_id") if place.level == "loc" else None
    parent_id = given_parent or (parent.id if parent else None)
    return replace(site, parent_id=parent_id) if parent_id else site


def _readable_id(name: str, pcode: str | None) -> str:
    """A name's id; for a name in another script its p-code, else its transliteration
    ("الركبان" -> "lrkbn"), never a meaningless "site-2"."""
    if has_latin_letter(name):
        return _slug(name)
    return (pcode or "").lower() or slugify(name)


def _slug(name: str) -> str:
    """An id from a name, accents dropped ("Bimbo Sud" -> "bimbo-sud"); empty for a name with
    no Latin letters or digits."""
    return re.sub(r"[^a-z0-9]+", "-", normalise_name(name)).strip("-")


def kind_of(text: str | None) -> tuple[str, str | None]:
    """The kind of site a #loc+type cell names, and the words to keep when they are not one
    of ours ("Host community" is a location of that type). No type: a location."""
    if not text:
        return "location", None
    key = " ".join(text.replace("_", " ").split()).casefold()
    if (exact := vocab.normalise_key(text)) in vocab.SITE_KINDS:
        return exact, None
    if key in vocab.LOCATION_TYPE_KINDS:
        return vocab.LOCATION_TYPE_KINDS[key], text
    return "location", text


def resolve_parents(new: list[Site], index: SiteIndex, notes: list[str]) -> None:
    """A parent named by the file (#loc+code+parent) that is neither in the store nor in the
    file: the site's own country when the parent is its id (an export of an area whose country
    has no figure), else the site is created without one; the summary says which."""
    for i, site in list(enumerate(new)):
        iso3 = site.country_iso3 or ""
        if site.parent_id and site.parent_id not in index.by_id and site.parent_id == iso3.lower():
            country = Site(site.parent_id, iso3, kind="country", country_iso3=iso3)
            index.add(country, created=True)
            new.append(country)
            notes.append(f"site '{site.id}': its parent '{site.parent_id}' is its country, created")
        elif site.parent_id and site.parent_id not in index.by_id:
            notes.append(
                f"site '{site.id}': its parent '{site.parent_id}' is not known, so it is "
                "created without one"
            )
            new[i] = replace(site, parent_id=None)


def resolve_ends(frame, checked, plan, index, end, *, create, new, unknown) -> None:
    """Origin or destination sites of movements, by id or name."""
    code_key, name_key = f"{end}_site_id", f"{end}_name"
    column = (
        plan.label(code_key)
        if code_key in plan.fields
        else (plan.label(name_key) if name_key in plan.fields else end)
    )
    out: list[str | None] = [None] * len(frame)
    codes, names = frame[code_key].to_numpy(), frame[name_key].to_numpy()
    rows = frame["row"].to_numpy()
    cache: dict[tuple, tuple[str | None, str]] = {}  # (code, name) -> (site id, problem)
    for p in range(len(frame)):
        code, name = codes[p], names[p]
        if code is None and name is None:
            continue
        key = (code, name)
        if key not in cache:
            cache[key] = _end_site(index, code, name, end, create=create, new=new, unknown=unknown)
        out[p], problem = cache[key]
        if problem:
            checked.fail([rows[p]], column, problem)
    put(frame, code_key, out)


def _end_site(index, code, name, end, *, create, new, unknown) -> tuple[str | None, str]:
    written = code or name
    matches = index.find(code, None, name, (None, None))
    if len(matches) == 1:
        return matches[0].id, ""
    if len(matches) > 1:
        return None, f"'{written}' names several sites; give the {end} site id"
    if create and code:  # known by its id and name only: its kind is a guess
        site = Site(id=code, name=name or code, kind="admin_area")
        index.add(site, created=True)
        new.append(site)
        return site.id, ""
    unknown.append(written)
    return None, (
        f"unknown {end} site '{written}' (add it, or import with --create-sites and a {end} "
        "site id)"
    )
