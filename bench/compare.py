"""Time two versions of journeyc on one workspace, runs interleaved: a git revision against the working tree.

    .venv/bin/python bench/compare.py [--rev HEAD] [--journeys 1000] [--repeat 5] [--json]

The revision is exported with `git archive` (read-only) into a temporary
directory and run by the same interpreter with the same packages (PYTHONPATH
first). The two versions take turns, so load from other processes weighs on
both alike. Each command runs once per version to warm the caches, then
`--repeat` times; the best wall-clock time and the best CPU time (user +
system, which load disturbs less) are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import generate  # bench/generate.py: the script's own directory is on sys.path

REPO = Path(__file__).resolve().parent.parent
#: as installed tools run: with bytecode caches (see run.py); without the cache of warm runs, which would make
#: the second run of a version warm and the comparison one of code against cache (run.py times the cache)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"JOURNEYC_NO_CACHE": "1"}
CURRENT = "working tree"


def export(rev: str, into: Path) -> Path:
    """The package of `rev` in `into`, its templates and schemas where the package looks for them."""
    archive = into / "src.tar"
    with open(archive, "wb") as out:
        subprocess.run(["git", "-C", str(REPO), "archive", rev], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into)  # noqa: S202 - our own repository's archive
    for name in ("templates", "schemas"):  # a source checkout finds them through the editable install
        link = into / "journeyc" / name
        if not link.exists():
            link.symlink_to(into / name, target_is_directory=True)
    return into


def run(cmd: list[str], tree: Path | None) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of `cmd` with the package of `tree`."""
    env = dict(ENV, PYTHONPATH=str(tree)) if tree is not None else ENV
    before, start = os.times(), time.perf_counter()
    # cwd: `python -m` puts the current directory first on sys.path, and the repository's is the working tree
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall, after = time.perf_counter() - start, os.times()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:5])} ... exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


Command = Callable[[int], list[str]]  # run number -> argv (a fresh output directory per run, say)


def interleaved(commands: dict[str, Command], trees: dict[str, Path | None], repeat: int,
                after: Callable[[int], None] = lambda n: None) -> dict[str, dict[str, float]]:
    """{command: {"<version> wall": best, "<version> cpu": best}}; the versions take turns."""
    results: dict[str, dict[str, float]] = {}
    n = 0
    for name, command in commands.items():
        row: dict[str, float] = {}
        for i in range(repeat + 1):
            for version, tree in trees.items():
                n += 1
                wall, cpu = run(command(n), tree)
                after(n)
                if i:  # the first round only warms the caches
                    row[f"{version} wall"] = min(row.get(f"{version} wall", wall), wall)
                    row[f"{version} cpu"] = min(row.get(f"{version} cpu", cpu), cpu)
        results[name] = row
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="the git revision to compare the working tree with")
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="journeyc-compare-") as tmp:
        base = Path(tmp)
        ws = base / "workspace"
        generate.generate(ws, generate.Options(args.journeys))
        (base / "rev").mkdir()
        trees = {args.rev: export(args.rev, base / "rev"), CURRENT: None}
        cli = [sys.executable, "-m", "journeyc"]
        build = [*cli, "build", str(ws), "--no-svg", "--quiet", "--out"]
        results = interleaved({"check": lambda n: [*cli, "check", str(ws)]}, trees, args.repeat)
        # every file created: an output directory of its own per run, removed after it
        results.update(interleaved({"build --no-svg, new output": lambda n: [*build, str(base / f"new-{n}")]},
                                   trees, args.repeat, after=lambda n: shutil.rmtree(base / f"new-{n}")))
        # the usual case on a laptop or a CI cache: the previous build is there
        results.update(interleaved({"build --no-svg, over the last": lambda n: [*build, str(base / "again")]},
                                   trees, args.repeat))
    if args.json:
        print(json.dumps({"journeys": args.journeys, "rev": args.rev, "repeat": args.repeat, "load_before": load,
                          "seconds": results}, indent=2))
        return 0
    print(f"{args.journeys} journeys, best of {args.repeat}, {os.cpu_count()} CPUs, load average {load} before")
    print(f"{'command':<32} {args.rev + ' wall':>12} {'now wall':>10} {args.rev + ' cpu':>12} {'now cpu':>10}")
    for name, row in results.items():
        print(f"{name:<32} {row[args.rev + ' wall']:>11.2f}s {row[CURRENT + ' wall']:>9.2f}s"
              f" {row[args.rev + ' cpu']:>11.2f}s {row[CURRENT + ' cpu']:>9.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
