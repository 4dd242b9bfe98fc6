"""A file's hashtag row as the importer reads it: the analyst's own tags for this import
(--tag), the variants of standard tags that published files carry, and two readings of the
rows that tell an analyst which tag is missing or wrong.

- `given_tags`: tag an untagged or mis-tagged column without editing the file
  (--tag "P-code localité=#loc+code"), all at once, so two swapped tags can be swapped back.
- `standard_tags`: a tab inside a tag, a tag without its '#', +idp for +idps, and place levels
  below admin 3 (#adm4, #adm5, #settlement, #village) read as the site: each listed.
- `swapped_tags`: a code column holding names beside a name column holding codes.
- `columns_apart`: the columns in which rows the importer took for one figure differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dispstats.errors import InputError
from dispstats.model.hashtags import CORE_HASHTAGS, hashtag_name, parse_tag


def _key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _names(header: str) -> set[str]:
    """A header and, for a form's group path ('group_site/site_name'), its last name."""
    return {_key(header), _key(str(header).rsplit("/", 1)[-1])}


def parse_given_tag(text: str) -> tuple[str, str]:
    """'COLUMN=HASHTAG' as the option takes it; an empty hashtag untags the column."""
    column, sep, tag = text.rpartition("=")
    if not sep or not column.strip():
        raise InputError(
            f"--tag '{text}': expected COLUMN=HASHTAG, e.g. --tag \"P-code localité=#loc+code\" "
            "(COLUMN is the column's header, or its hashtag as the file writes it)",
            field="tag",
            value=text,
        )
    if tag.strip():
        parse_tag(tag)
    return column.strip(), tag.strip()


def given_tags(hashtags: list[str], headers: Sequence[str], given: Sequence[tuple[str, str]]):
    """Put the analyst's tags on the columns their header (or current hashtag) names; returns
    what was done, for the summary. All columns are found first, then all tags are set."""
    found = []
    for column, tag in given:
        by_header = [p for p, h in enumerate(headers) if h and _key(column) in _names(h)]
        by_tag = [p for p, t in enumerate(hashtags) if t and _key(t) == _key(column)]
        positions = by_header or by_tag
        if len(positions) != 1:
            named = [h.strip() for h in headers if str(h).strip()][:30]
            why = "several columns have" if positions else "no column has"
            raise InputError(
                f"--tag '{column}={tag}': {why} the header or hashtag '{column}'"
                + (f"; the headers are: {', '.join(repr(h) for h in named)}" if named else ""),
                field="tag",
                value=column,
            )
        found.append((positions[0], tag))
    hashtags.extend([""] * (max((p for p, _ in found), default=-1) + 1 - len(hashtags)))
    done = []
    for position, tag in found:
        was = hashtags[position].strip()
        hashtags[position] = tag
        header = " ".join(str(headers[position]).split()) if position < len(headers) else ""
        label = f"'{header}' (column {position + 1})" if header else f"column {position + 1}"
        done.append(f"{label} as {tag or 'untagged'}" + (f" (was {was})" if was else ""))
    return [f"tagged for this import: {'; '.join(done)}"] if done else []


# Attribute variants DTM files write, and the standard attribute each means.
_ATTRIBUTE_VARIANTS = {"idp": "idps", "households": "hh", "household": "hh", "individuals": "ind"}
# Place levels below admin 3, shallowest first: the deepest a file tags is its site.
_BELOW_ADMIN3 = ("adm4", "adm5", "settlement", "village")
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z][A-Za-z0-9_]*)+")


def standard_tags(hashtags: list[str]) -> list[str]:
    """Read the variants of standard tags in a hashtag row as the standard tag (in place);
    returns a note listing each."""
    changed = []
    for position, raw in enumerate(hashtags):
        text = str(raw or "")
        if not text.strip():
            continue
        tag = re.sub(r"\s+", "", text)
        if _BARE.fullmatch(tag) and tag.split("+")[0].lower() in CORE_HASHTAGS:
            tag = "#" + tag.lower()
        if hashtag_name(tag) == "affected":
            name, *attributes = tag.split("+")
            tag = "+".join([name, *(_ATTRIBUTE_VARIANTS.get(a.lower(), a) for a in attributes)])
        if tag != text:
            changed.append(f"{text!r} (column {position + 1}) as {tag}")
            hashtags[position] = tag
    notes = [f"read as standard tags: {'; '.join(changed)}"] if changed else []
    return notes + _sites_below_admin3(hashtags)


