"""Commands timed side by side: each round runs every command once, in turn, so that load weighs on all alike.

Shared by run.py and scale.py. A command may do something just before each of
its runs (empty the cache, change a journey); each run is a separate process
whose wall-clock time and peak resident memory (wait4) are kept; the first
round only warms the page cache and the bytecode caches.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: as installed tools run: with bytecode caches (a PYTHONDONTWRITEBYTECODE=1 in the caller's environment
#: would make every run recompile every module, ~40 ms for journeyc), and the cache of warm runs on
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "JOURNEYC_NO_CACHE")}


@dataclass
class Command:
    key: str
    label: str
    argv: list[str]
    before: Callable[[int], None] = lambda n: None
    expect: str | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Timing:
    best: float
    peak_kib: int | None


def run_once(cmd: Command, n: int) -> tuple[float, int | None]:
    """Wall-clock seconds and peak resident memory (KiB, None where wait4 is missing) of one run."""
    cmd.before(n)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd.argv, stdout=out, stderr=subprocess.STDOUT, env=ENV | cmd.env)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            peak: int | None = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
        else:  # pragma: no cover - Windows
            code = proc.wait()
            peak = None
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if code != 0 or (cmd.expect is not None and cmd.expect not in text):
        raise RuntimeError(f"{' '.join(cmd.argv[:3])} ... exited {code}:\n{text[-2000:]}")
    return wall, peak


def side_by_side(commands: list[Command], repeat: int) -> dict[str, Timing]:
    """Best time and highest peak of each command over `repeat` rounds after one warm-up round."""
    times: dict[str, list[float]] = {c.key: [] for c in commands}
    peaks: dict[str, list[int]] = {c.key: [] for c in commands}
    for n in range(repeat + 1):
        for cmd in commands:
            wall, peak = run_once(cmd, n)
            if n:
                times[cmd.key].append(wall)
            if peak is not None:
                peaks[cmd.key].append(peak)
    return {k: Timing(min(times[k]), max(peaks[k]) if peaks[k] else None) for k in times}


def revise(journey: Path, tag: str = "") -> Callable[[int], None]:
    """Change one journey before each run as a person would (its description), keeping the workspace clean;
    commands that revise the same journey give different `tag`s, or the second would find the first's text."""
    original = journey.read_text(encoding="utf-8")

    def edit(n: int) -> None:
        journey.write_text(original.replace("\ndescription: ", f"\ndescription: Revised {tag}{n}. ", 1),
                           encoding="utf-8")

    return edit


def loadavg() -> str | None:
    """/proc/loadavg (the load averages and the processes running now): figures taken on a busy machine
    are not comparable."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:4])
    except OSError:
        try:
            return " ".join(f"{x:.2f}" for x in os.getloadavg())
        except (AttributeError, OSError):  # Windows
            return None
