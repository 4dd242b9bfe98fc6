"""Records built from text fields as typed at the prompt or read from a file's cells.

Keys are those of `columns.py`. Site and source references must already be resolved to ids
(resolution needs the store). Errors carry the field, the value and, for files, the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.breakdown import Part, parse_part
from dispstats.model.countries import check_pcode_country, parse_country
from dispstats.model.dates import parse_date, parse_dateref
from dispstats.model.parse import (
    Quantity,
    parse_choice,
    parse_coordinate,
    parse_quantity,
    parse_reliability,
    parse_url,
)
from dispstats.model.records import Figure, Site, Source

Fields = Mapping[str, object]
T = TypeVar("T")
# C0 controls other than tab and newline carry no meaning in a figure's text and break some
# outputs (PostgreSQL refuses NUL; XML forbids most of them). Directional overrides and
# isolates make text display other than it reads ("camp<RLO>exe.fdp" shows as "campfdp.exe"):
# Arabic and mixed text lay out correctly without them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object) -> str | None:
    """Trimmed text without control characters; None for empty cells."""
    if value is None:
        return None
    text = _CONTROL.sub("", str(value)).strip()
    return text or None


def with_row(row: int | None, build: Callable[[], T]) -> T:
    """Run `build`, adding the file row number to any InputError it raises."""
    try:
        return build()
    except InputError as exc:
        if row is None or exc.row is not None:
            raise
        raise InputError(exc.reason, field=exc.field, value=exc.value, row=row) from None


def site_from_fields(fields: Fields, row: int | None = None) -> Site:
    """A Site from text fields (aliases separated by semicolons)."""

    def build() -> Site:
        f = {k: clean_text(v) for k, v in fields.items()}
        lat, lon = f.get("latitude"), f.get("longitude")
        aliases = tuple(a.strip() for a in (f.get("aliases") or "").split(";") if a.strip())
        return Site(
            id=f.get("id") or "",
            name=f.get("name") or "",
            kind=parse_choice(f.get("kind") or "camp", "kind", vocab.SITE_KINDS),
            country_iso3=parse_country(code) if (code := f.get("country_iso3")) else None,
            admin1_name=f.get("admin1_name"),
            admin1_pcode=f.get("admin1_pcode"),
            admin2_name=f.get("admin2_name"),
            admin2_pcode=f.get("admin2_pcode"),
            latitude=parse_coordinate(lat, "latitude", 90) if lat else None,
            longitude=parse_coordinate(lon, "longitude", 180) if lon else None,
            parent_id=f.get("parent_id"),
            sensitivity=parse_choice(
                f.get("sensitivity") or "public", "sensitivity", vocab.SENSITIVITY
            ),
            aliases=aliases,
            pcode=f.get("pcode"),
            location_type=f.get("location_type"),
        )

    def checked() -> Site:
        site = build()
        for name in ("admin1_pcode", "admin2_pcode"):
            check_pcode_country(getattr(site, name), site.country_iso3, name.replace("_", " "))
        return site

    return with_row(row, checked)


def source_from_fields(fields: Fields, row: int | None = None, today: date | None = None) -> Source:
    """A Source from text fields; dates are single days, reliability a letter A-F."""

    def build() -> Source:
        f = {k: clean_text(v) for k, v in fields.items()}
        return Source(
            id=f.get("id") or "",
            publisher=f.get("publisher") or "",
            publisher_type=parse_choice(
                f.get("publisher_type") or "media",
                "publisher type",
                vocab.PUBLISHER_TYPES,
                {"party": "party_to_conflict", "local": "local_network"},
            ),
            title=f.get("title"),
            url=parse_url(url) if (url := f.get("url")) else None,
            published=parse_date(day, "published", today) if (day := f.get("published")) else None,
            accessed=parse_date(seen, "accessed", today) if (seen := f.get("accessed")) else None,
            reliability=parse_reliability(f.get("reliability") or "F"),
        )

    return with_row(row, build)


def parse_indicator(text: str) -> str:
    """An indicator as typed; the indicators of earlier versions (households, returnees) are
    refused with the words that say the same now."""
    key = vocab.normalise_key(text or "")
    if key in vocab.LEGACY_INDICATORS:
        now = vocab.LEGACY_INDICATORS[key]
        options = " ".join(
            f"--{k.removeprefix('population_')} {v}" for k, v in now.items() if k != "indicator"
        )
        raise InputError(
            f"'{text}' is no longer an indicator: they are counted as population, "
            f"--indicator population {options}",
            field="indicator",
            value=text,
        )
    return parse_choice(text, "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS)


def parse_group(text: str) -> str:
    """A population group as typed (idps, refugees, asylum seekers ...). Free words ("Qaryatayn
    tribe") are refused with the option that keeps them: --description."""
    key = vocab.normalise_key(text or "")
    if key in vocab.POPULATION_GROUPS or key in vocab.GROUP_SYNONYMS:
        return vocab.GROUP_SYNONYMS.get(key, key)
    raise InputError(
        f"'{text}' is not a population group: expected one of "
        f"{', '.join(vocab.label(g) for g in vocab.POPULATION_GROUPS)}; to say who the people "
        "are in your own words (e.g. 'Qaryatayn tribe'), use --description",
        field="group",
        value=text,
    )


def figure_from_fields(fields: Fields, row: int | None = None, today: date | None = None) -> Figure:
    """A new Figure (version 1) from text fields.

    "value" is the number in the source's words; "unquantified" (truthy) records a report with
    no number. The unit defaults to one named in the value text, else people. "parts" is a
    sequence of Parts or of texts such as "female=23,400" (breakdown.parse_part).
    """

    def build() -> Figure:
        f: dict[str, Any] = {
            k: clean_text(v) if not isinstance(v, bool | tuple | list) else v
            for k, v in fields.items()
        }
        value_text = f.get("value_text") or f.get("value")
        quantity, unit = _quantity_and_unit(f, value_text)
        status = f.get("movement_status")
        return Figure(
            site_id=f.get("site_id") or "",
            indicator=parse_indicator(f.get("indicator") or ""),
            quantity=quantity,
            value_text=value_text if quantity.quantifier != "unquantified" else None,
            ref=parse_dateref(f.get("reference") or "", "date", today),
            source_id=f.get("source_id") or "",
            unit=unit,
            origin_site_id=f.get("origin_site_id"),
            destination_site_id=f.get("destination_site_id"),
            movement_status=parse_choice(status, "status", vocab.MOVEMENT_STATUSES)
            if status
            else None,
            population_group=parse_group(f["population_group"])
            if f.get("population_group")
            else None,
            description=f.get("description"),
            parts=tuple(
                p if isinstance(p, Part) else parse_part(str(p)) for p in f.get("parts") or ()
            ),
            excerpt=f.get("excerpt"),
            excerpt_sensitivity=parse_choice(
                f.get("excerpt_sensitivity") or "public", "excerpt sensitivity", vocab.SENSITIVITY
            ),
            confidence=parse_choice(
                f.get("confidence") or "medium", "confidence", vocab.CONFIDENCE
            ),
            confidence_note=f.get("confidence_note"),
            role=parse_choice(f.get("role") or "automatic", "role", vocab.ROLES),
            sensitivity=parse_choice(
                f.get("sensitivity") or "public", "sensitivity", vocab.SENSITIVITY
            ),
        )

    return with_row(row, build)


def _quantity_and_unit(f: dict, value_text: str | None) -> tuple[Quantity, str]:
    """The quantity, and the unit given, else the one the value names, else people."""
    if f.get("unquantified") or "unquantified" in (
        (value_text or "").lower(),
        (f.get("quantifier") or "").lower(),
    ):
        quantity, unit_hint = Quantity(None, None, "unquantified"), None
    else:
        quantity, unit_hint = parse_quantity(value_text or "", "value")
    if f.get("unit"):
        return quantity, parse_choice(f["unit"], "unit", vocab.UNITS, vocab.UNIT_SYNONYMS)
    return quantity, unit_hint or "people"
