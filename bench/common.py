"""What every bench script prints: one line per job of issue 13's table, as
"dispstats <job>: <time>, baseline <name>: <time>, ratio <r>", both measured in the same run."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def installed_bytecode() -> None:
    """Byte-compile dispstats' own modules first, as `pip install` of a wheel does and as a
    first run does. Where PYTHONDONTWRITEBYTECODE is set (it is on some CI machines) every
    process would otherwise compile the sources again, a cost no installed copy pays and the
    baseline (the standard library, compiled) does not pay either."""
    import dispstats

    compileall.compile_dir(Path(dispstats.__file__).parent, quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("(PYTHONDONTWRITEBYTECODE is set here: dispstats' modules compiled beforehand)")


def wall(cmd: list[str]) -> float:
    """The wall time of one whole process (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved_medians(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median wall time of each command over `runs` rounds, each round running every
    command once in turn, so that machine noise hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall(cmd))
    return {name: statistics.median(values) for name, values in times.items()}


def median_time(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall time of `repeat` runs of `work`, and what the last run returned."""
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def run_in_checkout(src: Path, script: str, *args: str) -> list[str]:
    """What `script` prints, run by this Python with another checkout's `src` first on its
    path (and nothing else of this environment): the A/B benches' way to time one checkout."""
    import sys

    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def report(job: str, ours: float, baseline: str, base: float, note: str = "") -> None:
    """ours and base in seconds; the ratio is ours / base (below 1: faster than the
    baseline). A rate line passes its times per run, so the ratio reads the same way."""
    line = (
        f"dispstats {job}: {seconds(ours)}, baseline {baseline}: {seconds(base)}, "
        f"ratio {ours / base:.2f}"
    )
    print(line + (f"  ({note})" if note else ""), flush=True)
