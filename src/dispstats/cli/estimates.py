"""Commands about best estimates: estimate, recommend."""

from __future__ import annotations

import click

from dispstats.cli.app import UserError, cli, state_of
from dispstats.cli.options import (
    digits_option,
    group_view_option,
    if_version_option,
    indicator_option,
    lang_option,
    parse_group_view,
    period_option,
    public_view_option,
    stale_weeks_option,
    unit_view_option,
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
from dispstats.model.fields import parse_indicator
from dispstats.model.parse import format_dateref, parse_dateref
from dispstats.reports import wording
from dispstats.reports.i18n import N_, Lang, get_lang
from dispstats.series import Estimate

terminal_lang_option = lang_option("Language of the output.", from_env=True)
SEVERITIES = {"serious": N_("serious"), "warning": N_("warning"), "info": N_("info")}
SERIES_HEADERS = (
    N_("Site"), N_("Week"), N_("Value"), N_("Source"), N_("Reference"), N_("Age"), N_("Stale")
)  # fmt: skip


def _indicator(text: str) -> str:
    return parse_indicator(text)


@cli.command("estimate")
@click.argument("site_ref", metavar="SITE")
@indicator_option
@group_view_option
@unit_view_option
@click.option("--as-of", help="Date of the estimate (default: today).")
@period_option
@window_weeks_option
@stale_weeks_option
@public_view_option
@terminal_lang_option
@digits_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: one series (say which with --group and --unit when the site has several).",
)
@click.pass_context
def estimate_command(ctx, site_ref, indicator, group, unit, as_of, period, window_weeks,
                     stale_weeks, public, lang, digits, as_json):  # fmt: skip
    """The best estimate for a site as of a date, why it won, and the other estimates: one
    per population group (IDPs and refugees are never compared), in people unless --unit
    households. New displacements are a flow: their total over --period, never an estimate.

    \b
    Examples:
      dispstats estimate Rukban --as-of 2018-09-17
      dispstats estimate Rukban --group refugees --unit people --json
      dispstats estimate "55-km zone" --indicator departures --as-of 2018-W38 --json
      dispstats estimate TZA --indicator new_displacements --period 2011
    """
    from dispstats.series import estimates, flow
    from dispstats.series.from_store import several_series

    store = state_of(ctx).store()
    name, chosen = _indicator(indicator), parse_group_view(group)
    t = get_lang(lang, digits, document=False)
    names = site_labels(store.sites())
    if _is_period_flow(name):
        flows = flow(store, site_ref, name, _period(period, name), public=public, group=chosen,
                     unit=unit)  # fmt: skip
        _print_flows(flows, names, store, t, as_json=as_json, several_series=several_series)
        return
    when = parse_dateref(as_of, "as-of").end if as_of else None
    found = estimates(store, site_ref, name, when, window_weeks=window_weeks,
                      stale_weeks=stale_weeks, public=public, group=chosen, unit=unit)  # fmt: skip
    publishers = {s.id: s.publisher for s in store.sources()}
    if as_json:
        if len(found) > 1:
            raise several_series(site_ref, [e.key.kind for e in found])
        (result,) = found
        total = _total_of(store, result, stale_weeks, public)
        data = estimate_json(result, window_weeks, public, t)
        print_json(data | {"total": total_json(total, public) if total else None})
        return
    for n, result in enumerate(found):
        if n:
            click.echo("")
        several = len({e.population_group for e in found}) > 1
        lines = estimate_lines(result, publishers, window_weeks, names.get(result.site_id),
                               lang=t, name_group=several)  # fmt: skip
        for line in lines:
            click.echo(line)
        total = _total_of(store, result, stale_weeks, public)
        if total is not None:
            for line in total_lines(total, names, stale_weeks, t):
                click.echo(line)


def _is_period_flow(indicator: str) -> bool:
    """New displacements are added up over a period; movements keep their own figures."""
    return indicator in vocab.FLOW_INDICATORS and indicator not in vocab.MOVEMENT_INDICATORS


def _period(text: str | None, indicator: str):
    if not text:
        raise UserError(
            f"{vocab.label(indicator)} are a flow, added up over a period: give --period "
            "(2011, 2011-03, 2011-W12 or 2011-01-01..2011-06-30)"
        )
    ref = parse_dateref(text, "period")
    return ref.start, ref.end


def _print_flows(flows, names, store, t: Lang, *, as_json: bool, several_series) -> None:
    if as_json:
        if len(flows) > 1:
            raise several_series(flows[0].site_id, [f.key.kind for f in flows])
        print_json(flow_json(flows[0]))
        return
    publishers = {s.id: s.publisher for s in store.sources()}
    for n, found in enumerate(flows):
        if n:
            click.echo("")
        for line in flow_lines(found, publishers, names.get(found.site_id), t):
            click.echo(line)


