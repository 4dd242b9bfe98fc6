"""Findings about parts: a figure's breakdown that adds up to more than the figure, or that
covers its dimension (both sexes, every age) and adds up to less, beyond rounding
(model/breakdown.part_problems). Parts are never figures: they are checked, not counted."""

from __future__ import annotations

from collections.abc import Iterable

from dispstats.model.breakdown import part_problems
from dispstats.model.records import Figure
from dispstats.series.checks import Finding, gap, severity


def part_findings(figures: Iterable[Figure]) -> list[Finding]:
    """One finding per breakdown that does not square with its figure (kind "parts")."""
    found = []
    for f in figures:
        q = f.quantity
        if not f.parts or f.is_retracted or f.id is None or q.low is None:
            continue  # parts belong to a stored figure with a number
        for problem in part_problems(q.low, q.high, q.quantifier, f.parts):
            found.append(
                Finding(
                    "parts",
                    f.site_id,
                    (f.id,),
                    severity(gap(problem.total, q.low)),
                    facts={
                        "figure": f,
                        "problem": problem.kind,
                        "dimensions": problem.dimensions,
                        "sum": problem.total,
                    },
                )
            )
    return found
