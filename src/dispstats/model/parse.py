"""Parsing of what analysts type: numbers as sources word them, vocabulary choices and small
fields (reliability, coordinates, URLs); dates are in dates.py.

Every refusal is an `InputError` whose message names the value and says what is expected.
Numbers: "45,000", "45 000", "about 45,000", "~45k", "more than 20", "40,000-50,000", "40–50k".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dispstats.errors import InputError
from dispstats.model.vocab import label, normalise_key

# --- quantities ------------------------------------------------------------------------------

# Longest first, so "more than" is not read as "more".
_PREFIXES = [
    ("approximately", "about"),
    ("an estimated", "about"),
    ("estimated", "about"),
    ("roughly", "about"),
    ("around", "about"),
    ("approx.", "about"),
    ("approx", "about"),
    ("about", "about"),
    ("circa", "about"),
    ("some", "about"),
    ("ca.", "about"),
    ("c.", "about"),
    ("~", "about"),
    ("≈", "about"),
    ("no fewer than", "at_least"),
    ("no less than", "at_least"),
    ("at least", "at_least"),
    ("a minimum of", "at_least"),
    (">=", "at_least"),
    ("≥", "at_least"),
    ("more than", "more_than"),
    ("over", "more_than"),
    ("above", "more_than"),
    (">", "more_than"),
    ("no more than", "at_most"),
    ("a maximum of", "at_most"),
    ("at most", "at_most"),
    ("up to", "at_most"),
    ("<=", "at_most"),
    ("≤", "at_most"),
    ("fewer than", "fewer_than"),
    ("less than", "fewer_than"),
    ("under", "fewer_than"),
    ("below", "fewer_than"),
    ("<", "fewer_than"),
]
_PREFIXES.sort(key=lambda p: -len(p[0]))
_SUFFIX_QUANTIFIERS = [
    ("or more", "at_least"),
    ("+", "at_least"),
    ("or fewer", "at_most"),
    ("or less", "at_most"),
]
_UNIT_WORDS = {
    "people": "people",
    "persons": "people",
    "individuals": "people",
    "idps": "people",
    "households": "households",
    "hh": "households",
    "families": "households",
}
_VAGUE = re.compile(
    r"\b(hundreds|thousands|tens of thousands|dozens|scores|several|a few|"
    r"few|many|numerous|some hundred|unknown)\b"
)
_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
}
# Groups of three separated by a comma, a space, an apostrophe or a thin/no-break space.
_NUMBER = (
    r"(?P<int{n}>\d{{1,3}}(?:[, '\u00a0\u202f\u2009]\d{{3}})+|\d+)"
    r"(?:\.(?P<frac{n}>\d+))?\s*(?P<suffix{n}>k|thousand|mn|m|million)?"
)
_ONE = re.compile(rf"^{_NUMBER.format(n=1)}$")
_RANGE = re.compile(
    rf"^(?:between\s+)?{_NUMBER.format(n=1)}\s*(?:-|–|—|to|and)\s*"
    rf"{_NUMBER.format(n=2)}$"
)
_SUM_OF_PARTS = re.compile(r"(.+?) \(sum of \d+ parts? by [^()]+\)")
_FORMAT_HELP = (
    "expected a number such as 45000, '45,000', 'about 45,000', '~45k', "
    "'more than 20' or a range such as '40,000-50,000'"
)


@dataclass(frozen=True)
class Quantity:
    """A number as a source worded it: low == high for one value; both None when unquantified."""

    low: int | None
    high: int | None
    quantifier: str = "exact"

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.low != self.high

    @property
    def table_quantifier(self) -> str:
        """The quantifier a table shows: "range" for a range the source gave without a word
        ("40,000-50,000"), which reads back as the same quantity."""
        return "range" if self.is_range and self.quantifier == "exact" else self.quantifier

    def __str__(self) -> str:
        return format_quantity(self)


_LOWER_BOUNDS = {"at_least", "more_than"}
_UPPER_BOUNDS = {"at_most", "fewer_than"}


def sum_quantifier(quantifiers: Iterable[str]) -> str:
    """The quantifier of a sum of numbers: exact when every one is; "at least" when the others
    are exact and some are lower bounds (more than 400 plus 300 is at least 701, so at least
    700 is true), "at most" likewise; "about" as soon as one is approximate or bounds point
    both ways."""
    found = set(quantifiers) - {"exact"}
    if not found:
        return "exact"
    if found <= _LOWER_BOUNDS:
        return "at_least"
    if found <= _UPPER_BOUNDS:
        return "at_most"
    return "about"


def format_quantity(q: Quantity) -> str:
    """Words for a quantity that `parse_quantity` reads back to the same value."""
    if q.quantifier == "unquantified" or q.low is None:
        return "unquantified"
    number = f"{q.low:,}" if not q.is_range else f"{q.low:,}-{q.high:,}"
    return number if q.quantifier == "exact" else f"{label(q.quantifier)} {number}"


# Whole numbers as programs write them: 1e+05 (R, Excel's scientific format), 100000.0 (a
# float column, one zero: "45.000" stays ambiguous); 1.5e-3 and 2.5 are not whole.
_PROGRAM_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?e[+-]?[0-9]+|[0-9]+\.0")


def _whole_number_text(s: str) -> str:
    if not _PROGRAM_NUMBER.fullmatch(s):
        return s
    from decimal import Decimal

    number = Decimal(s)
    return str(int(number)) if number == number.to_integral_value() and number < 10**15 else s


def parse_quantity(text: str, field: str = "value") -> tuple[Quantity, str | None]:
    """Read a number the way sources word it; returns the quantity and a unit named in the text.

    Raises InputError for vague words ("hundreds"), negatives, decimals of people, ranges whose
    low end is above the high end, and anything that is not a number.
    """
    if text is None or not str(text).strip():
        raise InputError(f"no number given; {_FORMAT_HELP}", field=field, value=text)
    original = str(text)
    s = " ".join(original.replace("\u2212", "-").lower().split())
    # A figure made of its parts says so after its number (table_parts): the number counts.
    if m := _SUM_OF_PARTS.fullmatch(s):
        s = m.group(1)
    s = _whole_number_text(s)

    if _VAGUE.search(s):
        raise InputError(
            f"'{original}' is not a number. Record what the source implies as a range "
            f"(e.g. --value '200-900' for 'hundreds'), or keep it as an unquantified report "
            f"(--unquantified, with the source's words in --excerpt)",
            field=field,
            value=text,
        )
    if s in {"unquantified", "unknown"}:
        return Quantity(None, None, "unquantified"), None

    unit = None
    for word, unit_key in _UNIT_WORDS.items():
        if s.endswith(" " + word):
            s, unit = s[: -len(word) - 1].rstrip(), unit_key
            break
    quantifier = "exact"
    for word, key in _PREFIXES:
        if s.startswith(word):
            s, quantifier = s[len(word) :].lstrip(), key
            break
    for word, key in _SUFFIX_QUANTIFIERS:
        if s.endswith(word) and quantifier == "exact":
            s, quantifier = s[: -len(word)].rstrip(), key
            break

    if s.startswith("-") and s[1:2].isdigit():
        raise InputError(
            f"'{original}' is negative; counts of people are 0 or more", field=field, value=text
        )

    if m := _ONE.match(s):
        value = _to_int(m, 1, original, field)
        return Quantity(value, value, quantifier), unit
    if m := _RANGE.match(s):
        low_suffix, high_suffix = m.group("suffix1"), m.group("suffix2")
        if high_suffix and not low_suffix and float(_digits(m, 1)) < float(_digits(m, 2)):
            # "40–50k" means 40,000 to 50,000; "500-2k" keeps its 500.
            low = _to_int(m, 1, original, field, suffix=high_suffix)
        else:
            low = _to_int(m, 1, original, field)
        high = _to_int(m, 2, original, field)
        if low > high:
            raise InputError(
                f"range '{original}' has its low end ({low:,}) above its high end "
                f"({high:,}); write it low-high",
                field=field,
                value=text,
            )
        return Quantity(low, high, quantifier), unit
    raise InputError(f"'{original}' is not a number; {_FORMAT_HELP}", field=field, value=text)


def _digits(m: re.Match, n: int) -> str:
    whole = re.sub(r"\D", "", m.group(f"int{n}"))
    frac = m.group(f"frac{n}")
    return f"{whole}.{frac}" if frac else whole


# The commonest wordings of a count, "45,000" and "about 45,000", read for a whole column at
# once (vectorised); `parse_quantity` reads them the same way, and a property test checks it.
_QUICK = re.compile(
    r"^(?:(?P<word>"
    + "|".join(re.escape(w).replace("\\ ", r"\s+") for w, _ in _PREFIXES)
    + r")\s*)?(?P<number>[0-9]{1,15}|[0-9]{1,3}(?:,[0-9]{3}){1,4})$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"[0-9]{1,15}|[0-9]{1,3}(?:,[0-9]{3}){1,4}")
_QUANTIFIER_OF = {" ".join(w.split()): q for w, q in _PREFIXES}


def quick_quantities(texts: list[str]) -> list[tuple[int, str] | None]:
    """For each trimmed value text: (number, quantifier) when it is a plain count with at most
    a quantifier word before it ("45,000", "about 45,000"), else None, for `parse_quantity`
    to read (ranges, units, "45k", mistakes). One regular expression per value: a million in
    about a second."""
    plain, match = _PLAIN.fullmatch, _QUICK.match
    out: list[tuple[int, str] | None] = []
    for text in texts:
        if plain(text):  # most cells: no word to look for among forty
            out.append((int(text.replace(",", "")), "exact"))
            continue
        m = match(text)
        if m is None:
            out.append(None)
            continue
        word = m.group("word")
        quantifier = "exact" if word is None else _QUANTIFIER_OF[" ".join(word.lower().split())]
        out.append((int(m.group("number").replace(",", "")), quantifier))
    return out


def _to_int(m: re.Match, n: int, original: str, field: str, suffix: str | None = None) -> int:
    suffix = suffix or m.group(f"suffix{n}")
    frac = m.group(f"frac{n}")
    if frac and not suffix:
        if len(frac) == 3:
            raise InputError(
                f"'{original}' is ambiguous: a dot is not read as a thousands "
                f"separator; write 45000 or '45,000'",
                field=field,
                value=original,
            )
        raise InputError(
            f"'{original}' has a decimal part; counts of people are whole numbers",
            field=field,
            value=original,
        )
    whole = int(re.sub(r"\D", "", m.group(f"int{n}")))
    if not suffix:
        return whole
    multiplier = _MULTIPLIERS[suffix]
    frac_digits = frac or ""
    scaled = whole * multiplier + int(frac_digits or "0") * multiplier // 10 ** len(frac_digits)
    if frac_digits and int(frac_digits) * multiplier % 10 ** len(frac_digits):
        raise InputError(
            f"'{original}' is not a whole number of people", field=field, value=original
        )
    return scaled


# --- vocabulary and small fields --------------------------------------------------------------


def parse_choice(
    text: str, field: str, choices: Iterable[str], synonyms: Mapping[str, str] | None = None
) -> str:
    """Match text to one of `choices` (case, spaces and hyphens ignored; synonyms allowed)."""
    choices = list(choices)
    key = normalise_key(str(text or ""))
    if key in choices:
        return key
    if synonyms and key in synonyms:
        return synonyms[key]
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    hint = f" (did you mean '{label(close[0])}'?)" if close else ""
    raise InputError(
        f"'{text}' is not one of: {', '.join(label(c) for c in choices)}{hint}",
        field=field,
        value=text,
    )


def parse_reliability(text: str, field: str = "reliability") -> str:
    """A letter of the Admiralty scale, A (completely reliable) to F (cannot be judged)."""
    s = str(text or "").strip().upper()
    if len(s) == 1 and s in "ABCDEF":
        return s
    raise InputError(
        f"'{text}' is not a reliability grade; expected one letter A-F "
        f"(A completely reliable ... E unreliable, F cannot be judged)",
        field=field,
        value=text,
    )


def parse_coordinate(text: str | float, field: str, limit: float) -> float:
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InputError(
            f"'{text}' is not a number of decimal degrees", field=field, value=text
        ) from None
    if not -limit <= value <= limit:
        raise InputError(
            f"{value} is outside -{limit:g}..{limit:g} degrees", field=field, value=text
        )
    return value


def parse_url(text: str, field: str = "url") -> str:
    """An http(s) URL; other schemes (file:, javascript:) are refused so outputs stay safe."""
    s = str(text or "").strip()
    if re.fullmatch(r"https?://[^\s<>\"]+", s, flags=re.IGNORECASE):
        return s
    raise InputError(
        f"'{text}' is not a web address; expected one starting with https:// or http://",
        field=field,
        value=text,
    )


def counted(n: int, one: str, many: str) -> str:
    """ "1 row has", "3 rows have": a count with its words in the right number."""
    return f"{n:,} {one if n == 1 else many}"


def slugify(text: str) -> str:
    """A lower-case id made of letters, digits and hyphens ("OCHA 2018/09" -> "ocha-2018-09").
    Other scripts are transliterated ("الركبان" -> "lrkbn", "Côte" -> "cote"), so an id can be
    read and typed."""
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "item"


def has_latin_letter(text: str) -> bool:
    return re.search(r"[A-Za-z]", text) is not None
