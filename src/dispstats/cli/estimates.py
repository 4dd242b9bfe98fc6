"""Commands about best estimates: estimate, recommend."""

from __future__ import annotations

import click

from dispstats.cli.app import cli, state_of
from dispstats.cli.options import (
    if_version_option,
    indicator_option,
    public_view_option,
    stale_weeks_option,
    window_weeks_option,
)
from dispstats.cli.render import (
    count_words,
    figure_json,
    print_json,
    print_table,
    site_labels,
    value_words,
)
from dispstats.model import vocab
from dispstats.model.parse import format_dateref, parse_choice, parse_dateref
from dispstats.series import RULE, Estimate, estimate
from dispstats.series.checks import span_words
from dispstats.series.estimate import REASONS


def _indicator(text: str) -> str:
    return parse_choice(text, "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS)


@cli.command("estimate")
@click.argument("site_ref", metavar="SITE")
@indicator_option
@click.option("--as-of", help="Date of the estimate (default: today).")
@window_weeks_option
@stale_weeks_option
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def estimate_command(ctx, site_ref, indicator, as_of, window_weeks, stale_weeks, public, as_json):
    """The best estimate for a site as of a date, why it won, and the other estimates.

    \b
    Examples:
      dispstats estimate Rukban --as-of 2018-09-17
      dispstats estimate "55-km zone" --indicator departures --as-of 2018-W38 --json
    """
    store = state_of(ctx).store()
    when = parse_dateref(as_of, "as-of").end if as_of else None
    result = estimate(
        store, site_ref, _indicator(indicator), when, window_weeks, stale_weeks, public=public
    )
    publishers = {s.id: s.publisher for s in store.sources()}
    total = _total_of(store, result, stale_weeks, public)
    if as_json:
        data = estimate_json(result, window_weeks, public)
        print_json(data | {"total": total_json(total, public) if total else None})
        return
    names = site_labels(store.sites())
    for line in estimate_lines(result, publishers, window_weeks, names.get(result.site_id)):
        click.echo(line)
    if total is not None:
        for line in total_lines(total, names, stale_weeks):
            click.echo(line)


def _total_of(store, e: Estimate, stale_weeks: int, public: bool):
    """The total of the site's children, when it has any."""
    from dispstats.series import site_estimates

    if not any(s.parent_id == e.site_id for s in store.sites()):
        return None
    found = site_estimates(
        store, e.indicator, e.as_of, stale_weeks=stale_weeks, public=public, under=[e.site_id]
    )
    return found.site_total(e.site_id) if found.children.get(e.site_id) else None


def total_lines(total, names: dict[str, str], stale_weeks: int) -> list[str]:
    """A parent's total in words: the sum, its coverage, the children stale or unreported."""
    lines = [
        f"Total of its {count_words(total.children, 'site')}: "
        + (span_words(total.low, total.high) if total.parts else "no figure from any of them")
        + f" ({total.recent} of {total.children} reported in the last "
        f"{stale_weeks} weeks)"
    ]
    if total.public:
        lines.append("  public figures only: excluding restricted sites")
    for part in total.parts:
        stale = " — STALE" if part.is_stale else ""
        how = "" if part.estimate else " (total of its own sites)"
        name = names.get(part.site_id, part.site_id)
        lines.append(f"  {name}: {span_words(part.low, part.high)}{how}{stale}")
    for site_id in total.unreported:
        lines.append(f"  {names.get(site_id, site_id)}: no figure")
    if total.own is not None:
        lines.append("  The site's own figure above is shown beside the total, not replaced.")
    return lines


def total_json(total, public: bool = False) -> dict:
    return {
        "area": total.area,
        "level": total.level,
        "indicator": total.indicator,
        "as_of": total.as_of,
        "low": total.low if total.parts else None,
        "high": total.high if total.parts else None,
        "children": total.children,
        "reported_recently": total.recent,
        "parts": [
            {
                "site_id": p.site_id,
                "low": p.low,
                "high": p.high,
                "stale": p.is_stale,
                "figure_ids": [f.id for f in p.figures],
            }
            for p in total.parts
        ],
        "unreported": list(total.unreported),
        "own_figure": figure_json(total.own.figure, public) if total.own else None,
        "excluding_restricted_sites": public,
    }


def estimate_lines(
    e: Estimate, publishers: dict[str, str], window_weeks: int, name: str | None = None
) -> list[str]:
    """The estimate in words, one line each (the site by `name`, else by id)."""

    def cite(f) -> str:
        return (
            f"{value_words(f):<24} {publishers.get(f.source_id, f.source_id)}, "
            f"{format_dateref(f.ref)} (#{f.id})"
        )

    lines = [f"{name or e.site_id} · {e.indicator} · as of {e.as_of.isoformat()}"]
    if e.figure is None:
        lines.append("No figure on or before this date.")
    else:
        stale = f" — STALE: last confirmed {e.age_weeks} weeks ago" if e.is_stale else ""
        lines.append(f"Best estimate: {cite(e.figure)}{stale}")
        lines.append(f"  why: {REASONS[e.reason]}")
        if e.competitors:
            lines.append(
                f"Other estimates in the {window_weeks} weeks to {e.as_of}: "
                f"{e.low:,}–{e.high:,} from {len(e.competitors) + 1} figures"
            )
            lines += [f"  {cite(f)}" for f in e.competitors]
        else:
            lines.append(f"No other estimate in the {window_weeks} weeks to {e.as_of}.")
        if e.earlier:
            lines.append("Earlier estimates from other sources:")
            lines += [f"  {cite(f)}" for f in e.earlier]
    if e.reports:
        lines.append("Unquantified reports:")
        lines += [f"  {cite(f)}" for f in e.reports]
    return lines


def estimate_json(e: Estimate, window_weeks: int, public: bool = False) -> dict:
    return {
        "site_id": e.site_id,
        "indicator": e.indicator,
        "as_of": e.as_of,
        "figure": figure_json(e.figure, public) if e.figure else None,
        "reason": e.reason,
        "reason_text": REASONS.get(e.reason or "", None),
        "low": e.low,
        "high": e.high,
        "age_days": e.age_days,
        "stale": e.is_stale,
        "competitors": [figure_json(f, public) for f in e.competitors],
        "earlier": [figure_json(f, public) for f in e.earlier],
        "reports": [figure_json(f, public) for f in e.reports],
        "rule": RULE.format(window=window_weeks),
    }


@cli.command()
@click.argument("figure_id", type=int)
@click.option("--reason", help="Why this figure should be the best estimate (kept in history).")
@if_version_option
@click.pass_context
def recommend(ctx, figure_id: int, reason: str | None, expected_version: int | None) -> None:
    """Mark a figure as recommended: among figures of its date it wins the best estimate.

    Stored as a new version of the figure, so the choice and its reason stay in history.

    \b
    Example:
      dispstats recommend 4 --reason "OCHA's count is the only one based on a registration"
    """
    store = state_of(ctx).store()
    figure = store.recommend(figure_id, (reason or "").strip() or None, expected_version)
    click.echo(f"Figure {figure.id} is recommended (version {figure.version}).")


@cli.command("series")
@click.argument("site_refs", metavar="SITE...", nargs=-1, required=True)
@indicator_option
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    default=12,
    show_default=True,
    help="How many ISO weeks, ending with the week of --end.",
)
@click.option("--end", help="A day in the last week shown (default: today).")
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per site-week).")
@click.pass_context
def series_command(ctx, site_refs, indicator, weeks, end, public, as_json):
    """Weekly best estimates for sites: the value at each week's end, carried forward from the
    last figure (never interpolated), with its source and age.

    \b
    Examples:
      dispstats series Rukban --weeks 8 --end 2018-09-17
      dispstats series Rukban "55-km zone" --weeks 52 --end 2018-W38 --json
    """
    from dispstats.series import weekly_series

    store = state_of(ctx).store()
    last = parse_dateref(end, "end").end if end else None
    frame = weekly_series(store, site_refs, _indicator(indicator), weeks, last, public=public)
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        print_json(records)
        return
    import pandas as pd

    def cell(value) -> str:
        return "" if pd.isna(value) else str(value)

    names = site_labels(store.sites())
    print_table(
        ["Site", "Week", "Value", "Source", "Reference", "Age", "Stale"],
        [
            [
                names.get(r.site_id, r.site_id),
                r.week,
                "no figure yet" if pd.isna(r.low) else _series_value(r),
                cell(r.publisher),
                cell(r.reference),
                "" if pd.isna(r.age_days) else f"{r.age_days} d",
                "stale" if r.stale else "",
            ]
            for r in frame.itertuples()
        ],
        title=f"{indicator}, best estimate at the end of each week",
    )


