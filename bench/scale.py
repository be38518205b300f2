"""Scale: `check` and `build` per journey at 100 / 1,000 / 10,000 journeys, peak memory, and rule linearity.

    .venv/bin/python bench/scale.py [--sizes 100,1000,10000] [--repeat 3] [--big] [--svg] [--linearity] [--json]

Whole-process rows run each command as a separate process, side by side in
rounds (bench/rounds.py: one round to warm the caches, then `--repeat` timed
rounds, the best wall-clock time kept), and read the peak resident memory of
each run from the kernel (wait4): check and build without the cache, then
warm after one journey changed (issue 17's incremental build). `--big` adds the large
shapes of issue 6: 10,000 journeys plus one journey of 500 stages and one
vocabulary of 5,000 terms with 10,000 extra avoided words. `--linearity` times
rules and emitters in-process on inputs that double, with the garbage collector
off as the engine runs them: a linear step takes about twice the time when its
input doubles. See bench/README.md for the figures and what they mean.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate  # bench/generate.py: the script's own directory is on sys.path
from rounds import Command, loadavg, revise, side_by_side

BIG = {"big_journey_stages": 500, "terms": 5000, "avoid_words": 10000}


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed in this environment (pip install -e .)")
    return found


def process_rows(label: str, ws: Path, journeys: int, repeat: int, base: Path, svg: bool) -> list[dict[str, Any]]:
    """check and build, side by side in rounds: without the cache, then warm after one journey changed."""
    journeyc = tool("journeyc")
    edited = sorted((ws / "journeys").glob("*.yaml"))[journeys // 3]
    checks = {"JOURNEYC_CACHE_DIR": str(base / "cache-check")}
    builds = {"JOURNEYC_CACHE_DIR": str(base / "cache-build")}
    build = [journeyc, "build", str(ws), "--quiet", *([] if svg else ["--no-svg"]), "--out"]
    what = "" if svg else " --no-svg"

    def fresh(name: str) -> Any:  # a new output directory per run: every file is created (CI on a fresh checkout)
        return lambda n: shutil.rmtree(base / name, ignore_errors=True)

    commands = [
        Command("check", "check --no-cache", [journeyc, "check", "--no-cache", str(ws)]),
        Command("check_cold", "check, empty cache", [journeyc, "check", str(ws)],
                lambda n: shutil.rmtree(base / "cache-check", ignore_errors=True), env=checks),
        Command("check_edit", "check, warm, one journey changed", [journeyc, "check", str(ws)], revise(edited),
                env=checks),
        Command("build_new", f"build{what} --no-cache, new output", [*build, str(base / "new"), "--no-cache"],
                fresh("new")),
        Command("build_again", f"build{what} --no-cache, over the last", [*build, str(base / "again"), "--no-cache"]),
        Command("build_edit", f"build{what}, one journey changed", [*build, str(base / "edit")], revise(edited),
                env=builds),
    ]
    found = side_by_side(commands, repeat)
    shutil.rmtree(base / "again", ignore_errors=True)
    return [{"workspace": label, "journeys": journeys, "command": c.label, "key": c.key,
             "seconds": found[c.key].best, "peak_kib": found[c.key].peak_kib} for c in commands]


def scale(sizes: list[int], repeat: int, big: bool, base: Path, svg: bool = False) -> list[dict[str, Any]]:
    rows = []
    shapes = [(f"{n:,} journeys", generate.Options(n)) for n in sizes]
    if big:
        shapes.append(("10,000 + big shapes", generate.Options(10_000, **BIG)))
    for label, opts in shapes:
        ws = base / "ws"
        journeys = len(generate.generate(ws, opts))
        print(f"  {label}: generated, timing...", file=sys.stderr, flush=True)
        rows += process_rows(label, ws, journeys, repeat, base, svg)
        shutil.rmtree(ws)
    return rows


# --- linearity, in-process -------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best time of `fn`, with the collector off (as the engine runs rules and the build emitters)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def _load(ws: Path) -> Any:
    from journeyc import engine

    return engine.load_workspace(ws)


def _rule(code: str) -> Callable[[Any], list[Any]]:
    from journeyc.rules import RULES
    from journeyc.rules.base import Context

    check = RULES[code].check
    assert check is not None
    return lambda loaded: list(check(loaded.workspace, Context(frozenset(loaded.config.targets))))


def _free_text_chars(loaded: Any) -> int:
    from journeyc.rules.vocabulary import free_text

    return sum(len(text) for group in free_text(loaded.workspace) for _, _, text, _ in group)


def _avoided(opts: generate.Options) -> list[str]:
    """The extra avoided words generate.py writes (one in four a two-word phrase)."""
    return [generate.pseudo_word(10_000 + n) + (f" {generate.pseudo_word(n)}" if n % 4 == 3 else "")
            for n in range(opts.avoid_words)]


def _inject(ws: Path, words: list[str]) -> None:
    """Put avoided words into the journeys' prose (each `agenda` becomes one), so JC201 has findings to make."""
    cycle = iter(words * 1000)
    for path in sorted((ws / "journeys").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bagenda\b", lambda m: next(cycle), text), encoding="utf-8")


def vocabulary_text(base: Path) -> list[dict[str, Any]]:
    """JC201 with 5,000 terms and 10,000 avoided words on text that doubles: clean, and full of avoided words."""
    rows = []
    jc201 = _rule("JC201")
    for journeys in (250, 500, 1000, 2000):
        opts = generate.Options(journeys, terms=5000, avoid_words=10_000)
        ws = base / "vocab"
        generate.generate(ws, opts)
        clean = _load(ws)
        chars = _free_text_chars(clean)
        clean_s = timed(lambda loaded=clean: jc201(loaded))
        _inject(ws, _avoided(opts))
        dirty = _load(ws)
        findings = len(jc201(dirty))
        dirty_s = timed(lambda loaded=dirty: jc201(loaded))
        rows.append({"journeys": journeys, "text_chars": chars, "clean_s": clean_s, "findings": findings,
                     "with_avoided_s": dirty_s})
        shutil.rmtree(ws)
    return rows


def vocabulary_words(base: Path) -> list[dict[str, Any]]:
    """JC201 on the same text and findings (1,000 journeys) with more and more avoided words: the cost stays."""
    rows = []
    jc201 = _rule("JC201")
    terms = 5000
    own = [generate.pseudo_word(n) for n in range(2 * terms)]  # the two words every term avoids, in all runs
    for extra in (0, 2500, 5000, 10_000):
        ws = base / "words"
        generate.generate(ws, generate.Options(1000, terms=terms, avoid_words=extra))
        _inject(ws, own)
        loaded = _load(ws)
        rows.append({"avoid_words": 2 * terms + extra, "findings": len(jc201(loaded)),
                     "seconds": timed(lambda loaded=loaded: jc201(loaded))})
        shutil.rmtree(ws)
    return rows


#: the two graph searches (reachability from the start, and back from the terminal stages)
GRAPH_RULES = ("JC401", "JC404")
#: one plain pass over the stages: the reference for what memory alone does to a growing journey
ONE_PASS = "JC402"


def graph(base: Path) -> list[dict[str, Any]]:
    """The flow rules, every rule, and every emitter on one journey whose stages double (file limit raised)."""
    rows = []
    for stages in (500, 1000, 2000, 4000):
        ws = base / "graph"
        generate.generate(ws, generate.Options(0, big_journey_stages=stages))
        with open(ws / "journeyc.yaml", "a", encoding="utf-8") as f:
            f.write("limits:\n  max_file_bytes: 100000000\n")
        _drop_probabilities(ws / "journeys" / "big-journey.yaml")
        rows.append(_graph_row(ws))
        shutil.rmtree(ws)
    return rows


def _graph_row(ws: Path) -> dict[str, Any]:
    from journeyc.emitters import TARGETS, EmitOptions, emitter
    from journeyc.rules import RULES

    checks = [_rule(code) for code in GRAPH_RULES]
    one_pass = _rule(ONE_PASS)
    every = [_rule(code) for code, r in RULES.items() if r.check is not None]
    emit = [emitter(t) for t in TARGETS]
    loaded = _load(ws)
    (journey,) = loaded.workspace.journeys
    return {
        "stages": len(journey.stages), "stages_plus_exits": len(journey.stages) + sum(len(s.exits)
                                                                                     for s in journey.stages),
        "load_s": timed(lambda: _load(ws), repeat=3),
        "graph_rules_s": timed(lambda: [c(loaded) for c in checks]),
        "one_pass_s": timed(lambda: one_pass(loaded)),
        "all_rules_s": timed(lambda: [c(loaded) for c in every]),
        "emitters_s": timed(lambda: [e(loaded.workspace, EmitOptions()) for e in emit], repeat=3),
    }


def _drop_probabilities(path: Path) -> None:
    """One CRM pipeline of every stage, no probability on open stages: each CRM inherits them (the costly path)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"pipelines:\n(  - .*\n|    .*\n)+", "", text)
    text = re.sub(r"\n    pipeline: deals", "", text)
    text = re.sub(r"(?<!won)(?<!lost)\n    probability: \d+", "", text)  # won and lost keep theirs (100, 0)
    path.write_text(text, encoding="utf-8")


# --- report -------------------------------------------------------------------------


def ratios(values: list[float]) -> str:
    return " ".join(f"{b / a:.2f}" for a, b in zip(values, values[1:], strict=False)) or "-"


#: issue 17: (row, limit in MiB) for peak memory at 10,000 journeys, and the incremental build's time limit
MEMORY_LIMITS = {"check": 500, "check_cold": 500, "check_edit": 500, "build_new": 1024, "build_again": 1024,
                 "build_edit": 1024}
INCREMENTAL_LIMIT = 0.3


def targets(rows: list[dict[str, Any]]) -> list[str]:
    """The issue's verdicts, per workspace: memory at 10,000 journeys, the incremental build at any size."""
    out = []
    for label in dict.fromkeys(r["workspace"] for r in rows):
        mine = {r["key"]: r for r in rows if r["workspace"] == label}
        if "build_edit" in mine and "build_again" in mine:
            ratio = mine["build_edit"]["seconds"] / mine["build_again"]["seconds"]
            out.append(f"[{'met' if ratio <= INCREMENTAL_LIMIT else 'NOT MET'}] {label}: build after one journey"
                       f" changed = {ratio:.2f}x the full build over the last (limit {INCREMENTAL_LIMIT})")
        if mine and next(iter(mine.values()))["journeys"] >= 10_000:
            for key, limit in MEMORY_LIMITS.items():
                peak = (mine.get(key) or {}).get("peak_kib")
                if peak:
                    out.append(f"[{'met' if peak / 1024 <= limit else 'NOT MET'}] {label}: {mine[key]['command']}"
                               f" peaks at {peak / 1024:.0f} MiB (limit {limit} MiB)")
    return out


def report(data: dict[str, Any]) -> str:
    out = [f"{os.cpu_count()} CPUs, Python {platform.python_version()}, /proc/loadavg {data['load_before']} before,"
           f" {data.get('load_after')} after"]
    if data.get("scale"):
        out += ["", f"{'workspace':<20} {'command':<44} {'best':>9} {'per journey':>12} {'peak memory':>12}"]
        for r in data["scale"]:
            peak = f"{r['peak_kib'] / 1024:.0f} MiB" if r["peak_kib"] else "-"
            out.append(f"{r['workspace']:<20} {r['command']:<44} {r['seconds']:>8.2f}s"
                       f" {r['seconds'] / r['journeys'] * 1000:>9.2f} ms {peak:>12}")
        out += ["", *targets(data["scale"])]
    if data.get("vocabulary_text"):
        rows = data["vocabulary_text"]
        out += ["", "JC201, 5,000 terms and 10,000 avoided words, journeys' text doubling (the vocabulary's own"
                " text is a fixed part):",
                f"{'journeys':>9} {'text chars':>12} {'clean':>9} {'findings':>9} {'with avoided':>13}"]
        out += [f"{r['journeys']:>9} {r['text_chars']:>12,} {r['clean_s'] * 1000:>7.1f}ms {r['findings']:>9,}"
                f" {r['with_avoided_s'] * 1000:>11.1f}ms" for r in rows]
        for key, name in (("clean_s", "clean"), ("with_avoided_s", "with avoided words")):
            out.append(f"{name}: each added MB of text costs " + ", ".join(
                f"{(b[key] - a[key]) / (b['text_chars'] - a['text_chars']) * 1e9:.0f} ms"
                for a, b in zip(rows, rows[1:], strict=False)))
    if data.get("vocabulary_words"):
        rows = data["vocabulary_words"]
        out += ["", "JC201 on the same text and findings (1,000 journeys, 5,000 terms), avoided words growing:",
                "  " + ", ".join(f"{r['avoid_words']:,} words: {r['seconds'] * 1000:.1f} ms ({r['findings']} findings)"
                                 for r in rows)]
    if data.get("graph"):
        rows = data["graph"]
        out += ["", "One journey, stages doubling (no probabilities: every CRM inherits them):",
                f"{'stages':>7} {'+exits':>8} {'load':>9} {'JC401+404':>10} {'JC402':>8} {'all rules':>10}"
                f" {'emitters':>9}"]
        out += [f"{r['stages']:>7} {r['stages_plus_exits']:>8} {r['load_s'] * 1000:>7.0f}ms"
                f" {r['graph_rules_s'] * 1000:>8.2f}ms {r['one_pass_s'] * 1000:>6.3f}ms"
                f" {r['all_rules_s'] * 1000:>8.1f}ms {r['emitters_s']:>8.2f}s" for r in rows]
        out.append("ratios per doubling: " + "; ".join(
            f"{name} {ratios([r[k] for r in rows])}"
            for k, name in (("load_s", "load"), ("graph_rules_s", "JC401+404"), ("one_pass_s", "JC402 (one pass)"),
                            ("all_rules_s", "all rules"), ("emitters_s", "emitters"))))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="journey counts for the whole-process rows")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command (best is kept)")
    parser.add_argument("--big", action="store_true", help="add 10,000 journeys with the big shapes of issue 6")
    parser.add_argument("--linearity", action="store_true", help="time rules and emitters in-process")
    parser.add_argument("--svg", action="store_true", help="build with SVG (the svg extra or Graphviz's dot)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    data: dict[str, Any] = {"load_before": loadavg(), "repeat": args.repeat}
    with tempfile.TemporaryDirectory(prefix="journeyc-scale-") as tmp:
        base = Path(tmp)
        try:
            data["scale"] = scale(sizes, args.repeat, args.big, base, args.svg)
            if args.linearity:
                data["vocabulary_text"] = vocabulary_text(base)
                data["vocabulary_words"] = vocabulary_words(base)
                data["graph"] = graph(base)
        except (RuntimeError, ValueError) as exc:
            print(f"scale.py: error: {exc}", file=sys.stderr)
            return 2
    data["load_after"] = loadavg()
    print(json.dumps(data, indent=2) if args.json else report(data), end="\n" if args.json else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
