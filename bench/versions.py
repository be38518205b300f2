"""Warm checks of two installed journeyc versions against the parse floor, side by side: before and after a change.

    .venv/bin/python bench/versions.py BEFORE AFTER [--journeys 1000] [--repeat 5] [--json]

BEFORE and AFTER are `journeyc` executables, each from its own environment
(for instance `git archive main | tar -x -C /tmp/main && python -m venv
/tmp/main-venv && /tmp/main-venv/bin/pip install /tmp/main`; an editable
install of the working tree will do for AFTER). Each keeps its cache in a
directory of its own. In each round, every command runs once in turn: the
parse floor (run.py's), then for each version `check` of the workspace after
one journey changed, `check` with nothing changed, and `check <that journey>`
after it changed again (pre-commit); the first round only warms the caches.
Wall-clock and CPU (user + system of the process, which other processes
disturb less) are kept, the best of each; ratios are to the floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate  # bench/generate.py: the script's own directory is on sys.path
from rounds import ENV, loadavg, revise
from run import FLOOR

Step = tuple[str, list[str], dict[str, str], object]


def commands(ws: Path, edited: Path, versions: dict[str, str], cache: Path) -> list[Step]:
    steps: list[Step] = [("floor", [sys.executable, "-c", FLOOR, str(ws)], {}, None)]
    for name, exe in versions.items():
        env = {"JOURNEYC_CACHE_DIR": str(cache / name)}
        steps += [(f"{name}: check, warm, one journey changed", [exe, "check", str(ws)], env, revise(edited, name)),
                  (f"{name}: check, warm, nothing changed", [exe, "check", str(ws)], env, None),
                  (f"{name}: check <the changed journey>, warm", [exe, "check", str(edited)], env,
                   revise(edited, name + " again "))]
    return steps


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (the workspace checks clean: anything else is an error)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV | env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... exited {os.waitstatus_to_exitcode(status)}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def measure(steps: list[Step], repeat: int) -> dict[str, tuple[float, float]]:
    best: dict[str, tuple[float, float]] = {}
    for n in range(repeat + 1):
        for key, argv, env, before in steps:
            if callable(before):
                before(n)
            wall, cpu = once(argv, env)
            if n:
                old = best.get(key, (wall, cpu))
                best[key] = (min(old[0], wall), min(old[1], cpu))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    versions = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    load = loadavg()
    with tempfile.TemporaryDirectory(prefix="journeyc-versions-") as tmp:
        ws = Path(tmp) / "workspace"
        journeys = generate.generate(ws, generate.Options(args.journeys))
        edited = journeys[len(journeys) // 3]
        best = measure(commands(ws, edited, versions, Path(tmp) / "cache"), args.repeat)
    after = loadavg()
    wall0, cpu0 = best["floor"]
    if args.json:
        print(json.dumps({"journeys": args.journeys, "repeat": args.repeat, "load_before": load, "load_after": after,
                          "versions": versions, "seconds": best}, indent=2))
        return 0
    print(f"{args.journeys} journeys, best of {args.repeat}; /proc/loadavg {load} before, {after} after")
    print(f"{'command':<52} {'wall':>8} {'/ floor':>8} {'cpu':>8} {'/ floor':>8}")
    for key, (wall, cpu) in best.items():
        print(f"{key:<52} {wall:7.3f}s {wall / wall0:7.2f}x {cpu:7.3f}s {cpu / cpu0:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
