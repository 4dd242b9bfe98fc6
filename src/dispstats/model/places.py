"""Which place each row of a file is about: the most specific one the row names.

A row may name a site (#loc), admin 3, 2 and 1 areas (#adm3, #adm2, #adm1) and a country
(#country). It is about the deepest of them that it names, or the one its #adm+level cell
states; the levels above are where that place lies. A row is never placed at a level it does
not name, and no cell is taken from another row.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispstats.errors import InputError

# From the top of the hierarchy down: (level, code key, name key). The site itself ("loc") is
# named by its id, p-code or name.
LEVELS = (
    ("country", "site_country_iso3", "country_name"),
    ("adm1", "site_admin1_pcode", "site_admin1_name"),
    ("adm2", "site_admin2_pcode", "site_admin2_name"),
    ("adm3", "admin3_pcode", "admin3_name"),
    ("loc", "site_pcode", "site_name"),
)
LEVEL_NAMES = tuple(level for level, _, _ in LEVELS)
PLACE_KEYS = (
    "site_id",
    *(key for _, code, name in LEVELS for key in (code, name)),
)
LEVEL_OF_KEY = {"site_id": "loc", **{k: level for level, *keys in LEVELS for k in keys}}
NO_PLACE = "no place given: the row's #loc, #adm and #country cells are empty (or say n/a, unknown)"
# How a file's #adm+level cell names a level (DTM and HDX HAPI write 0, 1, 2).
_STATED = {"0": "country", "1": "adm1", "2": "adm2", "3": "adm3"}
_WORDS = {
    "country": "country (#country)",
    "adm1": "admin 1 area (#adm1)",
    "adm2": "admin 2 area (#adm2)",
    "adm3": "admin 3 area (#adm3)",
    "loc": "site (#loc)",
}


@dataclass(frozen=True)
class Place:
    """One level a row names: its code (p-code, ISO3 or site id) and name."""

    level: str
    code: str | None
    name: str | None


def named(row, level: str) -> Place | None:
    """The place of `level` that a row (a mapping of cleaned cells) names, if any."""
    if level == "loc":
        code = row.get("site_id") or row.get("site_pcode")
        name = row.get("site_name")
    else:
        _, code_key, name_key = next(entry for entry in LEVELS if entry[0] == level)
        code, name = row.get(code_key), row.get(name_key)
    return Place(level, code, name) if code or name else None


def stated_level(text: str) -> str:
    """The level an #adm+level cell names ("0" country, "1" admin 1 ...)."""
    key = text.strip().lower().removeprefix("admin").removeprefix("adm").strip()
    key = key.removesuffix(".0")
    if key in _STATED:
        return _STATED[key]
    raise InputError(
        f"'{text}' is not an admin level: expected 0 (country), 1, 2 or 3",
        field="admin level",
        value=text,
    )


def row_level(row, stated: str | None) -> str:
    """The level a row is about: the one stated, or else the deepest it names.

    Raises InputError when the row names no place, when the stated level is empty, or when
    the row names a place below the stated level.
    """
    places = {level: p for level in LEVEL_NAMES if (p := named(row, level))}
    names = list(places)
    if not names:
        raise InputError(NO_PLACE, field="site")
    if stated is None:
        return names[-1]
    if stated not in names:
        raise InputError(
            f"the row's admin level is {stated.removeprefix('adm')} but it names no "
            f"{_WORDS[stated]}",
            field="admin level",
        )
    deeper = names[-1]
    if LEVEL_NAMES.index(deeper) > LEVEL_NAMES.index(stated):
        place = places[deeper]
        raise InputError(
            f"the row names the {_WORDS[deeper]} '{place.code or place.name}' below its "
            f"admin level {stated.removeprefix('adm')}: which one is it about?",
            field="admin level",
        )
    return stated


def chain(row, level: str) -> tuple[Place, ...]:
    """The places a row names from the top down to `level` (levels it leaves empty are
    skipped)."""
    stop = LEVEL_NAMES.index(level)
    return tuple(p for lv in LEVEL_NAMES[: stop + 1] if (p := named(row, lv)) is not None)
