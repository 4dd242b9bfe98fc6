"""The model layer: records, vocabularies, parsing of human input (parse.py, dates.py), the
column/HXL mapping, and reading and checking whole tables (tables.py, table_*.py)."""

from dispstats.model.dates import DateRef, parse_dateref
from dispstats.model.parse import Quantity, parse_quantity
from dispstats.model.records import Figure, Site, Source

__all__ = ["DateRef", "Figure", "Quantity", "Site", "Source", "parse_dateref", "parse_quantity"]
