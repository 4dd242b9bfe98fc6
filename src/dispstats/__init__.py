"""dispstats: a humanitarian displacement tracker.

Figures are stored exactly as each source reported them, never overwritten; best estimates are
worked out by a rule that can be shown; briefs and exports trace every number to its source.

Layers (imports point one way): cli -> reports -> series -> store -> model.
"""

__version__ = "0.1.0"
