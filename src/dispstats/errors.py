"""The exceptions dispstats raises on purpose.

The CLI turns any `DispstatsError` into one red line and exit code 1; anything else is a bug.
"""

import re

# A value quoted in a message is cut to this many characters: a 50 MB cell of a file is
# named by its start, not printed whole.
QUOTE_LIMIT = 80
# A quote opens after a non-word character and closes before one: the closing quote of one
# value and the opening quote of the next never pass for a quoted run between them.
_LONG_QUOTE = re.compile(rf"(?<!\w)'([^'\n]{{{QUOTE_LIMIT + 1},}})'(?!\w)")


def clip_quotes(message: str) -> str:
    """The message with every quoted value longer than QUOTE_LIMIT cut to its start."""
    return _LONG_QUOTE.sub(
        lambda m: f"'{m.group(1)[:QUOTE_LIMIT]}…' ({len(m.group(1)):,} characters)", message
    )


class DispstatsError(Exception):
    """Base class: something the user can act on, described in the message."""


class InputError(DispstatsError):
    """A value given by a user or a file was refused.

    `field`, `value` and `row` (1-based, for files) say where; the message says what was expected.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        row: int | None = None,
    ):
        self.field = field
        self.value = value
        self.row = row
        message = clip_quotes(message)
        self.reason = message
        where = []
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(field)
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class NotFound(DispstatsError):
    """A site, source or figure that was asked for does not exist.

    `suggestions` holds close matches ("did you mean …?"), best first.
    """

    def __init__(self, message: str, suggestions: list[str] | None = None, hint: str | None = None):
        self.suggestions = suggestions or []
        if self.suggestions:
            quoted = " or ".join(f"'{s}'" for s in self.suggestions[:3])
            message = f"{message} (did you mean {quoted}?)"
        if hint:
            message = f"{message}; {hint}"
        super().__init__(message)


class Conflict(DispstatsError):
    """The write would clash with what is already stored (a duplicate id, a figure that changed)."""


class DuplicateFigure(Conflict):
    """A new figure says exactly what one on record says (same site, indicator, reference
    date, source and value). `existing` is that figure."""

    def __init__(self, message: str, existing):
        self.existing = existing
        super().__init__(message)


class StoreError(DispstatsError):
    """The database could not be opened or used (missing schema, permissions, lost connection)."""
