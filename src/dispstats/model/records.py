"""The records of the model: sites, sources and figures (each figure version is one record).

A figure's `id` names it across its versions; a correction, retraction or recommendation is a
new version with the next `version` number. Nothing is updated in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.breakdown import Part, check_parts
from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity


@dataclass(frozen=True)
class Site:
    """A camp, settlement, zone, administrative area or city; `id` is a short stable slug."""

    id: str
    name: str
    kind: str = "camp"
    country_iso3: str | None = None
    admin1_name: str | None = None
    admin1_pcode: str | None = None
    admin2_name: str | None = None
    admin2_pcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    parent_id: str | None = None
    sensitivity: str = "public"
    aliases: tuple[str, ...] = ()
    pcode: str | None = None
    # The file's own words for the kind of place ("Host community", "Collective centre").
    location_type: str | None = None

    def __post_init__(self) -> None:
        _require(self.id, "site id")
        _require(self.name, "name")
        for value, what in ((self.name, "site name"), *((a, "other name") for a in self.aliases),
                            (self.admin1_name, "admin 1 name"), (self.admin2_name, "admin 2 name"),
                            (self.location_type, "type of place")):  # fmt: skip
            short_enough(value, what, NAME_LIMIT)
        _one_of(self.kind, "kind", vocab.SITE_KINDS)
        _one_of(self.sensitivity, "sensitivity", vocab.SENSITIVITY)
        if (self.latitude is None) != (self.longitude is None):
            raise InputError("give both latitude and longitude, or neither", field="latitude")
        if self.parent_id is not None and self.parent_id == self.id:
            raise InputError(
                "a site cannot be its own parent", field="parent", value=self.parent_id
            )
        for alias in self.aliases:
            code, colon, name = alias.partition(":")
            if colon and code in vocab.NAME_LANGUAGES and not name.strip():
                raise InputError(
                    f"the alias '{alias}' gives a language but no name; write it as "
                    f"'{code}:<the name in that language>'",
                    field="alias",
                    value=alias,
                )

    @property
    def alias_names(self) -> tuple[str, ...]:
        """The other names, without their language tags ("ar:الركبان" is "الركبان")."""
        return tuple(vocab.alias_language(alias)[1] for alias in self.aliases)

    def name_in(self, language: str) -> str:
        """The site's name in `language` (an alias tagged "ar:..." for ar), else its name."""
        for alias in self.aliases:
            code, name = vocab.alias_language(alias)
            if code == language:
                return name
        return self.name


@dataclass(frozen=True)
class Source:
    """Who reported figures, where and when; `reliability` is the Admiralty grade A-F."""

    id: str
    publisher: str
    publisher_type: str = "media"
    title: str | None = None
    url: str | None = None
    published: date | None = None
    accessed: date | None = None
    reliability: str = "F"

    def __post_init__(self) -> None:
        _require(self.id, "source id")
        _require(self.publisher, "publisher")
        short_enough(self.publisher, "publisher", NAME_LIMIT)
        short_enough(self.title, "title", TITLE_LIMIT)
        short_enough(self.url, "url", TITLE_LIMIT)
        _one_of(self.publisher_type, "publisher type", vocab.PUBLISHER_TYPES)
        _one_of(self.reliability, "reliability", tuple(vocab.RELIABILITY))
        if self.published and self.accessed and self.accessed < self.published:
            raise InputError(
                f"accessed {self.accessed} is before published {self.published}",
                field="accessed",
                value=self.accessed,
            )