def _sites_below_admin3(hashtags: list[str]) -> list[str]:
    names = [hashtag_name(t) if t else None for t in hashtags]
    if "loc" in names:
        return []
    levels = [level for level in _BELOW_ADMIN3 if level in names]
    if not levels:
        return []
    deepest = levels[-1]
    moved = []
    for position, name in enumerate(names):
        if name != deepest:
            continue
        attributes = hashtags[position].split("+")[1:]
        kind = "pcode" if {"code", "pcode"} & {a.lower() for a in attributes} else "name"
        others = [a for a in attributes if a.lower() not in ("code", "pcode", "name")]
        new = "+".join(["#loc", kind, *others])
        moved.append(f"{hashtags[position]} (column {position + 1}) as {new}")
        hashtags[position] = new
    above = [f"#{level}" for level in levels[:-1]]
    return [
        f"#{deepest} is the deepest place the file names: each row is filed at it, as a site "
        f"({'; '.join(moved)})"
        + (f"; {', '.join(above)} lie between it and admin 3 and are not stored" if above else "")
    ]


_CODE = re.compile(r"[A-Za-z]{2,4}[-_]?[0-9][A-Za-z0-9_-]*")


def _looks_coded(values: Sequence[str]) -> float:
    values = [v for v in values if v]
    return sum(bool(_CODE.fullmatch(v.strip())) for v in values) / len(values) if values else 0


def swapped_tags(frame, hashtags: Sequence[str], headers: Sequence[str]) -> list[str]:
    """Advice for each place level whose code column holds names and name column holds codes
    (a DTM file tags 'LGA' #adm2+code and 'LGA Pcode' #adm2+name): the --tag options that
    swap them back."""
    advice = []
    for level in ("adm1", "adm2", "adm3", "loc"):
        code = name = None
        for position, tag in enumerate(hashtags):
            parts = {p.lower() for p in str(tag).split("+")}
            if hashtag_name(tag) != level or parts & {"origin", "dest"}:
                continue
            if parts & {"code", "pcode"}:
                code = position
            elif "name" in parts:
                name = position
        if code is None or name is None:
            continue
        sample = frame.iloc[:500]
        codes = sample[code].astype(str).tolist()
        names = sample[name].astype(str).tolist()
        if _looks_coded(names) > 0.8 and _looks_coded(codes) < 0.2:
            advice.append(
                f"the column tagged {hashtags[code]} holds names and the one tagged "
                f"{hashtags[name]} holds codes: swap them for this import with "
                f"{_option(headers, hashtags, code, hashtags[name])} "
                f"{_option(headers, hashtags, name, hashtags[code])}"
            )
    return advice


def _option(headers: Sequence[str], hashtags: Sequence[str], position: int, tag: str) -> str:
    header = str(headers[position]).strip() if position < len(headers) else ""
    unique = header and sum(_key(h) == _key(header) for h in headers) == 1
    return f'--tag "{header if unique else hashtags[position]}={tag}"'


def columns_apart(table, rows: Sequence[int], limit: int = 6) -> list[str]:
    """The columns (hashtag, else header) in which the file's `rows` differ, counts left out
    and columns of words first: those name what the rows are (a village, a survey date)."""
    import numpy as np

    positions = table.positions_of(rows)
    if len(positions) < 2:
        return []
    cells = np.char.strip(table.frame.iloc[positions].to_numpy(dtype=str))
    differ = np.flatnonzero((cells != cells[0]).any(axis=0))
    words: list[str] = []
    numbers: list[str] = []
    for column in differ:
        tag = str(table.hashtags[column]).strip() if column < len(table.hashtags) else ""
        if hashtag_name(tag) == "affected":
            continue
        header = " ".join(str(table.headers[column]).split()) if column < len(table.headers) else ""
        label = tag or (f"'{header}'" if header else f"column {column + 1}")
        numeric = all(re.fullmatch(r"-?[0-9.,]*", v) for v in cells[:, column])
        (numbers if numeric else words).append(label)
    apart = words + numbers
    return apart[:limit] + ([f"{len(apart) - limit} more"] if len(apart) > limit else [])
