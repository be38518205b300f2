"""Time journeyc against the YAML parse floor and check-jsonschema, whole process, wall clock.

    .venv/bin/python bench/run.py [--journeys 1000] [--repeat 3] [--out bench/out] [--json]

Generates a workspace (bench/generate.py), then runs each command as a
separate process, the commands taking turns: one round to warm the caches,
then `--repeat` timed rounds; the best time of each is kept. The cache of warm
runs lives in a temporary directory (JOURNEYC_CACHE_DIR). See bench/README.md
for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import generate  # bench/generate.py: the script's own directory is on sys.path
from rounds import Command, loadavg, revise, side_by_side

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "journey.schema.json"

# the floor: what parsing every file with libyaml costs, with nothing else
FLOOR = """\
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
"""

# (key, ratio to, target factor, what it promises): the issues' targets
TARGETS = (
    ("check_edit", "floor", 0.3, "warm journeyc check, one journey changed <= 0.3x the parse floor (issue 17)"),
    ("check_one_edit", "floor", 0.3, "warm journeyc check <the changed journey> <= 0.3x the parse floor (pre-commit)"),
    ("check_cold", "floor", 1.5, "cold journeyc check (empty cache, writes it) <= 1.5x the parse floor (issue 17)"),
    ("check_all", "floor", 1.5, "journeyc check --no-cache on the workspace <= 1.5x the parse floor"),
    ("check_all", "cjs_all", 0.1, "journeyc check on the workspace >= 10x faster than check-jsonschema"),
    ("check_one", "cjs_one", 0.5, "journeyc check on one file <= half of check-jsonschema on one file"),
)
#: rows that compare with a one-file reference rather than the whole workspace
ONE_FILE = ("check_one", "cjs_one")


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


def emptied(cache: Path) -> Callable[[int], None]:
    return lambda n: shutil.rmtree(cache, ignore_errors=True)


def measure(ws: Path, small: Path, journeys: list[Path], small_journey: Path, repeat: int) -> list[Figure]:
    journeyc = tool("journeyc")
    if journeyc is None:
        raise RuntimeError("journeyc is not installed in this environment (pip install -e .)")
    clean = "All checks passed"
    one = journeys[len(journeys) // 2]
    edited = journeys[len(journeys) // 3]
    cache = ws.parent / "journeyc-cache"
    env = {"JOURNEYC_CACHE_DIR": str(cache)}
    check = [journeyc, "check"]
    commands = [
        Command("floor", "parse floor: CSafeLoader on every file", [sys.executable, "-c", FLOOR, str(ws)]),
        Command("check_all", "journeyc check --no-cache <workspace>", [*check, "--no-cache", str(ws)], expect=clean),
        Command("check_cold", "journeyc check <workspace>, empty cache", [*check, str(ws)], emptied(cache), clean,
                env),
        Command("check_warm", "journeyc check <workspace>, warm, nothing changed", [*check, str(ws)], expect=clean,
                env=env),
        Command("check_edit", "journeyc check <workspace>, warm, one journey changed", [*check, str(ws)],
                revise(edited), clean, env),
        Command("check_one_edit", "journeyc check <the changed journey>, warm (pre-commit)", [*check, str(edited)],
                revise(edited, "again "), clean, env),
        Command("check_one", "journeyc check --no-cache <one journey>", [*check, "--no-cache", str(one)],
                expect=clean),
        Command("check_one_small", "journeyc check --no-cache <one journey>, 1-journey workspace",
                [*check, "--no-cache", str(small_journey)], expect=clean),
    ]
    found = side_by_side(commands, repeat)
    figures = [Figure(c.key, c.label, found[c.key].best) for c in commands]
    cjs = tool("check-jsonschema")
    if cjs is None:
        note = "skipped: check-jsonschema is not installed (pip install -e '.[bench]')"
        figures += [Figure("cjs_all", "check-jsonschema <every journey>", None, note),
                    Figure("cjs_one", "check-jsonschema <one journey>", None, note)]
    else:
        base = [cjs, "--schemafile", str(SCHEMA)]
        found = side_by_side([Command("cjs_all", "", base + [str(p) for p in journeys]),
                              Command("cjs_one", "", base + [str(one)])], repeat)
        figures += [Figure("cjs_all", "check-jsonschema <every journey>", found["cjs_all"].best),
                    Figure("cjs_one", "check-jsonschema <one journey>", found["cjs_one"].best)]
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


def table(figures: list[Figure], opts: generate.Options, lines: int, load: str | None,
          after: str | None = None) -> str:
    by_key = {f.key: f.seconds for f in figures}
    floor, cjs = by_key.get("floor"), by_key.get("cjs_all")
    cjs_one = by_key.get("cjs_one")
    rows = [f"{opts.journeys} journeys ({lines} lines), {opts.stages_min}-{opts.stages_max} stages, "
            f"{opts.terms} terms; {os.cpu_count()} CPUs, Python {platform.python_version()},"
            f" /proc/loadavg {load} before the run",
            "", f"{'command':<52} {'best':>9} {'/ floor':>8} {'/ cjs':>8}", "-" * 80]
    for f in figures:
        if f.seconds is None:
            rows.append(f"{f.label:<52} {f.note}")
            continue
        one_file = f.key in ("check_one", "check_one_small", "cjs_one")
        ref = cjs_one if one_file else cjs
        to_floor = f"{f.seconds / floor:7.2f}x" if floor and not one_file else ""
        to_cjs = f"{f.seconds / ref:7.3f}x" if ref else ""
        rows.append(f"{f.label:<52} {_ms(f.seconds):>9} {to_floor:>8} {to_cjs:>8}")
    rows += ["", f"/proc/loadavg {after} after the run", ""]
    for t in targets(figures):
        mark = "skipped" if t["met"] is None else ("met" if t["met"] else "NOT MET")
        ratio = "" if t["ratio"] is None else f" (ratio {t['ratio']:.3f}, limit {t['limit']})"
        rows.append(f"[{mark}] {t['target']}{ratio}")
    return "\n".join(rows) + "\n"


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
    load = loadavg()  # before our own processes add to it
    with tempfile.TemporaryDirectory(prefix="journeyc-bench-") as tmp:
        base = args.out or Path(tmp)
        ws, small = base / "workspace", base / "one-journey"
        try:
            journeys = generate.generate(ws, opts)
            small_journeys = generate.generate(small, generate.Options(1, args.stages_min, args.stages_max,
                                                                       args.terms))
            lines = sum(p.read_text(encoding="utf-8").count("\n") for p in journeys)
            figures = measure(ws, small, journeys, small_journeys[0], args.repeat)
            after = loadavg()
        except (RuntimeError, ValueError) as exc:
            print(f"run.py: error: {exc}", file=sys.stderr)
            return 2
    if args.json:
        data = {"journeys": opts.journeys, "journey_lines": lines, "stages": [opts.stages_min, opts.stages_max],
                "terms": opts.terms, "repeat": args.repeat, "cpus": os.cpu_count(),
                "python": platform.python_version(), "load_before": load, "load_after": after,
                "seconds": {f.key: f.seconds for f in figures},
                "notes": {f.key: f.note for f in figures if f.note}, "targets": targets(figures)}
        print(json.dumps(data, indent=2))
    else:
        print(table(figures, opts, lines, load, after), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
