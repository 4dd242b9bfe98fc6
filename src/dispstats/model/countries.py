"""Countries, read by ISO 3166-1 code or English name through pycountry (never a hand list),
else by the names humanitarian data writes through hdx-python-country (the 'countries'
extra: 'DR Congo', 'oPt'; a loose match is only suggested), and the check that an admin
p-code belongs to its site's country.

OCHA's common operational datasets build admin p-codes from the country's ISO 3166-1 alpha-2
code (SY04 is Homs in Syria, JO02 a governorate of Jordan); some use the alpha-3 code. A p-code
that begins with another country's letters is a mistake to refuse, not to guess about.
pycountry is imported on first use: entering figures does not pay for it.
"""

from __future__ import annotations

import re
from functools import cache

from dispstats.errors import InputError

# Codes humanitarian data uses that ISO 3166-1 has not assigned: HDX writes XKX for Kosovo,
# IDMC and HDX write AB9 for the Abyei Area (between Sudan and South Sudan, no ISO2 code).
EXTRA = {"XKX": ("XK", "Kosovo"), "AB9": ("", "Abyei Area")}


def parse_country(text: str, field: str = "country") -> str:
    """The ISO3 code of a country given as ISO3 (SYR), ISO2 (SY) or its English name or
    common name (Syrian Arab Republic, Syria), in any case."""
    import pycountry

    s = str(text or "").strip()
    if s.upper() in EXTRA:
        return s.upper()
    extra = {name.casefold(): code for code, (_, name) in EXTRA.items()}
    if s.casefold() in extra:
        return extra[s.casefold()]
    try:
        return pycountry.countries.lookup(s).alpha_3
    except LookupError:
        pass
    exact, loose = humanitarian_name(s)
    if exact:
        return exact
    advice = (
        f"; HDX's country names come close to {loose} ({country_codes(loose)[2]}), a loose "
        f"match never taken without you: write {loose} if it is meant"
        if loose
        else "" if _hdx_names_installed() else
        "; names as humanitarian data writes them ('DR Congo', 'oPt', 'Syrian Arab Rep.') are "
        "read when dispstats is installed with its 'countries' extra"
    )  # fmt: skip
    raise UnknownCountry(
        f"'{text}' is not a country ISO 3166-1 or HDX's country names know; give its ISO3 "
        f"code (SYR), ISO2 code (SY) or English name (Syria){advice}",
        field=field,
        value=text,
        loose=loose,
    )


class UnknownCountry(InputError):
    """A country no table knows exactly; `loose` is the ISO3 code a loose match suggests."""

    def __init__(self, message: str, *, field: str, value: object, loose: str | None):
        super().__init__(message, field=field, value=value)
        self.loose = loose


@cache
def _hdx_names_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("hdx") is not None and (
        importlib.util.find_spec("hdx.location") is not None
    )


def humanitarian_name(text: str) -> tuple[str | None, str | None]:
    """(the ISO3 code HDX's country table gives `text` exactly, the code it matches loosely):
    hdx-python-country, the humanitarian community's table of country names ('DR Congo',
    'oPt', 'Syrian Arab Rep.'), read offline; (None, None) when it is not installed."""
    if not _hdx_names_installed():
        return None, None
    from hdx.location.country import Country

    exact = Country.get_iso3_country_code(text, use_live=False)
    if exact:
        return exact, None
    loose, _ = Country.get_iso3_country_code_fuzzy(text, use_live=False)
    return None, loose


def country_codes(iso3: str) -> tuple[str, str, str]:
    """ISO2, ISO3 and the name of a country known by its ISO3 code."""
    import pycountry

    if iso3 in EXTRA:
        return EXTRA[iso3][0], iso3, EXTRA[iso3][1]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise InputError(f"'{iso3}' is not an ISO3 country code", field="country", value=iso3)
    return country.alpha_2, country.alpha_3, getattr(country, "common_name", country.name)


def check_pcode_country(pcode: str | None, iso3: str | None, field: str) -> None:
    """Refuse an admin p-code whose letters name another country than the site's. A p-code
    without a country prefix (digits first) is not checked: nothing in it says where it is."""
    if not pcode or not iso3:
        return
    letters = re.match(r"[A-Za-z]+", pcode)
    if letters is None:
        return
    iso2, _, name = country_codes(iso3)
    prefix = letters.group(0).upper()
    if prefix.startswith(iso3) or prefix.startswith(iso2):
        return
    raise InputError(
        f"p-code {pcode} does not belong to {name} ({iso3}): its p-codes begin with {iso2} "
        f"(e.g. {iso2}01); check the p-code or the country",
        field=field,
        value=pcode,
    )
