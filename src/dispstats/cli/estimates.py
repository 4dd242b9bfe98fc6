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
    if as_json:
        print_json(estimate_json(result, window_weeks, public))
    else:
        name = site_labels(store.sites()).get(result.site_id, result.site_id)
        for line in estimate_lines(result, publishers, window_weeks, name):
            click.echo(line)


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
    ):
        click.echo(f"\n{title}:")
        if not found:
            click.echo("  none")
        for f in found:
            refs = ", ".join(f"#{i}" for i in f.figure_ids)
            click.echo(f"  [{f.severity}] {f.message} ({refs})")
