"""The series layer: best estimates, weekly series, changes, totals up the site
hierarchy, staleness, disagreement and
stock-flow checks, computed from the store's figures. No output concerns here.

Names are loaded from their modules on first use (rule.py, checks.py, weekly.py, and
from_store.py for the functions that take a Store), so that a command needing one constant
does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_WHERE = {
    "Estimate": "rule",
    "Kind": "rule",
    "NOT_STATED": "rule",
    "SeriesKey": "rule",
    "best_estimate": "rule",
    "FlowSum": "flows",
    "estimates": "from_store",
    "estimate_of_figure": "from_store",
    "flow": "from_store",
    "Finding": "checks",
    "Change": "weekly",
    "CheckReport": "from_store",
    "check": "from_store",
    "latest_changes": "from_store",
    "weekly_series": "from_store",
    "hierarchy_totals": "from_store",
    "site_estimates": "from_store",
    "latest_estimates": "from_store",
    "Total": "totals",
}

if TYPE_CHECKING:
    from dispstats.series.checks import Finding
    from dispstats.series.flows import FlowSum
    from dispstats.series.from_store import (
        CheckReport,
        check,
        estimate_of_figure,
        estimates,
        flow,
        hierarchy_totals,
        latest_changes,
        latest_estimates,
        site_estimates,
        weekly_series,
    )
    from dispstats.series.rule import NOT_STATED, Estimate, Kind, SeriesKey, best_estimate
    from dispstats.series.totals import Total
    from dispstats.series.weekly import Change


def estimate(*args, **kwargs):
    """The best estimate for a site as of a date (see from_store.estimate)."""
    from dispstats.series.from_store import estimate as from_store_estimate

    return from_store_estimate(*args, **kwargs)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"dispstats.series.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'dispstats.series' has no attribute {name!r}")


__all__ = [
    "NOT_STATED",
    "Change",
    "CheckReport",
    "Estimate",
    "Finding",
    "FlowSum",
    "Kind",
    "SeriesKey",
    "Total",
    "best_estimate",
    "check",
    "estimate",
    "estimate_of_figure",
    "estimates",
    "flow",
    "hierarchy_totals",
    "latest_changes",
    "latest_estimates",
    "site_estimates",
    "weekly_series",
]
