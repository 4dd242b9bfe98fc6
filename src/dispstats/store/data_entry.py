"""Data entry from text as an analyst types it: resolve names, parse, store in one transaction.

These are the functions behind `dispstats site add`, `source add`, `add` and `correct`; they
take the same words the command line takes, so notebooks and tests can use them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from dispstats.errors import Conflict, DuplicateFigure, InputError
from dispstats.model import vocab
from dispstats.model.breakdown import Part, check_parts, parse_part
from dispstats.model.dates import format_dateref, parse_dateref
from dispstats.model.fields import (
    clean_text,
    figure_from_fields,
    parse_group,
    parse_indicator,
    site_from_fields,
    source_from_fields,
)
from dispstats.model.parse import Quantity, has_latin_letter, parse_choice, parse_quantity, slugify
from dispstats.model.records import Figure, Site, Source, after_publication, after_publication_error
from dispstats.store.filters import FigureFilter
from dispstats.store.lookup import find_site, normalise_name

if TYPE_CHECKING:
    from dispstats.store.contract import FigureWriter
    from dispstats.store.store import Store

# Texts as typed, flags (bool) and "parts" (a sequence of texts such as "female=23,400").
TextFields = Mapping[str, Any]
SOURCE_FIELDS = (
    "publisher",
    "publisher_type",
    "title",
    "url",
    "published",
    "accessed",
    "reliability",
)


def add_site(store: Store, fields: TextFields) -> Site:
    """Add a site; its id defaults to a slug of its name, the parent is found by name."""
    f = dict(fields)
    existing = store.sites()
    if not clean_text(f.get("id")):
        name = normalise_name(str(f.get("name") or ""))
        for site in existing:
            if name in {normalise_name(n) for n in (site.name, site.id, *site.alias_names)}:
                raise Conflict(
                    f"'{f.get('name')}' names a site already: {site.name} "
                    f"({site.id}); to add another site of that name, give it an "
                    f"--id of its own"
                )
        # A name in another script makes a poor id even transliterated: the p-code is better.
        name_text = str(f.get("name") or "")
        base = name_text if has_latin_letter(name_text) else clean_text(f.get("pcode")) or name_text
        f["id"] = _free_id(slugify(base), {s.id for s in existing})
    if clean_text(f.get("parent_id")):
        f["parent_id"] = find_site(existing, str(f["parent_id"])).id
    return store.add_site(site_from_fields(f))


def add_source(store: Store, fields: TextFields, today: date | None = None) -> Source:
    """Add a source; its id defaults to publisher and publication date ("ocha-2018-09-16")."""
    return store.add_source(new_source_from_fields(store, fields, today))


def new_source_from_fields(
    store: FigureWriter, fields: TextFields, today: date | None = None
) -> Source:
    """A new Source from text fields; its id defaults to publisher and publication date, made
    free among the store's source ids."""
    f = dict(fields)
    if not clean_text(f.get("id")):
        base = slugify(f"{f.get('publisher') or ''} {f.get('published') or ''}")
        f["id"] = _free_id(base, {s.id for s in store.sources()})
    return source_from_fields(f, today=today)