@dataclass(frozen=True)
class Figure:
    """One version of a figure, exactly as its source reported it.

    `low`/`high` are equal for a single value, differ for a range, and are both None for an
    unquantified report (whose excerpt then carries the source's words). Dates are inclusive.
    A figure's series is (site, indicator, population group, unit): `population_group` is one
    of vocab.POPULATION_GROUPS, or None when the source did not say; `description` is free
    text about the people ("Qaryatayn tribe"); `parts` its breakdown (model/breakdown.py).
    """

    site_id: str
    indicator: str
    quantity: Quantity
    ref: DateRef
    source_id: str
    value_text: str | None = None
    unit: str = "people"
    origin_site_id: str | None = None
    destination_site_id: str | None = None
    movement_status: str | None = None
    population_group: str | None = None
    description: str | None = None
    parts: tuple[Part, ...] = ()
    excerpt: str | None = None
    excerpt_sensitivity: str = "public"
    confidence: str = "medium"
    confidence_note: str | None = None
    role: str = "automatic"
    sensitivity: str = "public"
    id: int | None = None
    version: int = 1
    revision: str = "original"
    reason: str | None = None
    entered_by: str | None = None
    entered_at: datetime | None = None

    def __post_init__(self) -> None:
        _one_of(self.indicator, "indicator", vocab.INDICATORS)
        _one_of(self.unit, "unit", vocab.UNITS)
        _one_of(self.quantity.quantifier, "quantifier", vocab.QUANTIFIERS)
        _one_of(self.confidence, "confidence", vocab.CONFIDENCE)
        _one_of(self.role, "role", vocab.ROLES)
        _one_of(self.sensitivity, "sensitivity", vocab.SENSITIVITY)
        _one_of(self.excerpt_sensitivity, "excerpt sensitivity", vocab.SENSITIVITY)
        _one_of(self.revision, "revision", vocab.REVISION_KINDS)
        _require(self.site_id, "site")
        _require(self.source_id, "source")
        if self.population_group is not None:
            _one_of(self.population_group, "population group", vocab.POPULATION_GROUPS)
        if self.is_movement:
            if self.movement_status is not None:
                _one_of(self.movement_status, "status", vocab.MOVEMENT_STATUSES)
        else:
            for name in ("origin_site_id", "destination_site_id", "movement_status"):
                if getattr(self, name) is not None:
                    nice = name.removesuffix("_site_id").replace("_", " ")
                    raise InputError(
                        f"{nice} applies to movements (arrivals, departures, "
                        f"returns, relocation), not to {vocab.label(self.indicator)}",
                        field=nice,
                        value=getattr(self, name),
                    )
        for end in ("origin_site_id", "destination_site_id"):
            if getattr(self, end) is not None and getattr(self, end) == self.site_id:
                raise InputError(
                    "a movement's origin or destination must be another site",
                    field=end.removesuffix("_site_id"),
                    value=getattr(self, end),
                )
        if self.quantity.quantifier == "unquantified":
            if self.quantity.low is not None:
                raise InputError("an unquantified report has no number", field="value")
            if not (self.excerpt or "").strip():
                raise InputError(
                    "an unquantified report needs --excerpt with the source's own words",
                    field="excerpt",
                )
        elif self.quantity.low is None or self.quantity.high is None:
            raise InputError(
                "a number is required (or mark the report --unquantified)", field="value"
            )
        elif self.quantity.low < 0 or self.quantity.low > self.quantity.high:
            raise InputError(
                "the value must be 0 or more, with low <= high",
                field="value",
                value=str(self.quantity),
            )
        if self.parts:
            if self.quantity.low is None:
                raise InputError("an unquantified report has no parts", field="part")
            object.__setattr__(self, "parts", check_parts(self.parts))
        if self.revision in ("correction", "retraction") and not (self.reason or "").strip():
            raise InputError(f"a {self.revision} needs a reason", field="reason")

    @property
    def is_flow(self) -> bool:
        """Counted over its reference period (movements, new displacements), not at a date."""
        return self.indicator in vocab.FLOW_INDICATORS

    @property
    def is_movement(self) -> bool:
        """A flow between two places, with an origin, a destination and a status."""
        return self.indicator in vocab.MOVEMENT_INDICATORS

    @property
    def ends(self) -> tuple[str | None, str | None]:
        """(origin, destination) of a movement: arrivals and returns happen at their site."""
        if self.indicator in vocab.INBOUND_INDICATORS:
            return self.origin_site_id, self.site_id
        return self.site_id, self.destination_site_id

    @property
    def is_retracted(self) -> bool:
        return self.revision == "retraction"

    @property
    def low(self) -> int | None:
        return self.quantity.low

    @property
    def high(self) -> int | None:
        return self.quantity.high

    def revised(self, **changes) -> Figure:
        """A copy with changes, for building the next version."""
        return replace(self, **changes)


