"""Stored rows <-> records, and the rules every write path shares (the SQLAlchemy store and
the SQLite entry path): no database library here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from operator import itemgetter

from dispstats.errors import InputError
from dispstats.model.breakdown import parts_from_text, parts_text
from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# Figure attributes stored under the same name (all but its number, its dates, its parts and
# its id, which are stored as columns of their own).
SAME_NAME_FIELDS = tuple(
    f.name for f in fields(Figure) if f.name not in ("quantity", "ref", "id", "parts")
)


def version_values(f: Figure) -> dict:
    return {name: getattr(f, name) for name in SAME_NAME_FIELDS} | {
        "figure_id": f.id,
        "low": f.quantity.low,
        "high": f.quantity.high,
        "quantifier": f.quantity.quantifier,
        "ref_start": f.ref.start,
        "ref_end": f.ref.end,
        "ref_precision": f.ref.precision,
        "parts": parts_text(f.parts),
    }


def figure_from_row(r) -> Figure:
    """The figure of one stored version row given as a mapping (SQLAlchemy's, sqlite3.Row, a
    dict); see figure_maker, which does the work."""
    names = list(r.keys())
    return figure_maker(names)([r[name] for name in names])


# Distinct periods or moments a maker keeps for sharing, at most.
_SHARED = 10_000


def figure_maker(names: Sequence[str]) -> Callable[[Sequence], Figure]:
    """A function making the Figure of a stored version row given as a tuple whose columns
    are `names` (a cursor's or a result's order): the positions are looked up once, not per
    row and field, which is most of the cost of reading a million figures. Dates may be ISO
    text (the SQLite driver) or dates (SQLAlchemy, PostgreSQL). Not validated again: every
    write path validated the figure (Figure.__post_init__) before storing it, and reads of a
    million rows should not pay twice; the fields are set as the frozen dataclass's __init__
    would set them.

    Rows of one read share their reference periods and entry moments (an import's rows have
    one moment, a weekly store a few hundred dates): each distinct one is made once and its
    record shared, as records are immutable. Quantities vary too much to be worth it."""
    at = {name: i for i, name in enumerate(names)}
    same = itemgetter(*(at[name] for name in SAME_NAME_FIELDS))
    entered = SAME_NAME_FIELDS.index("entered_at")
    figure_id = at["figure_id"]
    quantity = itemgetter(at["low"], at["high"], at["quantifier"])
    parts_at = at["parts"]
    ref = itemgetter(at["ref_start"], at["ref_end"], at["ref_precision"])
    new, fields_of = object.__new__, SAME_NAME_FIELDS
    refs: dict[tuple, DateRef] = {}
    moments: dict[object, datetime | None] = {}

    def period(key: tuple) -> DateRef:
        if len(refs) > _SHARED:
            refs.clear()
        start, end, precision = key
        if isinstance(start, str):
            start, end = date.fromisoformat(start), date.fromisoformat(end)
        made = refs[key] = DateRef(start, end, precision)
        return made

    def moment(stored) -> datetime | None:
        if len(moments) > _SHARED:  # figures entered one by one: each its own moment
            moments.clear()
        made = stored
        if isinstance(made, str):
            made = datetime.fromisoformat(made)
        made = moments[stored] = as_utc(made)
        return made

    def make(row: Sequence) -> Figure:
        values = list(same(row))
        stored = values[entered]
        values[entered] = moments.get(stored) or moment(stored)
        key = ref(row)
        amount = new(Quantity)  # as Quantity's __init__ would: three plain fields
        held = amount.__dict__
        held["low"], held["high"], held["quantifier"] = quantity(row)
        figure = new(Figure)
        stored_parts = row[parts_at]
        figure.__dict__.update(
            zip(fields_of, values, strict=True),
            id=row[figure_id],
            quantity=amount,
            ref=refs.get(key) or period(key),
            parts=parts_from_text(stored_parts) if stored_parts else (),
        )
        return figure

    return make


def as_utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def site_from_row(r, aliases: tuple[str, ...]) -> Site:
    fields = {k: r[k] for k in Site.__dataclass_fields__ if k != "aliases"}
    return Site(**fields, aliases=aliases)


def source_from_row(r) -> Source:
    return Source(**{k: r[k] for k in Source.__dataclass_fields__})


def parents_first(new_sites: list[Site]) -> list[Site]:
    """Order new sites so a parent given in the same batch is stored before its children."""
    by_id = {s.id: s for s in new_sites}
    ordered: list[Site] = []
    seen: set[str] = set()

    def visit(site: Site, path: tuple[str, ...]) -> None:
        if site.id in seen:
            return
        if site.id in path:
            raise InputError(
                f"sites {' -> '.join((*path, site.id))} form a loop of parents",
                field="parent",
                value=site.parent_id,
            )
        if site.parent_id in by_id:
            visit(by_id[site.parent_id], (*path, site.id))
        seen.add(site.id)
        ordered.append(site)

    for site in new_sites:
        visit(site, ())
    return ordered
