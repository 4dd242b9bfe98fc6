"""Commands about best estimates: estimate, recommend."""

from __future__ import annotations

import click

from dispstats.cli.app import cli, state_of
from dispstats.cli.options import (
    digits_option,
    if_version_option,
    indicator_option,
    lang_option,
    public_view_option,
    stale_weeks_option,
    window_weeks_option,
)
from dispstats.cli.render import (
    figure_json,
    print_json,
    print_table,
    site_labels,
    value_words,
)
from dispstats.model import vocab
from dispstats.model.parse import format_dateref, parse_choice, parse_dateref
from dispstats.reports import wording
from dispstats.reports.i18n import N_, Lang, get_lang
from dispstats.series import Estimate, estimate

terminal_lang_option = lang_option("Language of the output.", from_env=True)
SEVERITIES = {"warning": N_("warning"), "info": N_("info")}
SERIES_HEADERS = (
    N_("Site"), N_("Week"), N_("Value"), N_("Source"), N_("Reference"), N_("Age"), N_("Stale")
)  # fmt: skip


def _indicator(text: str) -> str:
    return parse_choice(text, "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS)


@cli.command("estimate")
@click.argument("site_ref", metavar="SITE")
@indicator_option
@click.option("--as-of", help="Date of the estimate (default: today).")
@window_weeks_option
@stale_weeks_option
@public_view_option
@terminal_lang_option
@digits_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def estimate_command(
    ctx, site_ref, indicator, as_of, window_weeks, stale_weeks, public, lang, digits, as_json
):
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
    t = get_lang(lang, digits, document=False)
    if as_json:
        data = estimate_json(result, window_weeks, public, t)
        print_json(data | {"total": total_json(total, public) if total else None})
        return
    names = site_labels(store.sites())
    for line in estimate_lines(result, publishers, window_weeks, names.get(result.site_id), lang=t):
        click.echo(line)
    if total is not None:
        for line in total_lines(total, names, stale_weeks, t):
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


def total_lines(total, names: dict[str, str], stale_weeks: int, t: Lang) -> list[str]:
    """A parent's total in words: the sum, its coverage, the children stale or unreported."""
    amount = (
        t.span(total.low, total.high) if total.parts else t.gettext("no figure from any of them")
    )
    lines = [
        t.ngettext(
            "Total of its %(num)s site: %(amount)s (%(recent)s of %(children)s reported in the "
            "last %(weeks)s weeks)",
            "Total of its %(num)s sites: %(amount)s (%(recent)s of %(children)s reported in the "
            "last %(weeks)s weeks)",
            total.children,
        )
        % {"num": t.number(total.children), "amount": amount, "recent": t.number(total.recent),
           "children": t.number(total.children), "weeks": t.number(stale_weeks)}
    ]  # fmt: skip
    if total.public:
        lines.append("  " + t.gettext("public figures only: excluding restricted sites"))
    for part in total.parts:
        stale = t.gettext(" — STALE") if part.is_stale else ""
        how = "" if part.estimate else t.gettext(" (total of its own sites)")
        name = names.get(part.site_id, part.site_id)
        lines.append(f"  {name}: {t.span(part.low, part.high)}{how}{stale}")
    for site_id in total.unreported:
        lines.append(
            "  " + t.gettext("%(site)s: no figure") % {"site": names.get(site_id, site_id)}
        )
    if total.own is not None:
        lines.append(
            "  " + t.gettext("The site's own figure above is shown beside the total, not replaced.")
        )
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
    e: Estimate,
    publishers: dict[str, str],
    window_weeks: int,
    name: str | None = None,
    *,
    lang: Lang | None = None,
) -> list[str]:
    """The estimate in words, one line each (the site by `name`, else by id)."""
    t = lang or get_lang()

    def cite(f) -> str:
        return (
            f"{wording.figure_words(t, f):<24} "
            f"{publishers.get(f.source_id, f.source_id)}, "
            f"{t.digits_of(format_dateref(f.ref))} (#{f.id})"
        )

    lines = [
        t.gettext("%(site)s · %(indicator)s · as of %(day)s")
        % {"site": name or e.site_id, "indicator": wording.indicator(t, e.indicator),
           "day": t.iso(e.as_of)}
    ]  # fmt: skip
    until = {"num": t.number(window_weeks), "day": t.iso(e.as_of)}
    if e.figure is None:
        lines.append(t.gettext("No figure on or before this date."))
    else:
        stale = ""
        if e.is_stale:
            stale = t.ngettext(
                " — STALE: last confirmed %(num)s week ago",
                " — STALE: last confirmed %(num)s weeks ago",
                e.age_weeks,
            ) % {"num": t.number(e.age_weeks)}
        lines.append(t.gettext("Best estimate: %(figure)s") % {"figure": cite(e.figure)} + stale)
        lines.append("  " + t.gettext("why: %(reason)s") % {"reason": wording.reason(t, e.reason)})
        if e.competitors:
            lines.append(
                t.ngettext(
                    "Other estimates in the week to %(day)s: %(range)s from %(figures)s figures",
                    "Other estimates in the %(num)s weeks to %(day)s: %(range)s from %(figures)s "
                    "figures",
                    window_weeks,
                )
                % (until | {"range": t.range(e.low, e.high),
                            "figures": t.number(len(e.competitors) + 1)})
            )  # fmt: skip
            lines += [f"  {cite(f)}" for f in e.competitors]
        else:
            lines.append(
                t.ngettext(
                    "No other estimate in the week to %(day)s.",
                    "No other estimate in the %(num)s weeks to %(day)s.",
                    window_weeks,
                )
                % until
            )
        if e.earlier:
            lines.append(t.gettext("Earlier estimates from other sources:"))
            lines += [f"  {cite(f)}" for f in e.earlier]
    if e.reports:
        lines.append(t.gettext("Unquantified reports:"))
        lines += [f"  {cite(f)}" for f in e.reports]
    return lines