def after_publication(figure: Figure, source: Source | None) -> bool:
    """A count of people present (a stock) dated after its source was published: a source
    cannot have counted people on a day after it appeared, so the date is most likely a typo
    (a flow may be planned ahead; a projection must be said to be one)."""
    return (
        figure.indicator in vocab.STOCK_INDICATORS
        and source is not None
        and source.published is not None
        and figure.ref.start > source.published
    )


AFTER_PUBLICATION_OPTION = "--allow-after-publication"


def after_publication_error(ref_start: date, published: date) -> str:
    return (
        f"the figure is dated {ref_start.isoformat()}, after its source was published "
        f"({published.isoformat()}): a source cannot count people on a later day; check the "
        f"date, or give {AFTER_PUBLICATION_OPTION} if it really is (a projection)"
    )


# A name is read at a glance, on a map label or a chart axis; a title in a footnote. Longer
# text is most likely a paste gone wrong (a 12,000-character name took the brief 52 s).
NAME_LIMIT = 200
TITLE_LIMIT = 1_000


def short_enough(value: str | None, what: str, limit: int) -> None:
    """Refuse text longer than `limit` characters, quoting only its start."""
    if value is not None and len(value) > limit:
        raise InputError(
            f"'{value[:40]}…' is {len(value):,} characters long; a {what} may have at most "
            f"{limit:,}",
            field=what,
        )


def public_only(
    sites: Iterable[Site], figures: Iterable[Figure]
) -> tuple[list[Site], list[Figure]]:
    """What a public output may show: `public_sites` and `public_figures`. One rule for every
    output (store/public.py's PublicView applies it to a whole store)."""
    shown = public_sites(sites)
    return shown, list(public_figures({s.id for s in shown}, figures))


def public_sites(sites: Iterable[Site]) -> list[Site]:
    """Public sites, their parent left out when it is restricted: a reference names what it
    points at (site ids are made from names), so a public site inside a restricted one is
    shown inside nothing."""
    public = [s for s in sites if s.sensitivity == "public"]
    allowed = {s.id for s in public}
    return [
        replace(s, parent_id=None) if s.parent_id and s.parent_id not in allowed else s
        for s in public
    ]


def public_figures(public_site_ids: set[str], figures: Iterable[Figure]) -> Iterator[Figure]:
    """Public figures whose every site (the site itself, origin, destination) is public, one
    at a time as `figures` yields them (a stream of a large store), as a public output shows
    them: a restricted excerpt withheld, who entered the figure left out (that is internal)."""
    for f in figures:
        if f.sensitivity == "public" and all(
            s in public_site_ids for s in (f.site_id, f.origin_site_id, f.destination_site_id) if s
        ):
            yield _as_shown(f)


# An unquantified report is its words: when they are restricted, this stands in for them.
WITHHELD_EXCERPT = "[excerpt withheld: restricted]"


def _as_shown(f: Figure) -> Figure:
    withheld = f.excerpt_sensitivity == "restricted" and bool(f.excerpt)
    if not withheld and f.entered_by is None:
        return f
    excerpt = f.excerpt
    if withheld:
        excerpt = WITHHELD_EXCERPT if f.quantity.quantifier == "unquantified" else None
    return replace(f, excerpt=excerpt, entered_by=None)


def _require(value: str | None, name: str) -> None:
    if value is None or not str(value).strip():
        raise InputError(f"{name} is required", field=name)


def _one_of(value: str, name: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InputError(f"'{value}' is not one of: {', '.join(choices)}", field=name, value=value)
