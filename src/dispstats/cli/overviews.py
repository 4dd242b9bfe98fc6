"""Commands across sites: series (weekly best estimates), check (findings to look at) and
totals (up the site hierarchy)."""

from __future__ import annotations

import click

from dispstats.cli.app import cli, state_of
from dispstats.cli.estimates import (
    flow_period,
    is_period_flow,
    terminal_lang_option,
    total_json,
)
from dispstats.cli.options import (
    digits_option,
    group_view_option,
    indicator_option,
    parse_group_view,
    period_option,
    public_view_option,
    stale_weeks_option,
    unit_view_option,
    window_weeks_option,
)
from dispstats.cli.render import (
    print_json,
    print_table,
    site_labels,
    value_words,
)
from dispstats.model.dates import parse_dateref
from dispstats.model.fields import parse_indicator
from dispstats.reports import wording
from dispstats.reports.i18n import N_, Lang, get_lang

SEVERITIES = {"serious": N_("serious"), "warning": N_("warning"), "info": N_("info")}


SERIES_HEADERS = (
    N_("Site"), N_("Week"), N_("Value"), N_("Source"), N_("Reference"), N_("Age"), N_("Stale")
)  # fmt: skip


@cli.command("series")
@click.argument("site_refs", metavar="SITE...", nargs=-1, required=True)
@indicator_option
@group_view_option
@unit_view_option
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    default=12,
    show_default=True,
    help="How many ISO weeks, ending with the week of --end.",
)
@click.option("--end", help="A day in the last week shown (default: today).")
@public_view_option
@terminal_lang_option
@digits_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per site-week).")
@click.pass_context
def series_command(ctx, *, site_refs, indicator, group, unit, weeks, end, public, lang, digits,
                   as_json):  # fmt: skip
    """Weekly best estimates for sites: the value at each week's end, carried forward from the
    last figure (never interpolated), with its source and age; one series per population
    group, in people unless --unit households. New displacements are added up week by week.

    \b
    Examples:
      dispstats series Rukban --weeks 8 --end 2018-09-17
      dispstats series Rukban "55-km zone" --weeks 52 --end 2018-W38 --json
    """
    from dispstats.series import weekly_series

    store = state_of(ctx).reader(public)
    last = parse_dateref(end, "end").end if end else None
    name = parse_indicator(indicator)
    frame = weekly_series(store, site_refs, name, weeks, last, group=parse_group_view(group),
                          unit=unit)  # fmt: skip
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        print_json(records)
        return
    import pandas as pd

    def cell(value) -> str:
        return "" if pd.isna(value) else str(value)

    names = site_labels(store.sites())
    t = get_lang(lang, digits, document=False)
    several = frame[["population_group", "unit"]].drop_duplicates().shape[0] > 1
    print_table(
        [t.gettext(h) for h in SERIES_HEADERS],
        [
            [
                names.get(r.site_id, r.site_id)
                + (
                    f" · {wording.series_label(t, name, r.population_group, r.unit)}"
                    if several
                    else ""
                ),
                t.digits_of(r.week),
                t.gettext("no figure yet") if pd.isna(r.low) else _series_value(r, t),
                cell(r.publisher),
                t.digits_of(cell(r.reference)),
                ""
                if pd.isna(r.age_days)
                else t.gettext("%(days)s d") % {"days": t.number(r.age_days)},
                t.gettext("stale") if r.stale else "",
            ]
            for r in frame.itertuples()
        ],
        title=t.gettext("%(indicator)s, best estimate at the end of each week")
        % {"indicator": _series_title(t, name, frame, several)},
    )


def _series_title(t: Lang, indicator: str, frame, several: bool) -> str:
    if several or frame.empty:
        return wording.indicator(t, indicator)
    row = frame.iloc[0]
    return wording.series_label(t, indicator, row["population_group"], row["unit"])


