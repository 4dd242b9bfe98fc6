"""How records read on a terminal and in --json output. No logic beyond presentation."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

import click

from dispstats.model.columns import figure_row, site_row, source_row
from dispstats.model.dates import format_dateref
from dispstats.model.records import Figure, Site, Source
from dispstats.model.vocab import RELIABILITY, label


def count_words(n: int, word: str, plural: str | None = None) -> str:
    """ "1 key site", "2 key sites": a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def value_words(figure: Figure) -> str:
    """ "about 45,000 people", "70,000–80,000 people", "unquantified"."""
    q = figure.quantity
    if q.quantifier == "unquantified":
        excerpt = figure.excerpt or ""
        return f"unquantified: “{excerpt[:40]}{'…' if len(excerpt) > 40 else ''}”"
    number = f"{q.low:,}" if not q.is_range else f"{q.low:,}–{q.high:,}"
    words = number if q.quantifier == "exact" else f"{label(q.quantifier)} {number}"
    return f"{words} {figure.unit}"


def site_labels(sites: Iterable[Site]) -> dict[str, str]:
    """How the terminal names each site: its name, with its id only when another site has
    the same name."""
    sites = list(sites)
    counts: dict[str, int] = {}
    for s in sites:
        counts[s.name.casefold()] = counts.get(s.name.casefold(), 0) + 1
    return {s.id: s.name if counts[s.name.casefold()] == 1 else f"{s.name} ({s.id})" for s in sites}


def figure_line(
    figure: Figure,
    sources: dict[str, Source] | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """One line naming a figure: id, site, indicator, value, date, movement and source."""
    names = names or {}
    parts = [
        f"#{figure.id}",
        names.get(figure.site_id, figure.site_id),
        figure.indicator
        + (f" ({label(figure.population_group)})" if figure.population_group else ""),
        value_words(figure),
        format_dateref(figure.ref),
    ]
    if figure.destination_site_id:
        parts.append(f"to {names.get(figure.destination_site_id, figure.destination_site_id)}")
    if figure.origin_site_id:
        parts.append(f"from {names.get(figure.origin_site_id, figure.origin_site_id)}")
    if figure.movement_status:
        parts.append(label(figure.movement_status))
    source = (sources or {}).get(figure.source_id)
    parts.append(f"{source.publisher} ({figure.source_id})" if source else figure.source_id)
    if figure.is_retracted:
        parts.append("RETRACTED")
    return " · ".join(parts)


def figure_details(
    figure: Figure, source: Source | None, sites: dict[str, Site] | None = None
) -> list[tuple[str, str]]:
    """Label/value pairs for `dispstats show` (sites named with their ids)."""
    sites = sites or {}

    def site(site_id: str | None) -> str:
        if not site_id:
            return ""
        return f"{sites[site_id].name} ({site_id})" if site_id in sites else site_id

    pairs = [
        ("Figure", f"{figure.id} (version {figure.version}, {figure.revision})"),
        ("Site", site(figure.site_id)),
        ("Indicator", figure.indicator),
        ("Value", value_words(figure)),
        ("As reported", figure.value_text or ""),
        (
            "Reference",
            f"{format_dateref(figure.ref)} ({figure.ref.precision}: "
            f"{figure.ref.start} to {figure.ref.end})",
        ),
        ("Origin", site(figure.origin_site_id)),
        ("Destination", site(figure.destination_site_id)),
        ("Movement", label(figure.movement_status)),
        ("Group", label(figure.population_group) if figure.population_group else "not stated"),
        ("Who they are", figure.description or ""),
        ("Parts", parts_words(figure)),
        ("Source", _source_words(source) if source else figure.source_id),
        ("Excerpt", f"“{figure.excerpt}”" if figure.excerpt else ""),
        (
            "Confidence",
            figure.confidence + (f": {figure.confidence_note}" if figure.confidence_note else ""),
        ),
        ("Role", figure.role),
        ("Sensitivity", figure.sensitivity),
        ("Reason", figure.reason or ""),
        ("Entered", f"{figure.entered_at:%Y-%m-%d %H:%M} UTC by {figure.entered_by}"),
    ]
    return [(k, v) for k, v in pairs if v]


def parts_words(figure: Figure) -> str:
    """ "sex female: 23,400; sex male: 21,600": a figure's parts, as `--part` reads them."""
    return "; ".join(f"{p.spelled}: {p.value:,}" for p in figure.parts)


def _source_words(source: Source) -> str:
    when = f", {source.published}" if source.published else ""
    return (
        f"{source.publisher}{when} ({source.id}; reliability {source.reliability}, "
        f"{RELIABILITY[source.reliability]})"
    )


def print_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    pairs = list(pairs)
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key:<{width}}  {value}")


def print_table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A table on the terminal (rich is imported only here, for listing commands)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, title=title, show_lines=False, header_style="bold")
    for row in rows:
        table.add_row(*(_escape(cell) for cell in row))
    console = Console()
    if not console.is_terminal:
        # Piped into a file or another program: no terminal width to respect.
        console = Console(width=200)
    console.print(table)


def _escape(cell: str) -> str:
    from rich.markup import escape

    return escape(str(cell))


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def figure_json(figure: Figure) -> dict:
    """A figure as JSON (from a PublicView, who entered it is blank: that is internal)."""
    row = figure_row(figure)
    row["parts"] = [dict(p.key) | {"value": p.value} for p in figure.parts]
    return row


def site_json(site: Site) -> dict:
    return site_row(site) | {"aliases": list(site.aliases)}


def source_json(source: Source) -> dict:
    return source_row(source)


def similar_publisher_lines(sources, publisher: str | None) -> list[str]:
    """A warning when a new source's publisher is spelled like one on record: its figures
    would count as another publisher's (two publishers in the brief for one)."""
    from dispstats.store.lookup import close_publishers

    close = close_publishers(sources, publisher) if publisher else []
    if not close:
        return []
    ids = ", ".join(s.id for s in close[:3])
    return [
        f"note: the publisher '{publisher}' is spelled like '{close[0].publisher}' "
        f"(sources: {ids}); if it is the same, give --source {close[0].id} instead"
    ]
