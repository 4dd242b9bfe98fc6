"""The series layer: best estimates, weekly series, changes, staleness, disagreement and
stock-flow checks, computed from the store's figures. No output concerns here."""

from __future__ import annotations

from datetime import date

from dispstats.series.estimate import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    RULE,
    Estimate,
    best_estimate,
)
from dispstats.store import FigureFilter, Store


def estimate(
    store: Store,
    site_ref: str,
    indicator: str = "population",
    as_of: date | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> Estimate:
    """The best estimate for a site (found by name, alias or id) as of a date (default today)."""
    site = store.find_site(site_ref)
    as_of = as_of or date.today()
    figures = store.figures(FigureFilter(site_ids=[site.id], indicator=indicator, date_to=as_of))
    sources = {s.id: s for s in store.sources()}
    return best_estimate(figures, sources, site.id, indicator, as_of, window_weeks, stale_weeks)


__all__ = ["RULE", "Estimate", "best_estimate", "estimate"]
