"""Totals up the site hierarchy: the sum of a parent's children's best estimates as of a date.

A parent is a site with children (a zone and its camps), or an admin area or country that
sites name by p-code or ISO3. Each child counts once: by its own best estimate when it has
one, else by the total of its own children (a zone inside a governorate); a child with
neither is listed as unreported. Ranges add as ranges (low + low, high + high). The parent's
own figure is kept beside the total, never replaced by it; a disagreement between the two is
a finding (`total_disagreements`). A total is of one kind of series (indicator, population
group, unit): IDPs are never added to refugees, nor households to people. A flow (new
displacements) is totalled over a period: each child by its flow over it (series/flows.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dispstats.model.parse import sum_quantifier
from dispstats.model.records import Figure, Site, Source
from dispstats.series.checks import Finding, gap, severity
from dispstats.series.flows import FlowSum
from dispstats.series.rule import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Estimate,
    Kind,
    by_series,
    estimate_of,
)

# What `totals_by` groups sites by: the Site attribute holding each level's code.
LEVEL_CODES = {"admin1": "admin1_pcode", "admin2": "admin2_pcode", "country": "country_iso3"}


@dataclass(frozen=True)
class Part:
    """One child's share of a total: its own best estimate (or, for a flow, its flow over the
    period), or its children's total."""

    site_id: str
    estimate: Estimate | None = None
    subtotal: Total | None = None
    flow: FlowSum | None = None

    @property
    def low(self) -> int:
        if self.estimate:
            return self.estimate.figure.quantity.low
        return self.flow.low if self.flow else self.subtotal.low

    @property
    def high(self) -> int:
        if self.estimate:
            return self.estimate.figure.quantity.high
        return self.flow.high if self.flow else self.subtotal.high

    @property
    def quantifier(self) -> str:
        """ "about" when its figure (or any it adds up) is approximate: see sum_quantifier."""
        return sum_quantifier(f.quantity.quantifier for f in self.figures)

    @property
    def is_stale(self) -> bool:
        """Its figure, or any figure its subtotal counts, is older than the stale threshold
        (a flow is never stale: what it does not cover is said instead)."""
        if self.estimate:
            return self.estimate.is_stale
        return False if self.flow else bool(self.subtotal.stale)

    @property
    def figures(self) -> list[Figure]:
        if self.estimate:
            return [self.estimate.figure]
        return list(self.flow.counted) if self.flow else self.subtotal.figures


@dataclass(frozen=True)
class Total:
    """The total of a parent's children as of a date, with its coverage.

    `area` is the parent's site id (level "site"), p-code (admin1, admin2) or ISO3 (country).
    `own` is the best estimate of the parent's own figures, if it has any. Computed from what
    it is given: from a PublicView's sites and figures, public data only.
    """

    area: str
    level: str
    kind: Kind
    as_of: date
    parts: tuple[Part, ...]
    unreported: tuple[str, ...] = ()
    own: Estimate | FlowSum | None = None

    @property
    def indicator(self) -> str:
        return self.kind.indicator

    @property
    def group(self) -> str | None:
        return self.kind.group

    @property
    def unit(self) -> str:
        return self.kind.unit

    @property
    def low(self) -> int:
        return sum(p.low for p in self.parts)

    @property
    def high(self) -> int:
        return sum(p.high for p in self.parts)

    @property
    def quantifier(self) -> str:
        """The sum's quantifier: a total of "about 45,000" and 3,000 is about 48,000."""
        return sum_quantifier(f.quantity.quantifier for f in self.figures)

    @property
    def children(self) -> int:
        return len(self.parts) + len(self.unreported)

    @property
    def own_figure(self) -> Figure | None:
        """The figure behind the parent's own best estimate (a stock's; a flow's own is a sum
        of several, in `own.counted`)."""
        return self.own.figure if isinstance(self.own, Estimate) else None

    @property
    def recent(self) -> int:
        """Children counted by figures none of which is stale."""
        return sum(1 for p in self.parts if not p.is_stale)

    @property
    def stale(self) -> tuple[str, ...]:
        return tuple(p.site_id for p in self.parts if p.is_stale)

    @property
    def figures(self) -> list[Figure]:
        """Every figure the total adds up, children's children included."""
        return [f for p in self.parts for f in p.figures]


