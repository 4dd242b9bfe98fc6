"""The languages outputs are written in: gettext catalogs for the words, Babel (CLDR) for
numbers and dates.

English is the source language: its words are the catalogs' message ids, so `en` needs no
catalog. `fr` and `ar` read `dispstats/locale/<code>/LC_MESSAGES/dispstats.po`, compiled to
`.mo` when the package is built or installed (hatch_build.py); a `.po` that is not the one its
`.mo` was made from (a catalog being edited) is compiled in memory instead, so a stale binary
is never used.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.model.vocab import NAME_LANGUAGES

if TYPE_CHECKING:
    import gettext

# The languages of the outputs; a site's name can be given in each (vocab.NAME_LANGUAGES).
LANGUAGES = NAME_LANGUAGES
# Latin digits by default in Arabic too, as OCHA's Arabic products print them; "arab" gives
# Arabic-Indic digits (٤٥٬٠٠٠).
DIGITS = ("latn", "arab")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "dispstats"
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# First-strong isolate ... pop directional isolate: a name, code or date inside a sentence of
# the other direction keeps its own order ("55-km zone" inside Arabic, not "km zone-55").
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; translated where it is shown."""
    return message


@dataclass(frozen=True)
class Lang:
    """One output language: its words, its numbers, its dates, its writing direction."""

    code: str
    digits: str
    translations: gettext.NullTranslations
    # Documents in a right-to-left language isolate what they put into sentences (see
    # Sentence); a terminal or a spreadsheet cell gets the plain text.
    isolates: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.code == "ar" else "ltr"

    def gettext(self, message: str) -> str:
        return self._sentence(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._sentence(self.translations.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return self._sentence(self.translations.pgettext(context, message))

    def __reduce__(self):
        # Its catalog holds functions that pickle cannot carry (a helper process draws a
        # brief's charts, reports/drawing.py): the other side reads the catalog again.
        return (_lang_again, (self.code, self.digits, self.isolates))

    def _sentence(self, text: str) -> str:
        return Sentence(text) if self.isolates else text

    def isolate(self, text: str) -> str:
        return f"{FSI}{text}{PDI}" if self.isolates else text

    def number(self, value: float | int | None) -> str:
        """A whole number as the locale groups it: 45,000 / 45 000 / 45,000 or ٤٥٬٠٠٠."""
        from babel.numbers import format_decimal

        if value is None:
            return "?"
        # Babel gives the numbering system's symbols ("٬"); its digits are ours to convert.
        text = format_decimal(round(value), locale=self.code, numbering_system=self.digits)
        return self.digits_of(text)

    def decimal(self, value: float, places: int = 1) -> str:
        """A ratio or share with `places` decimals: 1.5 / 1,5."""
        from babel.numbers import format_decimal

        pattern = "0." + "0" * places if places else "0"
        text = format_decimal(value, format=pattern, locale=self.code, numbering_system=self.digits)
        return self.digits_of(text)

    def percent(self, share: float) -> str:
        """A share as a percentage: 10% / 10 % / ١٠٪."""
        from babel.numbers import format_percent

        text = format_percent(share, locale=self.code, numbering_system=self.digits)
        return self.digits_of(text)

    def span(self, low: float | int | None, high: float | int | None) -> str:
        """A number, or a range by both ends, worded as the language words ranges."""
        return self.number(low) if low == high else self.range(low, high)

    def range(self, low: float | int | None, high: float | int | None) -> str:
        """ "40,000–50,000" / "entre 40 000 et 50 000" / "بين 40,000 و50,000", even when the
        ends are equal (a range across sources)."""
        return self.gettext("%(low)s–%(high)s") % {
            "low": self.number(low),
            "high": self.number(high),
        }

    def digits_of(self, text: str) -> str:
        """Text whose digits are the reader's: an ISO date, a week label, a count."""
        return text.translate(_ARABIC_INDIC) if self.digits == "arab" else text

    def date(self, day: dt.date, pattern: str) -> str:
        """`day` by a CLDR pattern: "d MMM y" is 16 Sep 2018 / 16 sept. 2018 / 16 سبتمبر 2018."""
        from babel.dates import format_date

        return self.digits_of(format_date(day, pattern, locale=self.code))

    def day(self, day: dt.date) -> str:
        return self.date(day, "d MMM y")

    def iso(self, day: dt.date) -> str:
        return self.digits_of(day.isoformat())


def plain(text: str) -> str:
    """`text` without bidi isolates (for metadata, file names, comparisons)."""
    return text.replace(FSI, "").replace(PDI, "")


class Sentence(str):
    """A translated message whose `%` puts each value in a bidi isolate: in an Arabic
    sentence, "55-km At Tanf zone" or "2018-09-17" is laid out left to right as a whole."""

    def __mod__(self, values):
        if isinstance(values, dict):
            values = {key: f"{FSI}{value}{PDI}" for key, value in values.items()}
        return str.__mod__(self, values)


@cache
def get_lang(code: str = "en", digits: str = "latn", *, document: bool = True) -> Lang:
    """The language `code` (one of LANGUAGES) with `digits` (one of DIGITS). A `document`
    (brief, map) in a right-to-left language isolates the values in its sentences."""
    if code not in LANGUAGES:
        raise InputError(f"language {code!r} is not one of {', '.join(LANGUAGES)}", field="lang")
    if digits not in DIGITS:
        raise InputError(f"digits {digits!r} is not one of {', '.join(DIGITS)}", field="digits")
    rtl = code == "ar"
    return Lang(code, digits, _translations(code), isolates=document and rtl)


def _lang_again(code: str, digits: str, isolates: bool) -> Lang:
    return Lang(code, digits, _translations(code), isolates=isolates)


def lang_from_env(environ: dict[str, str]) -> str:
    """The language named by LC_ALL, LC_MESSAGES or LANG ("fr_FR.UTF-8" -> fr), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def catalog_path(code: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


# A compiled catalog carries the SHA-256 of the .po it was made from, under this context.
SOURCE_CONTEXT = "dispstats catalog source"


def _translations(code: str) -> gettext.NullTranslations:
    # Imported here: the command line's entry path reads LANGUAGES and DIGITS only.
    import gettext

    if code == "en":
        return gettext.NullTranslations()
    po, mo = catalog_path(code), catalog_path(code, ".mo")
    if mo.exists():
        with mo.open("rb") as binary:
            built = gettext.GNUTranslations(binary)
        # File times say nothing after a wheel is unpacked: the .po's own hash decides.
        stamp = built.pgettext  # (called by another name: not a message to translate)
        if not po.exists() or stamp(SOURCE_CONTEXT, "sha256") == _sha256(po):
            return built
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(po)))


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def compile_catalog(po: Path) -> bytes:
    """A .po file as .mo bytes, with the .po's hash; fuzzy (unchecked) entries are left out,
    as msgfmt does. hatch_build.py compiles the package's catalogs with it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source)
    catalog.add("sha256", _sha256(po), context=SOURCE_CONTEXT)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()