def add_figure(
    store: FigureWriter,
    fields: TextFields,
    today: date | None = None,
    *,
    allow_duplicate: bool = False,
    allow_after_publication: bool = False,
) -> Figure:
    """Add one figure from text fields, creating its source in the same transaction if asked.

    A figure identical to one on record (site, indicator, reference date, source, value) is
    refused with DuplicateFigure unless `allow_duplicate` (a source that reported it twice).
    A stock dated after its source was published is refused unless `allow_after_publication`.

    Fields: site, indicator, value (or unquantified=True), date, source, and optionally unit,
    destination, origin, status, group (a population group: idps, refugees ...), description
    (free words about the people), parts (texts such as "female=23,400", or Parts), excerpt,
    confidence, note, role, sensitivity. A new source is described by publisher (required),
    publisher_type, title, url, published, accessed, reliability; `source` then becomes its id.
    """
    _refuse_missing(fields)
    sites = store.sites()
    new_source = _new_source(store, fields, today)
    source_id = (
        new_source.id
        if new_source
        else store.find_source(clean_text(fields.get("source")) or "").id
    )

    def site_id(key: str) -> str | None:
        ref = clean_text(fields.get(key))
        return find_site(sites, ref).id if ref else None

    figure = figure_from_fields(
        {
            "site_id": site_id("site"),
            "indicator": fields.get("indicator"),
            "value": fields.get("value"),
            "unquantified": bool(fields.get("unquantified")),
            "reference": fields.get("date"),
            "source_id": source_id,
            "unit": fields.get("unit"),
            "origin_site_id": site_id("origin"),
            "destination_site_id": site_id("destination"),
            "movement_status": fields.get("status"),
            "population_group": fields.get("group"),
            "description": fields.get("description"),
            "parts": tuple(fields.get("parts") or ()),
            "excerpt": fields.get("excerpt"),
            "excerpt_sensitivity": fields.get("excerpt_sensitivity"),
            "confidence": fields.get("confidence"),
            "confidence_note": fields.get("note"),
            "role": fields.get("role"),
            "sensitivity": fields.get("sensitivity"),
        },
        today=today,
    )
    source = new_source or store.source(source_id)
    if not allow_after_publication and source.published and after_publication(figure, source):
        raise InputError(
            after_publication_error(figure.ref.start, source.published),
            field="date",
            value=format_dateref(figure.ref),
        )
    if new_source is None and not allow_duplicate:
        _refuse_duplicate(store, figure)
    return store.add_figure(figure, new_source=new_source)


def _refuse_missing(fields: TextFields) -> None:
    given = {
        name: bool(clean_text(fields.get(name)))
        for name in ("site", "indicator", "value", "date", "source", "publisher")
    }
    given["value"] = given["value"] or bool(fields.get("unquantified"))
    has_publisher = given.pop("publisher")
    given["source"] = given["source"] or has_publisher
    if missing := [name for name, ok in given.items() if not ok]:
        raise InputError(
            f"missing {', '.join(missing)}: a figure needs a site, an indicator, "
            f"a value (or 'unquantified'), a reference date and a source"
        )


def _new_source(store: FigureWriter, fields: TextFields, today: date | None) -> Source | None:
    """The source the fields describe when they name a publisher (`source` is then its id)."""
    if not clean_text(fields.get("publisher")):
        return None
    source_fields = {k: fields.get(k) for k in SOURCE_FIELDS}
    source_fields["id"] = clean_text(fields.get("source"))
    return new_source_from_fields(store, source_fields, today)


def same_figure(store: FigureWriter, figure: Figure) -> Figure | None:
    """A current, not retracted figure on record that says what `figure` says."""
    on_record = store.figures(
        FigureFilter(
            site_ids=[figure.site_id],
            indicator=figure.indicator,
            source_id=figure.source_id,
            date_from=figure.ref.start,
            date_to=figure.ref.end,
        )
    )

    def content(f: Figure) -> tuple:
        return (f.ref, f.quantity, f.unit, f.origin_site_id, f.destination_site_id)

    # A figure typed again without its group (or with one the first did not state) is most
    # likely the same report: asked about, not silently stored twice.
    groups = {figure.population_group, None}
    return next(
        (
            f
            for f in on_record
            if content(f) == content(figure)
            and (f.population_group in groups or figure.population_group is None)
        ),
        None,
    )


def _refuse_duplicate(store: FigureWriter, figure: Figure) -> None:
    if (existing := same_figure(store, figure)) is not None:
        raise DuplicateFigure(
            f"figure {existing.id} already records this (same site, indicator, date, source "
            f"and value: {existing.value_text or existing.quantity}); add --allow-duplicate "
            "if the source really reported it twice",
            existing,
        )


