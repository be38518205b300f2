"""Time journeyc against the YAML parse floor and check-jsonschema, whole process, wall clock.

    .venv/bin/python bench/run.py [--journeys 1000] [--repeat 3] [--out bench/out] [--json]

Generates a workspace (bench/generate.py), then runs each command as a
separate process, once to warm the caches and `--repeat` times timed, and
keeps the best time. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import generate  # bench/generate.py: the script's own directory is on sys.path

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "journey.schema.json"

# the floor: what parsing every file with libyaml costs, with nothing else
FLOOR = """\
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
"""

# (key, ratio to, target factor, what it promises): the targets
TARGETS = (
    ("check_all", "floor", 1.5, "journeyc check on the workspace <= 1.5x the parse floor"),
    ("check_all", "cjs_all", 0.1, "journeyc check on the workspace >= 10x faster than check-jsonschema"),
    ("check_one", "cjs_one", 0.5, "journeyc check on one file <= half of check-jsonschema on one file"),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    seconds: float | None  # None: skipped
    note: str = ""


def tool(name: str) -> str | None:
    """A console script of the running interpreter's environment, else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


#: as installed tools run: with bytecode caches (a PYTHONDONTWRITEBYTECODE=1 in the caller's environment
#: would make every run recompile every module, ~40 ms for journeyc, more for check-jsonschema)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_of(cmd: Sequence[str], repeat: int, *, cwd: Path | None = None, expect: str | None = None) -> float:
    """Best wall-clock time of `repeat` runs after one warm-up; fails loudly if the command fails."""
    times = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0 or (expect is not None and expect not in proc.stdout):
            raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {proc.returncode}:\n{proc.stdout[-2000:]}"
                               f"{proc.stderr[-2000:]}")
        if i:  # the first run only warms the page cache and the bytecode caches
            times.append(elapsed)
    return min(times)


def measure(ws: Path, small: Path, journeys: list[Path], small_journey: Path, repeat: int) -> list[Figure]:
    journeyc = tool("journeyc")
    if journeyc is None:
        raise RuntimeError("journeyc is not installed in this environment (pip install -e .)")
    clean = "All checks passed"
    one = journeys[len(journeys) // 2]
    figures = [
        Figure("floor", "parse floor: CSafeLoader on every file",
               best_of([sys.executable, "-c", FLOOR, str(ws)], repeat)),
        Figure("check_all", "journeyc check <workspace>", best_of([journeyc, "check", str(ws)], repeat, expect=clean)),
        Figure("check_one", "journeyc check <one journey> (pre-commit)",
               best_of([journeyc, "check", str(one)], repeat, expect=clean)),
        Figure("check_one_small", "journeyc check <one journey>, 1-journey workspace",
               best_of([journeyc, "check", str(small_journey)], repeat, expect=clean)),
    ]
    cjs = tool("check-jsonschema")
    if cjs is None:
        note = "skipped: check-jsonschema is not installed (pip install -e '.[bench]')"
        figures += [Figure("cjs_all", "check-jsonschema <every journey>", None, note),
                    Figure("cjs_one", "check-jsonschema <one journey>", None, note)]
    else:
        base = [cjs, "--schemafile", str(SCHEMA)]
        figures += [
            Figure("cjs_all", "check-jsonschema <every journey>",
                   best_of(base + [str(p) for p in journeys], repeat)),
            Figure("cjs_one", "check-jsonschema <one journey>", best_of(base + [str(one)], repeat)),
        ]
    return figures


def targets(figures: list[Figure]) -> list[dict[str, object]]:
    by_key = {f.key: f.seconds for f in figures}
    out: list[dict[str, object]] = []
    for key, other, factor, what in TARGETS:
        a, b = by_key.get(key), by_key.get(other)
        ratio = None if a is None or not b else a / b
        out.append({"target": what, "ratio": ratio, "limit": factor,
                    "met": None if ratio is None else ratio <= factor})
    return out


def table(figures: list[Figure], opts: generate.Options, lines: int, load: float | None) -> str:
    by_key = {f.key: f.seconds for f in figures}
    floor, cjs = by_key.get("floor"), by_key.get("cjs_all")
    cjs_one = by_key.get("cjs_one")
    rows = [f"{opts.journeys} journeys ({lines} lines), {opts.stages_min}-{opts.stages_max} stages, "
            f"{opts.terms} terms; {os.cpu_count()} CPUs, Python {platform.python_version()},"
            f" load average {load} before the run",
            "", f"{'command':<52} {'best':>9} {'/ floor':>8} {'/ cjs':>8}", "-" * 80]
    for f in figures:
        if f.seconds is None:
            rows.append(f"{f.label:<52} {f.note}")
            continue
        ref = cjs_one if f.key.startswith(("check_one", "cjs_one")) else cjs
        to_floor = f"{f.seconds / floor:7.2f}x" if floor and not f.key.startswith(("check_one", "cjs_one")) else ""
        to_cjs = f"{f.seconds / ref:7.3f}x" if ref else ""
        rows.append(f"{f.label:<52} {_ms(f.seconds):>9} {to_floor:>8} {to_cjs:>8}")
    rows.append("")
    for t in targets(figures):
        mark = "skipped" if t["met"] is None else ("met" if t["met"] else "NOT MET")
        ratio = "" if t["ratio"] is None else f" (ratio {t['ratio']:.3f}, limit {t['limit']})"
        rows.append(f"[{mark}] {t['target']}{ratio}")
    return "\n".join(rows) + "\n"


def _load() -> float | None:
    """The 1-minute load average: figures taken on a busy machine are not comparable."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--stages-min", type=int, default=8)
    parser.add_argument("--stages-max", type=int, default=12)
    parser.add_argument("--terms", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command (best is kept)")
    parser.add_argument("--out", type=Path, help="generate here (e.g. bench/out, git-ignored) instead of a temp dir")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    opts = generate.Options(args.journeys, args.stages_min, args.stages_max, args.terms)
    load = _load()  # before our own processes add to it
    with tempfile.TemporaryDirectory(prefix="journeyc-bench-") as tmp:
        base = args.out or Path(tmp)
        ws, small = base / "workspace", base / "one-journey"
        try:
            journeys = generate.generate(ws, opts)
            small_journeys = generate.generate(small, generate.Options(1, args.stages_min, args.stages_max,
                                                                       args.terms))
            lines = sum(p.read_text(encoding="utf-8").count("\n") for p in journeys)
            figures = measure(ws, small, journeys, small_journeys[0], args.repeat)
        except (RuntimeError, ValueError) as exc:
            print(f"run.py: error: {exc}", file=sys.stderr)
            return 2
    if args.json:
        data = {"journeys": opts.journeys, "journey_lines": lines, "stages": [opts.stages_min, opts.stages_max],
                "terms": opts.terms, "repeat": args.repeat, "cpus": os.cpu_count(),
                "python": platform.python_version(), "load_before": load,
                "seconds": {f.key: f.seconds for f in figures},
                "notes": {f.key: f.note for f in figures if f.note}, "targets": targets(figures)}
        print(json.dumps(data, indent=2))
    else:
        print(table(figures, opts, lines, load), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
