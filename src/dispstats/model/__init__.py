"""The model layer: records, vocabularies, parsing of human input, the column/HXL mapping."""

from dispstats.model.parse import DateRef, Quantity, parse_dateref, parse_quantity
from dispstats.model.records import Figure, Site, Source

__all__ = ["DateRef", "Figure", "Quantity", "Site", "Source", "parse_dateref", "parse_quantity"]