def _total_of(store, e: Estimate, stale_weeks: int, public: bool):
    """The total of the site's children in the estimate's series, when it has any."""
    from dispstats.series import Kind, site_estimates

    if not any(s.parent_id == e.site_id for s in store.sites()):
        return None
    kind = Kind(e.indicator, e.population_group, e.unit)
    found = site_estimates(
        store, kind, e.as_of, stale_weeks=stale_weeks, public=public, under=[e.site_id]
    )
    return found.site_total(e.site_id) if found.children.get(e.site_id) else None


def total_lines(total, names: dict[str, str], stale_weeks: int, t: Lang) -> list[str]:
    """A parent's total in words: the sum with its unit, its coverage, the children stale or
    unreported."""
    amount = (
        wording.sum_amount(t, total, total.unit)
        if total.parts
        else t.gettext("no figure from any of them")
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
        how = "" if part.estimate or part.flow else t.gettext(" (total of its own sites)")
        name = names.get(part.site_id, part.site_id)
        part_words = wording.sum_amount(t, part, total.unit)
        lines.append(f"  {name}: {part_words}{how}{stale}")
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
    from dispstats.series import FlowSum

    own = total.own
    return {
        "area": total.area,
        "level": total.level,
        "indicator": total.indicator,
        "population_group": total.group,
        "unit": total.unit,
        "as_of": total.as_of,
        "low": total.low if total.parts else None,
        "high": total.high if total.parts else None,
        "quantifier": total.quantifier if total.parts else None,
        "children": total.children,
        "reported_recently": total.recent,
        "parts": [
            {
                "site_id": p.site_id,
                "low": p.low,
                "high": p.high,
                "quantifier": p.quantifier,
                "stale": p.is_stale,
                "figure_ids": [f.id for f in p.figures],
            }
            for p in total.parts
        ],
        "unreported": list(total.unreported),
        "own_figure": figure_json(own.figure, public)
        if own and not isinstance(own, FlowSum)
        else None,
        "own_flow": flow_json(own, public) if isinstance(own, FlowSum) else None,
        "excluding_restricted_sites": public,
    }


def estimate_lines(
    e: Estimate,
    publishers: dict[str, str],
    window_weeks: int,
    name: str | None = None,
    *,
    lang: Lang | None = None,
    name_group: bool = False,
) -> list[str]:
    """The estimate in words, one line each (the site by `name`, else by id). Its series is
    named with its group when the group is stated (or `name_group`: several are shown)."""
    t = lang or get_lang()

    def cite(f) -> str:
        return (
            f"{wording.figure_words(t, f):<24} "
            f"{publishers.get(f.source_id, f.source_id)}, "
            f"{t.digits_of(format_dateref(f.ref))} (#{f.id})"
        )

    stated = name_group or e.population_group is not None
    series = wording.series_label(t, e.indicator, e.population_group, e.unit, with_group=stated)
    lines = [
        t.gettext("%(site)s · %(indicator)s · as of %(day)s")
        % {"site": name or e.site_id, "indicator": series, "day": t.iso(e.as_of)}
    ]
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
        lines += ["  " + line for line in wording.parts_lines(t, e.figure)]
        if e.competitors:
            lines.append(
                t.ngettext(
                    "Other estimates in the week to %(day)s: %(range)s from %(figures)s figures",
                    "Other estimates in the %(num)s weeks to %(day)s: %(range)s from %(figures)s "
                    "figures",
                    window_weeks,
                )
                % (until | {"range": wording.amount(t, e.low, e.high, e.unit),
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


def flow_lines(found, publishers: dict[str, str], name: str | None, t: Lang) -> list[str]:
    """A flow over a period in words: its total, the figures added up, those beside them."""
    series = wording.series_label(t, found.key.indicator, found.key.group, found.key.unit)
    period = t.digits_of(f"{found.start.isoformat()}..{found.end.isoformat()}")
    lines = [
        t.gettext("%(site)s · %(indicator)s · %(period)s")
        % {"site": name or found.site_id, "indicator": series, "period": period}
    ]
    if not found.counted:
        return [*lines, t.gettext("No figure for a period within these dates.")]

    def cite(f) -> str:
        return (
            f"{wording.figure_words(t, f):<24} {publishers.get(f.source_id, f.source_id)}, "
            f"{t.digits_of(format_dateref(f.ref))} (#{f.id})"
        )

    total = wording.sum_amount(t, found, found.key.unit)
    lines.append(t.gettext("Total over the period: %(total)s") % {"total": total})
    if not found.complete:
        lines.append(
            "  "
            + t.gettext("the figures cover %(covered)s of its %(days)s days")
            % {"covered": t.number(found.days_covered), "days": t.number(found.days)}
        )
    lines += [f"  {cite(f)}" for f in found.counted]
    if found.beside:
        lines.append(t.gettext("Also reported, not added (another source, or a period overlapping "
                               "one added):"))  # fmt: skip
        lines += [f"  {cite(f)}" for f in found.beside]
    return lines


def flow_json(found, public: bool = False) -> dict:
    return {
        "site_id": found.site_id,
        "indicator": found.key.indicator,
        "population_group": found.key.group,
        "unit": found.key.unit,
        "period_start": found.start,
        "period_end": found.end,
        "low": found.low,
        "high": found.high,
        "quantifier": found.quantifier if found.counted else None,
        "days_covered": found.days_covered,
        "counted": [figure_json(f, public) for f in found.counted],
        "beside": [figure_json(f, public) for f in found.beside],
    }


def estimate_json(e: Estimate, window_weeks: int, public: bool = False, lang=None) -> dict:
    t = lang or get_lang()
    return {
        "site_id": e.site_id,
        "indicator": e.indicator,
        "population_group": e.population_group,
        "unit": e.unit,
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
@click.option(
    "--reason", required=True, help="Why this figure should be the best estimate (kept in history)."
)
@if_version_option
@click.pass_context
def recommend(ctx, figure_id: int, reason: str, expected_version: int | None) -> None:
    """Mark a figure as recommended: among figures of its date it wins the best estimate.

    Stored as a new version of the figure, so the choice and its reason stay in history. A
    newer figure of the same series is still the best estimate: the command says so at once.

    \b
    Example:
      dispstats recommend 4 --reason "OCHA's count is the only one based on a registration"
    """
    from dispstats.series import estimate_of_figure

    store = state_of(ctx).store()
    figure = store.recommend(figure_id, reason, expected_version)
    t = get_lang()
    click.echo(f"Figure {figure.id} is recommended (version {figure.version}).")
    for line in recommendation_lines(t, figure, estimate_of_figure(store, figure), store):
        click.echo(line)


def recommendation_lines(t: Lang, figure, e: Estimate, store) -> list[str]:
    """Whether a recommended figure is the best estimate today, and if not, which is and why."""
    site = store.site(figure.site_id).name
    if e.figure is not None and e.figure.id == figure.id:
        return [t.gettext("It is the best estimate of %(site)s today.") % {"site": site}]
    if e.figure is None:
        return [t.gettext("%(site)s has no best estimate today.") % {"site": site}]
    source = store.source(e.figure.source_id)
    said = {
        "site": site,
        "id": e.figure.id,
        "value": wording.figure_words(t, e.figure),
        "publisher": source.publisher,
        "date": format_dateref(e.figure.ref),
        "why": _why(t, figure, e),
    }
    return [
        t.gettext(
            "It is not the best estimate of %(site)s today: figure %(id)s (%(value)s, "
            "%(publisher)s, %(date)s) is, because %(why)s."
        )
        % said
    ]


def _why(t: Lang, figure, e: Estimate) -> str:
    if e.figure.ref.start > figure.ref.start:
        return t.gettext(
            "it is newer (a recommendation chooses among figures of the same date; retract or "
            "correct the newer figure if it is wrong)"
        )
    if e.figure.role == "recommended":
        return t.gettext("it is recommended too and wins by the rule")
    return wording.reason(t, e.reason) or e.reason or ""


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
def series_command(ctx, site_refs, indicator, group, unit, weeks, end, public, lang, digits,
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

    store = state_of(ctx).store()
    last = parse_dateref(end, "end").end if end else None
    name = _indicator(indicator)
    frame = weekly_series(store, site_refs, name, weeks, last, public=public,
                          group=parse_group_view(group), unit=unit)  # fmt: skip
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
def check_command(ctx, as_of, stale_weeks, window_weeks, tolerance, public, lang, digits, as_json):
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
def totals_command(ctx, by, country, indicator, group, unit, as_of, period, stale_weeks, public,
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

    store = state_of(ctx).store()
    when = parse_dateref(as_of, "as-of").end if as_of else date.today()
    code = parse_country(country, "country") if country else None
    name = _indicator(indicator)
    span = _period(period, name) if _is_period_flow(name) else None
    totals = hierarchy_totals(store, by, country=code, indicator=name, as_of=when,
                              stale_weeks=stale_weeks, public=public,
                              group=parse_group_view(group), unit=unit, period=span)  # fmt: skip
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