def _series_value(row) -> str:
    words = f"{row.low:,}" if row.low == row.high else f"{row.low:,}–{row.high:,}"
    return words if row.quantifier == "exact" else f"{vocab.label(row.quantifier)} {words}"


@cli.command("check")
@click.option("--as-of", help="Date of the check (default: today).")
@stale_weeks_option
@window_weeks_option
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=0.10,
    show_default=True,
    help="Relative change that counts as a rise or drop in stock-flow checks.",
)
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def check_command(ctx, as_of, stale_weeks, window_weeks, tolerance, public, as_json):
    """Findings to look at: stale estimates, sources that disagree, and movements that do not
    square with the population figures (planned ones, to follow up).

    \b
    Example:
      dispstats check --as-of 2018-09-17
    """
    from dispstats.series import check

    when = parse_dateref(as_of, "as-of").end if as_of else None
    report = check(state_of(ctx).store(), when, stale_weeks, window_weeks, tolerance, public=public)
    if as_json:
        print_json(
            {
                "as_of": report.as_of,
                "findings": [
                    f.__dict__ | {"figure_ids": list(f.figure_ids)} for f in report.findings
                ],
            }
        )
        return
    click.echo(f"Check as of {report.as_of}: {count_words(len(report.findings), 'finding')}")
    for title, found in (
        ("Stale estimates", report.stale),
        ("Where sources disagree", report.disagreement_findings),
        ("Movements and stock-flow", report.stock_flow),
        ("Parents against their sites' total", report.totals),
    ):
        click.echo(f"\n{title}:")
        if not found:
            click.echo("  none")
        for f in found:
            refs = ", ".join(f"#{i}" for i in f.figure_ids)
            click.echo(f"  [{f.severity}] {f.message} ({refs})")


