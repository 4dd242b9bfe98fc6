"""Commands about one site's best estimate: estimate (with its total and flows) and recommend;
the JSON and lines they print, which the commands across sites (cli/overviews.py) share."""

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
    site_labels,
)
from dispstats.model import vocab
from dispstats.model.dates import format_dateref, parse_dateref
from dispstats.model.fields import parse_indicator
from dispstats.reports import wording
from dispstats.reports.i18n import Lang, get_lang
from dispstats.series import Estimate

terminal_lang_option = lang_option("Language of the output.", from_env=True)


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
def estimate_command(ctx, *, site_ref, indicator, group, unit, as_of, period, window_weeks,
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

    store = state_of(ctx).reader(public)
    name, chosen = parse_indicator(indicator), parse_group_view(group)
    t = get_lang(lang, digits, document=False)
    names = site_labels(store.sites())
    if is_period_flow(name):
        flows = flow(store, site_ref, name, flow_period(period, name), group=chosen, unit=unit)
        _print_flows(flows, names, store, t, as_json=as_json, several_series=several_series)
        return
    when = parse_dateref(as_of, "as-of").end if as_of else None
    found = estimates(store, site_ref, name, when, window_weeks=window_weeks,
                      stale_weeks=stale_weeks, group=chosen, unit=unit)  # fmt: skip
    publishers = {s.id: s.publisher for s in store.sources()}
    if as_json:
        if len(found) > 1:
            raise several_series(site_ref, [e.key.kind for e in found])
        (result,) = found
        total = _total_of(store, result, stale_weeks)
        data = estimate_json(result, window_weeks, t)
        print_json(data | {"total": total_json(total, public_only=public) if total else None})
        return
    for n, result in enumerate(found):
        if n:
            click.echo("")
        several = len({e.population_group for e in found}) > 1
        lines = estimate_lines(result, publishers, window_weeks, names.get(result.site_id),
                               lang=t, name_group=several)  # fmt: skip
        for line in lines:
            click.echo(line)
        total = _total_of(store, result, stale_weeks)
        if total is not None:
            for line in total_lines(total, names, stale_weeks, t, public_only=public):
                click.echo(line)


def is_period_flow(indicator: str) -> bool:
    """New displacements are added up over a period; movements keep their own figures."""
    return indicator in vocab.FLOW_INDICATORS and indicator not in vocab.MOVEMENT_INDICATORS


def flow_period(text: str | None, indicator: str):
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


def _total_of(store, e: Estimate, stale_weeks: int):
    """The total of the site's children in the estimate's series, when it has any."""
    from dispstats.series import Kind, site_estimates

    if not any(s.parent_id == e.site_id for s in store.sites()):
        return None
    kind = Kind(e.indicator, e.population_group, e.unit)
    found = site_estimates(store, kind, e.as_of, stale_weeks=stale_weeks, under=[e.site_id])
    return found.site_total(e.site_id) if found.children.get(e.site_id) else None


def total_lines(
    total, names: dict[str, str], stale_weeks: int, t: Lang, *, public_only: bool = False
) -> list[str]:
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
    if public_only:
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


def total_json(total, *, public_only: bool = False) -> dict:
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
        "own_figure": figure_json(own.figure) if own and not isinstance(own, FlowSum) else None,
        "own_flow": flow_json(own) if isinstance(own, FlowSum) else None,
        "excluding_restricted_sites": public_only,
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
        age = e.age_weeks
        if e.is_stale and age is not None:
            stale = t.ngettext(
                " — STALE: last confirmed %(num)s week ago",
                " — STALE: last confirmed %(num)s weeks ago",
                age,
            ) % {"num": t.number(age)}
        lines.append(t.gettext("Best estimate: %(figure)s") % {"figure": cite(e.figure)} + stale)
        lines.append("  " + t.gettext("why: %(reason)s") % {"reason": wording.reason(t, e.reason)})
        lines += ["  " + line for line in wording.parts_lines(t, e.figure)]
        low, high = e.low, e.high
        if e.competitors and low is not None and high is not None:
            lines.append(
                t.ngettext(
                    "Other estimates in the week to %(day)s: %(range)s from %(figures)s figures",
                    "Other estimates in the %(num)s weeks to %(day)s: %(range)s from %(figures)s "
                    "figures",
                    window_weeks,
                )
                % (until | {"range": wording.amount(t, low, high, e.unit),
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


def flow_json(found) -> dict:
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
        "counted": [figure_json(f) for f in found.counted],
        "beside": [figure_json(f) for f in found.beside],
    }


def estimate_json(e: Estimate, window_weeks: int, lang=None) -> dict:
    t = lang or get_lang()
    return {
        "site_id": e.site_id,
        "indicator": e.indicator,
        "population_group": e.population_group,
        "unit": e.unit,
        "as_of": e.as_of,
        "figure": figure_json(e.figure) if e.figure else None,
        "reason": e.reason,
        "reason_text": wording.reason(t, e.reason),
        "low": e.low,
        "high": e.high,
        "age_days": e.age_days,
        "stale": e.is_stale,
        "competitors": [figure_json(f) for f in e.competitors],
        "earlier": [figure_json(f) for f in e.earlier],
        "reports": [figure_json(f) for f in e.reports],
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
    best = e.figure
    if best is None:  # no figure is the estimate: the rule's reason says why
        return wording.reason(t, e.reason) or e.reason or ""
    if best.ref.start > figure.ref.start:
        return t.gettext(
            "it is newer (a recommendation chooses among figures of the same date; retract or "
            "correct the newer figure if it is wrong)"
        )
    if best.role == "recommended":
        return t.gettext("it is recommended too and wins by the rule")
    return wording.reason(t, e.reason) or e.reason or ""
