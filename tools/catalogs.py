"""Keep the translation catalogs in step with the code (src/dispstats/locale).

    python tools/catalogs.py update   # extract the messages, merge them into fr and ar
    python tools/catalogs.py check    # list every message fr or ar leaves untranslated

`update` writes dispstats.pot (the English messages, as babel.cfg says where to find them)
and merges it into each language's .po: new messages arrive empty, changed ones are marked
fuzzy (not used until a translator checks them), removed ones are dropped.
Translators edit the .po files; the .mo files are built by hatch_build.py, never committed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dispstats import __version__  # noqa: E402

LOCALE = ROOT / "src" / "dispstats" / "locale"
LANGUAGES = ("fr", "ar")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def extract() -> Catalog:
    """The catalog of every message the code and the brief template ask to translate."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="dispstats", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "src"), method_map, options_map
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "dispstats.po"


def read(code: str) -> Catalog:
    path = po_path(code)
    if not path.exists():
        return Catalog(locale=code, project="dispstats", fuzzy=False)
    with path.open("rb") as source:
        return read_po(source, locale=code)


HEADER = """\
# The words of dispstats's briefs, workbooks and terminal output (see tools/catalogs.py).
# This file is distributed under the same licence as dispstats (Apache-2.0)."""


def write(catalog: Catalog, path: Path) -> None:
    """The catalog as a .po file: file names, not line numbers, so code edits do not churn it."""
    catalog.header_comment = HEADER
    catalog.project, catalog.version = "dispstats", __version__
    catalog.msgid_bugs_address = "dispstats developers"
    catalog.last_translator = catalog.language_team = "dispstats developers"
    catalog.copyright_holder = "dispstats developers"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=100, sort_output=False, include_previous=True,
                 include_lineno=False)  # fmt: skip


def update() -> None:
    template = extract()
    write(template, LOCALE / "dispstats.pot")
    for code in LANGUAGES:
        catalog = read(code)
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()  # a removed message's words stay in git's history
        write(catalog, po_path(code))


def problems(template: Catalog, catalog: Catalog) -> list[str]:
    """Messages of `template` that `catalog` leaves untranslated, marks fuzzy, or translates
    with a placeholder the English does not have."""
    found = []
    for message in template:
        if not message.id:
            continue
        mine = catalog.get(message.id, message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [] if mine is None else mine.string
        strings = [strings] if isinstance(strings, str) else list(strings)
        if mine is None or not all(strings):
            found.append(f"untranslated: {key!r}")
        elif mine.fuzzy:
            found.append(f"fuzzy: {key!r}")
        elif len(strings) != (catalog.num_plurals if mine.pluralizable else 1):
            found.append(f"wrong number of plural forms: {key!r}")
        else:
            english = set(PLACEHOLDER.findall(" ".join(message.id if mine.pluralizable else [key])))
            extra = {p for s in strings for p in PLACEHOLDER.findall(s)} - english
            if extra:
                found.append(f"placeholder {sorted(extra)} not in the English: {key!r}")
    return found


def check() -> int:
    template = extract()
    failures = 0
    for code in LANGUAGES:
        for problem in problems(template, read(code)):
            print(f"{code}: {problem}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