def figure_changes(store: FigureWriter, changes: TextFields, today: date | None = None) -> dict:
    """Turn text changes (same keys as `add_figure`) into Figure field values, validated.
    "parts" replaces the figure's parts; "no_parts" (truthy) removes them."""
    out: dict = {}
    text: dict[str, Any] = {
        k: clean_text(v) if not isinstance(v, bool | tuple | list) else v
        for k, v in changes.items()
        if v not in (None, "", False, (), [])
    }
    if text.get("parts") and text.get("no_parts"):
        raise InputError("give new parts or --no-parts, not both", field="part")
    if "parts" in text:
        out["parts"] = check_parts(
            p if isinstance(p, Part) else parse_part(str(p)) for p in text["parts"]
        )
    if text.get("no_parts"):
        out["parts"] = ()
    if text.get("unquantified"):
        out["quantity"], out["value_text"] = Quantity(None, None, "unquantified"), None
    elif "value" in text:
        out["quantity"], unit = parse_quantity(text["value"])
        out["value_text"] = text["value"]
        if unit:
            out["unit"] = unit
    if "date" in text:
        out["ref"] = parse_dateref(text["date"], "date", today)
    for key, attr in (
        ("site", "site_id"),
        ("origin", "origin_site_id"),
        ("destination", "destination_site_id"),
    ):
        if key in text:
            out[attr] = store.find_site(text[key]).id
    if "source" in text:
        out["source_id"] = store.find_source(text["source"]).id
    if "indicator" in text:
        out["indicator"] = parse_indicator(text["indicator"])
    if "group" in text:
        out["population_group"] = parse_group(text["group"])
    choices = {
        "unit": ("unit", vocab.UNITS, vocab.UNIT_SYNONYMS),
        "status": ("movement_status", vocab.MOVEMENT_STATUSES, None),
        "confidence": ("confidence", vocab.CONFIDENCE, None),
        "role": ("role", vocab.ROLES, None),
        "sensitivity": ("sensitivity", vocab.SENSITIVITY, None),
        "excerpt_sensitivity": ("excerpt_sensitivity", vocab.SENSITIVITY, None),
    }
    for key, (attr, options, synonyms) in choices.items():
        if key in text:
            out[attr] = parse_choice(text[key], key, options, synonyms)
    for key, attr in (
        ("description", "description"),
        ("excerpt", "excerpt"),
        ("note", "confidence_note"),
    ):
        if key in text:
            out[attr] = text[key]
    return out


def correct_figure(
    store: Store,
    figure_id: int,
    reason: str,
    changes: TextFields,
    expected_version: int | None = None,
    *,
    today: date | None = None,
    keep_excerpt: bool = False,
) -> Figure:
    """Store a correction of a figure with the changed fields given as text.

    A new value with the old excerpt would show the source's words for one number beside
    another: refused unless the correction gives the new words (excerpt) or says the old ones
    still hold (`keep_excerpt`)."""
    if not clean_text(reason):
        raise InputError("say why the figure is corrected (--reason)", field="reason")
    current = store.figure(figure_id)  # a missing figure is reported before its changes
    fields = figure_changes(store, changes, today)
    new_value = "quantity" in fields and fields["quantity"] != current.quantity
    stale = expected_version is not None and expected_version != current.version
    if new_value and not stale and current.excerpt and "excerpt" not in fields and not keep_excerpt:
        raise InputError(
            f"the value changes but the excerpt “{_shortened(current.excerpt)}” supports the "
            "old one: give the source's words for the new value with --excerpt, or "
            "--keep-excerpt if the old words still hold",
            field="excerpt",
        )
    return store.correct(figure_id, clean_text(reason) or "", expected_version, **fields)


def declassified_fields(before: Figure, after: Figure) -> list[str] | None:
    """For a correction from restricted to public, the keys of the fields it carries over
    that public outputs will now show (an excerpt marked restricted stays withheld); None
    for any other correction."""
    if not (before.sensitivity == "restricted" and after.sensitivity == "public"):
        return None
    carried = []
    if after.excerpt and after.excerpt_sensitivity == "public":
        carried.append("excerpt")
    return carried + [
        key for key in ("confidence_note", "description", "value_text") if getattr(after, key)
    ]


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _free_id(base: str, taken: set[str]) -> str:
    candidate, n = base[:60], 2
    while candidate in taken:
        candidate, n = f"{base[:56]}-{n}", n + 1
    return candidate