@dataclass(frozen=True)
class Estimates:
    """The best estimate of every site with a figure of one kind of series (indicator, group,
    unit), and the site tree, for totals. For a flow, `by_site` holds each site's flow over a
    period (FlowSum) instead."""

    sites: Mapping[str, Site]
    children: Mapping[str, list[str]]
    by_site: Mapping[str, Estimate | FlowSum]
    kind: Kind
    as_of: date

    @property
    def indicator(self) -> str:
        return self.kind.indicator

    @classmethod
    def of(
        cls,
        sites: Sequence[Site],
        figures: Iterable[Figure],
        sources: Mapping[str, Source],
        kind: Kind,
        as_of: date,
        *,
        window_weeks: int = DEFAULT_WINDOW_WEEKS,
        stale_weeks: int = DEFAULT_STALE_WEEKS,
    ) -> Estimates:
        series = by_series(f for f in figures if (f.indicator, f.population_group, f.unit) == kind)
        estimates = [
            estimate_of(
                key, own, sources, as_of, window_weeks=window_weeks, stale_weeks=stale_weeks
            )
            for key, own in series.items()
        ]
        return cls.from_estimates(sites, estimates, kind, as_of)

    @classmethod
    def from_estimates(
        cls,
        sites: Sequence[Site],
        estimates: Iterable[Estimate | FlowSum],
        kind: Kind,
        as_of: date,
    ) -> Estimates:
        """From best estimates (or flows) already worked out; those of other kinds of series
        are ignored."""
        by_site = {
            e.site_id: e
            for e in estimates
            if _kind(e) == kind and (e.low is not None if isinstance(e, FlowSum) else e.figure)
        }
        children: dict[str, list[str]] = defaultdict(list)
        for s in sorted(sites, key=lambda s: (s.name.casefold(), s.id)):
            if s.parent_id:
                children[s.parent_id].append(s.id)
        return cls({s.id: s for s in sites}, children, by_site, kind, as_of)

    def part(self, site_id: str) -> Part | None:
        """How a site counts in its parent's total, or None when nothing about it is known."""
        if site_id in self.by_site:
            own = self.by_site[site_id]
            if isinstance(own, FlowSum):
                return Part(site_id, flow=own)
            return Part(site_id, estimate=own)
        if self.children.get(site_id):
            subtotal = self.site_total(site_id)
            if subtotal.parts:
                return Part(site_id, subtotal=subtotal)
        return None

    def site_total(self, site_id: str) -> Total:
        """The total of a site's children (the parent_id tree)."""
        return self._total(site_id, "site", self.children.get(site_id, []), site_id)

    def area_total(self, level: str, code: str) -> Total:
        """The total of the sites that name this admin area (or country) code. The sites
        counted are those whose parent is not counted already; a site that is the area itself
        (its p-code is the code) gives the own figure, and its children count."""
        attribute = LEVEL_CODES[level]
        members = [s for s in self.sites.values() if getattr(s, attribute) == code]
        # The area's own site: a country's names its code; an admin area's has it as p-code,
        # and is no member (its admin1 or admin2 field names the area it lies in).
        ids = {s.id for s in members}
        itself = [
            s.id
            for s in self.sites.values()
            if (s.pcode or s.country_iso3) == code and _is_area(s) and (s.id in ids or s.pcode)
        ]
        inside = {s.id for s in members if s.id not in itself}
        top = [
            s.id
            for s in sorted(members, key=lambda s: (s.name.casefold(), s.id))
            if s.id in inside and s.parent_id not in inside
        ]
        return self._total(code, level, top, itself[0] if len(itself) == 1 else None)

    def _total(self, area: str, level: str, child_ids: list[str], own_id: str | None) -> Total:
        parts, unreported = [], []
        for child in child_ids:
            part = self.part(child)
            if part is None:
                unreported.append(child)
            else:
                parts.append(part)
        own = self.by_site.get(own_id) if own_id else None
        return Total(area, level, self.kind, self.as_of, tuple(parts), tuple(unreported), own)

    def parents(self) -> list[str]:
        """Sites with children, by name."""
        return [
            s.id
            for s in sorted(self.sites.values(), key=lambda s: (s.name.casefold(), s.id))
            if self.children.get(s.id)
        ]

    def areas(self, level: str, country: str | None = None) -> list[str]:
        """The codes of `level` that sites name (within `country`, an ISO3), sorted."""
        attribute = LEVEL_CODES[level]
        return sorted(
            {
                getattr(s, attribute)
                for s in self.sites.values()
                if getattr(s, attribute) and (country is None or s.country_iso3 == country)
            }
        )


def _is_area(site: Site) -> bool:
    return site.kind in ("admin_area", "country")


def _kind(e: Estimate | FlowSum) -> Kind:
    if isinstance(e, FlowSum):
        return Kind(e.key.indicator, e.key.group, e.key.unit)
    return Kind(e.indicator, e.population_group, e.unit)


def total_findings(estimates: Estimates, tolerance: float) -> list[Finding]:
    """A finding for each parent site whose own figure and children's total disagree."""
    found = []
    for parent in estimates.parents():
        total = estimates.site_total(parent)
        own = total.own_figure
        if own is None or not disagrees(total, tolerance):
            continue
        found.append(
            Finding(
                "total_disagrees",
                parent,
                (own.id, *(f.id for f in total.figures)),
                _own_gap(own, total),
                facts={
                    "indicator": total.indicator,
                    "group": total.group,
                    "unit": total.unit,
                    "own": own,
                    "low": total.low,
                    "high": total.high,
                    "recent": total.recent,
                    "children": total.children,
                    "tolerance": tolerance,
                },
            )
        )
    return found


def _own_gap(own: Figure, total: Total) -> str:
    """The severity of a parent's own figure against its sites' total: their nearest ends."""
    q = own.quantity
    if q.high < total.low:
        return severity(gap(q.high, total.low))
    return severity(gap(q.low, total.high))


def disagrees(total: Total, tolerance: float) -> bool:
    """A parent's own figure and its children's total contradict each other: the children
    add up to more than the parent (beyond the tolerance), or every child reported recently
    and they add up to less. A partial total below the parent's figure is no contradiction:
    the children not reported are the difference."""
    if total.own_figure is None or not total.parts:
        return False
    own = total.own_figure.quantity
    if total.low > own.high * (1 + tolerance):
        return True
    complete = not total.unreported and total.recent == len(total.parts)
    return complete and total.high < own.low * (1 - tolerance)