@cli.command("totals")
@click.option(
    "--by",
    type=click.Choice(["site", "admin1", "admin2", "country"]),
    default="site",
    show_default=True,
    help="Parents to total: sites with child sites, or the admin areas (p-codes) and "
    "countries (ISO3) that sites name.",
)
@click.option("--country", help="Only areas in this country (ISO3, e.g. SYR).")
@indicator_option
@click.option("--as-of", help="Date of the estimates (default: today).")
@stale_weeks_option
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def totals_command(ctx, by, country, indicator, as_of, stale_weeks, public, as_json):
    """Totals up the site hierarchy: each parent's children's best estimates added up (ranges
    as ranges), with how many reported recently, beside the parent's own figure.

    Each child counts once: by its own best estimate, else by the total of its own children.

    \b
    Examples:
      dispstats totals --as-of 2018-09-17
      dispstats totals --by admin1 --country SYR --as-of 2018-W38
    """
    from datetime import date

    from dispstats.model.countries import parse_country
    from dispstats.series import hierarchy_totals

    store = state_of(ctx).store()
    when = parse_dateref(as_of, "as-of").end if as_of else date.today()
    code = parse_country(country, "country") if country else None
    name = _indicator(indicator)
    totals = hierarchy_totals(store, by, country=code, indicator=name, as_of=when,
                              stale_weeks=stale_weeks, public=public)  # fmt: skip
    if as_json:
        print_json([total_json(t, public) for t in totals])
        return
    if not totals:
        where = f" in {code}" if code else ""
        click.echo(f"No {'site with child sites' if by == 'site' else by + ' area'}{where}.")
        return
    sites = store.sites()
    names, area_names = site_labels(sites), _area_names(sites, by)
    print_table(
        ["Area", "Total of its sites", "Reported recently", "Stale", "No figure", "Own figure"],
        [
            [
                (names if by == "site" else area_names).get(t.area, t.area),
                span_words(t.low, t.high) if t.parts else "no figure",
                f"{t.recent} of {t.children}",
                ", ".join(names.get(i, i) for i in t.stale),
                ", ".join(names.get(i, i) for i in t.unreported),
                value_words(t.own.figure) if t.own else "",
            ]
            for t in totals
        ],
        title=f"{name} as of {when}"
        + (" (public figures only: excluding restricted sites)" if public else ""),
    )


def _area_names(sites, by: str) -> dict[str, str]:
    """An admin area's name as the sites give it, with its code: "Homs (SY04)"."""
    if by in ("site", "country"):
        return {}
    code, name = (f"{by}_pcode", f"{by}_name")
    return {
        getattr(s, code): f"{getattr(s, name)} ({getattr(s, code)})"
        for s in sites
        if getattr(s, code) and getattr(s, name)
    }
