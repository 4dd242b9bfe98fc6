"""A full disk loses nothing and leaves nothing half-written: a file is written whole or not at
all (the one there before kept), the command says "No space left on device while writing X"
with exit code 1, and standard output cut short by a full disk is exit code 1, never 0.

A file size limit (RLIMIT_FSIZE) stands in for a full disk: writes past it fail as they do on
a full disk (EFBIG instead of ENOSPC), on any Linux machine, without mounting anything. It is
above what SQLite needs to read the store (its 32 KB shared-memory file) and below every
output of a store of a few hundred figures.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from dispstats.output import OutputError, written

LIMIT = 40_000  # bytes a process of these tests may write to any one file


def _limited():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _dispstats(args: list[str], cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dispstats", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limited,
        timeout=300,
    )


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    """The demo store with 400 more figures (Rukban, weekly, OCHA-like), in its own folder."""
    from datetime import date, timedelta

    from dispstats.model.dates import DateRef
    from dispstats.model.parse import Quantity
    from dispstats.model.records import Figure, Source
    from dispstats.store import Store
    from dispstats.store.demo import load_demo

    store, _ = Store.init(str(tmp_path / "dispstats.db"))
    with store:
        load_demo(store)
        start = date(2010, 1, 4)
        days = [start + timedelta(weeks=n) for n in range(400)]
        figures = [
            Figure(id=None, site_id="rukban", indicator="population", value_text=str(n),
                   quantity=Quantity(40_000 + n, 40_000 + n), ref=DateRef(day, day, "day"),
                   source_id="weekly", population_group="idps")
            for n, day in enumerate(days)
        ]  # fmt: skip
        store.add_records([], [Source("weekly", "Weekly counts", "un", reliability="B")], figures)
    return tmp_path


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("dispstats.db"))


def test_standard_output_cut_short_by_a_full_disk_is_exit_1_and_said(demo_folder):
    out = demo_folder / "figures.json"
    with out.open("w") as handle:
        done = _dispstats(["list", "--json"], demo_folder, stdout=handle)
    assert out.stat().st_size == LIMIT  # the disk took only this much of it
    assert done.returncode == 1
    assert "No space left on device while writing the standard output" in done.stderr
    assert "Traceback" not in done.stderr and "fault in dispstats" not in done.stderr


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["export", "xlsx", "-o", "w.xlsx"], "w.xlsx"),
        (["brief", "--week", "2018-W38", "-o", "b.pdf"], "b.pdf"),
        (["export", "hxl", "-o", "f.csv"], "f.csv"),
        (["map", "--week", "2018-W38", "-o", "m.png"], "m.png"),
    ],
    ids=["xlsx", "brief", "hxl", "map"],
)
def test_a_file_on_a_full_disk_is_not_left_half_written_and_the_old_one_stays(
    demo_folder, args, name
):
    before = demo_folder / name
    before.write_bytes(b"the file of last week")
    done = _dispstats(args, demo_folder)
    assert done.returncode == 1, done.stderr
    assert f"No space left on device while writing {name}" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert before.read_bytes() == b"the file of last week"
    assert _left(demo_folder) == [name]  # no temporary file beside it


def test_a_file_written_whole_replaces_the_old_one_with_ordinary_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with written(target) as part:
        assert part.parent == tmp_path and part != target
        part.write_text("new")
        assert target.read_text() == "old"  # not touched until the write is complete
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert _left(tmp_path) == ["out.csv"]


def test_a_write_that_fails_for_another_reason_leaves_nothing_and_says_so(tmp_path):
    with pytest.raises(ValueError), written(tmp_path / "x.csv") as part:
        part.write_text("half")
        raise ValueError("refused half-way")
    assert _left(tmp_path) == []
    full = pytest.raises(OutputError, match="No space left on device while writing")
    with full, written(tmp_path / "y.csv"):
        raise OSError(28, "No space left on device")
    assert _left(tmp_path) == []


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_brief_stopped_with_sigterm_removes_its_temporary_folder(demo_folder, tmp_path_factory):
    import os
    import signal
    import time

    scratch = tmp_path_factory.mktemp("scratch")
    for attempt in range(3):
        brief = subprocess.Popen(
            [sys.executable, "-m", "dispstats", "brief", "--week", "2018-W38", "-o", "b.pdf"],
            cwd=demo_folder,
            env={**os.environ, "TMPDIR": str(scratch)},
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not list(scratch.glob("dispstats-brief-*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(scratch.glob("dispstats-brief-*")), f"attempt {attempt}: no folder seen"
        brief.send_signal(signal.SIGTERM)
        _, stderr = brief.communicate(timeout=120)
        assert brief.returncode == 143, stderr
        assert "Interrupted: nothing of the unfinished command was written." in stderr
        assert "Traceback" not in stderr
        assert list(scratch.iterdir()) == [], f"attempt {attempt}: {list(scratch.iterdir())}"
        assert not (demo_folder / "b.pdf").exists()
