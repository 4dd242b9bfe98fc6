"""The weekly PDF brief.

- data.py: what a brief shows (typed rows) and the Context its sections read;
- sections.py: one function per section; gather.py: the key series, then the sections;
- words.py: its sentences made from figures;
- pictures.py: what its charts and map are drawn from, and the map alone;
- pdf.py: HTML (jinja2) -> PDF (WeasyPrint) with the figures used attached as CSV.
"""

from __future__ import annotations

from dispstats.reports.brief.data import BriefData, Cited
from dispstats.reports.brief.gather import gather, report_day
from dispstats.reports.brief.pdf import (
    TEMPLATES,
    BriefResult,
    copy_templates,
    make_fetcher,
    plural,
    render_brief,
    render_html,
)
from dispstats.reports.brief.pictures import map_of, picture_plans, render_map

__all__ = [
    "TEMPLATES",
    "BriefData",
    "BriefResult",
    "Cited",
    "copy_templates",
    "gather",
    "make_fetcher",
    "map_of",
    "picture_plans",
    "plural",
    "render_brief",
    "render_html",
    "render_map",
    "report_day",
]