def _series_value(row, t: Lang) -> str:
    from dispstats.model.parse import Quantity

    words = wording.quantity_words(t, Quantity(int(row.low), int(row.high), row.quantifier))
    value = t.gettext(wording.UNITS[row.unit]) % {"value": words}
    if row.reason != "total_of_sites":
        return value
    sites = int(row.total_of_sites)
    return t.ngettext(
        "%(value)s (total of %(num)s site)", "%(value)s (total of %(num)s sites)", sites
    ) % {"value": value, "num": t.number(sites)}


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
@terminal_lang_option
@digits_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def check_command(
    ctx, *, as_of, stale_weeks, window_weeks, tolerance, public, lang, digits, as_json
):
    """Findings to look at: stale estimates, sources that disagree, movements that do not
    square with the population figures (planned ones, to follow up), parents against their
    sites' total, parts that do not add up, and population figures dated after their source.

    Severity grows with the gap, on one scale for every kind: info when the two numbers that
    should agree are within a quarter of each other, warning up to double, serious when one is
    double the other or more (a stale estimate: twice the staleness limit). Within each kind,
    the most serious come first.

    \b
    Example:
      dispstats check --as-of 2018-09-17
    """
    from dispstats.series import check

    when = parse_dateref(as_of, "as-of").end if as_of else None
    store = state_of(ctx).reader(public)
    report = check(store, when, stale_weeks, window_weeks, tolerance)
    t = get_lang(lang, digits, document=False)
    words = wording.FindingWords(
        t, site_labels(store.sites()), {s.id: s.publisher for s in store.sources()}
    )
    if as_json:
        print_json(
            {
                "as_of": report.as_of,
                "findings": [
                    {"kind": f.kind, "site_id": f.site_id, "message": words(f),
                     "figure_ids": list(f.figure_ids), "severity": f.severity}
                    for f in report.findings
                ],
            }
        )  # fmt: skip
        return
    count = len(report.findings)
    click.echo(
        t.ngettext("Check as of %(day)s: %(num)s finding", "Check as of %(day)s: %(num)s findings",
                   count) % {"day": t.iso(report.as_of), "num": t.number(count)}
    )  # fmt: skip
    for title, found in (
        (t.gettext("Stale estimates"), report.stale),
        (t.gettext("Where sources disagree"), report.disagreement_findings),
        (t.gettext("Movements and stock-flow"), report.stock_flow),
        (t.gettext("Parents against their sites' total"), report.totals),
        (t.gettext("Parts that do not add up"), report.parts),
        (t.gettext("Dated after their source was published"), report.dates),
    ):
        click.echo(f"\n{title}:")
        if not found:
            click.echo("  " + t.gettext("none"))
        for f in sorted(found, key=lambda f: list(SEVERITIES).index(f.severity)):
            refs = ", ".join(f"#{i}" for i in f.figure_ids)
            severity = t.gettext(SEVERITIES[f.severity])
            click.echo(f"  [{severity}] {words(f)} ({refs})")


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
@group_view_option
@unit_view_option
@click.option("--as-of", help="Date of the estimates (default: today).")
@period_option
@stale_weeks_option
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def totals_command(ctx, *, by, country, indicator, group, unit, as_of, period, stale_weeks, public,
                   as_json):  # fmt: skip
    """Totals up the site hierarchy: each parent's children's best estimates added up (ranges
    as ranges), with how many reported recently, beside the parent's own figure. Each
    population group is totalled apart (never IDPs plus refugees), in people unless --unit
    households; new displacements are added up over --period.

    Each child counts once: by its own best estimate, else by the total of its own children.

    \b
    Examples:
      dispstats totals --as-of 2018-09-17
      dispstats totals --by admin1 --country SYR --as-of 2018-W38
      dispstats totals --by country --indicator population --group idps --unit people --json
      dispstats totals --by country --indicator new_displacements --period 2011
    """
    from datetime import date

    from dispstats.model.countries import parse_country
    from dispstats.series import hierarchy_totals

    store = state_of(ctx).reader(public)
    when = parse_dateref(as_of, "as-of").end if as_of else date.today()
    code = parse_country(country, "country") if country else None
    name = parse_indicator(indicator)
    span = flow_period(period, name) if is_period_flow(name) else None
    totals = hierarchy_totals(store, by, country=code, indicator=name, as_of=when,
                              stale_weeks=stale_weeks, group=parse_group_view(group),
                              unit=unit, period=span)  # fmt: skip
    if as_json:
        print_json([total_json(t, public_only=public) for t in totals])
        return
    if not totals:
        where = f" in {code}" if code else ""
        click.echo(f"No {'site with child sites' if by == 'site' else by + ' area'}{where}.")
        return
    sites = store.sites()
    names, area_names = site_labels(sites), _area_names(sites, by)
    english = get_lang()
    kinds = list(dict.fromkeys(t.kind for t in totals))
    for n, kind in enumerate(kinds):
        if n:
            click.echo("")
        shown = [t for t in totals if t.kind == kind]
        series = wording.series_label(
            english,
            kind.indicator,
            kind.group,
            kind.unit,
            with_group=kind.group is not None or len(kinds) > 1,
        )
        when_words = (f"{span[0]}..{span[1]}" if span else f"as of {when}")  # fmt: skip
        print_table(
            ["Area", "Total of its sites", "Reported recently", "Stale", "No figure",
             "Own figure"],
            [
                [
                    (names if by == "site" else area_names).get(t.area, t.area),
                    wording.sum_amount(english, t, t.unit) if t.parts else "no figure",
                    f"{t.recent} of {t.children}",
                    ", ".join(names.get(i, i) for i in t.stale),
                    ", ".join(names.get(i, i) for i in t.unreported),
                    _own_words(t.own),
                ]
                for t in shown
            ],
            title=f"{series} {when_words}"
            + (" (public figures only: excluding restricted sites)" if public else ""),
        )  # fmt: skip


def _own_words(own) -> str:
    from dispstats.series import FlowSum

    if own is None:
        return ""
    if isinstance(own, FlowSum):
        return wording.sum_amount(get_lang(), own, own.key.unit) if own.counted else ""
    return value_words(own.figure)


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