def estimate_json(e: Estimate, window_weeks: int, public: bool = False, lang=None) -> dict:
    t = lang or get_lang()
    return {
        "site_id": e.site_id,
        "indicator": e.indicator,
        "as_of": e.as_of,
        "figure": figure_json(e.figure, public) if e.figure else None,
        "reason": e.reason,
        "reason_text": wording.reason(t, e.reason),
        "low": e.low,
        "high": e.high,
        "age_days": e.age_days,
        "stale": e.is_stale,
        "competitors": [figure_json(f, public) for f in e.competitors],
        "earlier": [figure_json(f, public) for f in e.earlier],
        "reports": [figure_json(f, public) for f in e.reports],
        "rule": wording.rule(t, window_weeks),
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
@terminal_lang_option
@digits_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per site-week).")
@click.pass_context
def series_command(ctx, site_refs, indicator, weeks, end, public, lang, digits, as_json):
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
    t = get_lang(lang, digits, document=False)
    print_table(
        [t.gettext(h) for h in SERIES_HEADERS],
        [
            [
                names.get(r.site_id, r.site_id),
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
        % {"indicator": wording.indicator(t, _indicator(indicator))},
    )


def _series_value(row, t: Lang) -> str:
    from dispstats.model.parse import Quantity

    return wording.quantity_words(t, Quantity(int(row.low), int(row.high), row.quantifier))


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
def check_command(ctx, as_of, stale_weeks, window_weeks, tolerance, public, lang, digits, as_json):
    """Findings to look at: stale estimates, sources that disagree, and movements that do not
    square with the population figures (planned ones, to follow up).

    \b
    Example:
      dispstats check --as-of 2018-09-17
    """
    from dispstats.series import check

    when = parse_dateref(as_of, "as-of").end if as_of else None
    store = state_of(ctx).store()
    report = check(store, when, stale_weeks, window_weeks, tolerance, public=public)
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
    ):
        click.echo(f"\n{title}:")
        if not found:
            click.echo("  " + t.gettext("none"))
        for f in found:
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
    english = get_lang()
    print_table(
        ["Area", "Total of its sites", "Reported recently", "Stale", "No figure", "Own figure"],
        [
            [
                (names if by == "site" else area_names).get(t.area, t.area),
                english.span(t.low, t.high) if t.parts else "no figure",
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
