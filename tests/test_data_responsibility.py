"""Every output, from the command line, on a store with restricted sites, restricted figures
and a restricted excerpt on a public figure: with --public nothing restricted appears anywhere
in the file (text, attachments, every part of the workbook, every CSV and descriptor);
without it, the output says up front that it holds restricted data."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dispstats.cli import cli

from .conftest import RESTRICTED_MARKS, require_tool


def everything_in(path: Path) -> tuple[str, str]:
    """(all text a reader could get from the output, what its first page/sheet/line says)."""
    if path.is_dir():
        text = " ".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
        return text, (path / "datapackage.json").read_text(encoding="utf-8")
    if path.suffix == ".pdf":
        pdftotext = require_tool("pdftotext", "poppler-utils")
        pages = subprocess.run([pdftotext, str(path), "-"], capture_output=True).stdout
        reader = PdfReader(path)
        attached = [b.decode("utf-8") for files in reader.attachments.values() for b in files]
        metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
        first = subprocess.run(
            [pdftotext, "-l", "1", str(path), "-"], capture_output=True
        ).stdout.decode()
        return " ".join([pages.decode(), *attached, metadata]), first
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:  # cells, shared strings, charts, properties
            text = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        from openpyxl import load_workbook

        first = load_workbook(path).worksheets[0]
        return text, " ".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    text = path.read_text(encoding="utf-8")
    return text, text.splitlines()[0]


OUTPUTS = {
    "brief": (["brief", "--week", "2018-W38"], "brief.pdf", "Contains restricted data"),
    "xlsx": (["export", "xlsx", "--to", "2018-09-23"], "book.xlsx", "RESTRICTED"),
    "hxl": (["export", "hxl"], "figures.csv", "RESTRICTED"),
    "datapackage": (["export", "datapackage"], "package", "RESTRICTED"),
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_public_outputs_hold_nothing_restricted_and_internal_ones_say_they_do(
    restricted_db, tmp_path, name
):
    args, filename, notice = OUTPUTS[name]
    runner = CliRunner()
    public, internal = tmp_path / f"public-{filename}", tmp_path / f"internal-{filename}"
    for out, extra in ((public, ["--public"]), (internal, [])):
        result = runner.invoke(cli, ["--db", restricted_db, *args, *extra, "-o", str(out)])
        assert result.exit_code == 0, result.output
    public_text, public_first = everything_in(public)
    assert [m for m in RESTRICTED_MARKS if m in public_text] == []
    assert notice not in public_first
    internal_text, internal_first = everything_in(internal)
    assert notice in internal_first
    # The marks are really in the store: an internal output shows them.
    assert "Secret Camp Zeta" in internal_text and "informant counted" in internal_text


def test_a_public_figure_keeps_its_number_when_its_excerpt_is_withheld(with_restricted, tmp_path):
    from dispstats.model.records import public_only

    _, figures = public_only(with_restricted.sites(), with_restricted.figures())
    tents = next(f for f in figures if f.low == 7700)
    assert tents.excerpt is None and tents.excerpt_sensitivity == "restricted"


def test_a_restricted_excerpt_can_be_set_at_the_command_line(run):
    result = run(
        "add", "--site", "Rukban", "--indicator", "population", "--value", "44,000",
        "--date", "2018-09-17", "--source", "ocha-2018-09", "--excerpt", "from a closed meeting",
        "--excerpt-sensitivity", "restricted", "--no-interactive", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"excerpt_sensitivity": "restricted"' in result.output
    bad = run(
        "add", "--site", "Rukban", "--indicator", "population", "--value", "44,000",
        "--date", "2018-09-17", "--source", "ocha-2018-09", "--excerpt-sensitivity", "secret",
        "--no-interactive",
    )  # fmt: skip
    assert bad.exit_code == 1 and "'secret' is not one of: public, restricted" in bad.output


# --- references and ranking follow the one public rule (leaks found by trying) ----------------


def _restricted_parent_store(db: str) -> str:
    from datetime import date

    from dispstats.model.records import Site, Source
    from dispstats.store import Store
    from dispstats.store.data_entry import add_figure

    with Store.init(db)[0] as store:
        store.add_records(
            [
                Site("hidden-enclave", "Hidden Enclave", kind="zone", sensitivity="restricted"),
                Site("open-camp", "Open Camp", parent_id="hidden-enclave"),
            ],
            [Source("ocha-x", "OCHA", "un", reliability="B")],
        )
        for value, day, sensitivity in (
            ("40,000", "2024-05-01", "public"),
            ("41,000", "2024-05-08", "public"),
            ("987,654", "2024-05-15", "restricted"),
        ):
            add_figure(
                store,
                {"site": "open-camp", "indicator": "population", "value": value, "date": day,
                 "source": "ocha-x", "sensitivity": sensitivity},
                today=date(2024, 6, 1),
            )  # fmt: skip
    return db


def test_public_hxl_never_names_a_restricted_parent(db_url, tmp_path):
    db = _restricted_parent_store(db_url)
    out = tmp_path / "public.csv"
    result = CliRunner().invoke(cli, ["--db", db, "export", "hxl", "--public", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Open Camp" in text and "41000" in text
    assert "hidden-enclave" not in text and "Hidden Enclave" not in text
    assert "987" not in text


def test_a_newer_restricted_figure_neither_hides_nor_changes_a_public_site(db_url):
    from datetime import date

    from dispstats.reports.brief import gather
    from dispstats.store import Store
    from dispstats.store.public import PublicView

    db = _restricted_parent_store(db_url)
    with Store.open(db) as store:
        public = gather(PublicView(store), date(2024, 5, 19))
        internal = gather(store, date(2024, 5, 19))
    (key,) = public.key_figures
    assert (key.site.id, key.estimate.figure.low) == ("open-camp", 41000)
    assert all(f.low != 987654 for f in public.figures_used)
    assert internal.key_figures[0].estimate.figure.low == 987654


@pytest.mark.parametrize(
    "command",
    [
        ["brief", "--week", "2024-W20", "--public", "-o", "{out}/b.pdf"],
        ["export", "xlsx", "--public", "-o", "{out}/x.xlsx"],
    ],
)
def test_public_outputs_answer_a_restricted_name_as_an_unknown_one(db_url, tmp_path, command):
    db = _restricted_parent_store(db_url)
    args = [a.format(out=tmp_path) for a in command]

    def answer(site: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", db, *args, "--sites", site])
        return result.exit_code, result.output.replace(site, "NAME")

    for restricted in ("Hidden Enclave", "hidden-enclave", "Hidden Enclav"):
        assert answer(restricted) == answer("Zzzzzz Qqqqq")
        assert "Hidden" not in answer(restricted)[1]
