"""Time `journeyc funnel` against DuckDB alone reading the same CSV and grouping it by stage, side by side.

    .venv/bin/python bench/funnel.py [--rows 1000000] [--repeat 3] [--big 10000000] [--out DIR] [--json]

Both sides run as whole processes, wall clock, interpreter start-up included,
taking turns so that load from other processes weighs on both alike; the best
of `--repeat` is kept, with each side's peak resident memory (the child's
`ru_maxrss`). The reference is what "the engine alone" means for this job:
`SELECT stage, count(*) FROM read_csv(path) GROUP BY stage` in a fresh DuckDB.
The target (issue 14): funnel at most 2x the reference, peak memory under
1 GiB. A second reference reads every column the funnel needs, with the two
times parsed (`min`/`max` keep them from being pruned): the floor of any tool
that looks at the times at all. `--big N` then runs the funnel once on N rows (it must complete).

The history is generated (deterministic): records walk the funnel workspace
of the tests (tests/fixtures/funnel/workspace), about 4 rows each, with CRM
labels in several spellings, re-entries and a few unmapped rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKSPACE = REPO / "tests" / "fixtures" / "funnel" / "workspace"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PATH = ["MQL", "SQL", "Évaluation technique", "Validation achats"]
SPELLINGS = {"MQL": ["MQL", "mql", "Marketing Qualified Lead"], "SQL": ["SQL", "sql"],
             "Évaluation technique": ["Évaluation technique", "evaluation", "EVALUATION TECHNIQUE"],
             "Validation achats": ["Validation achats", "validation-achats"]}


def generate(path: Path, rows: int, seed: int = 14) -> None:
    """About `rows` rows of generic history (whole records, so a few more)."""
    rnd = random.Random(seed)
    base = 1_767_225_600  # 2026-01-01 UTC
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("record_id,pipeline,stage,entered_at,exited_at\n")
        record = 0
        while written < rows:
            record += 1
            t = base + rnd.randrange(0, 300 * 86400)
            lines = []
            for depth, stage in enumerate(PATH):
                lines.append((rnd.choice(SPELLINGS[stage]), t))
                t += rnd.randrange(3600, 20 * 86400)
                if rnd.random() < 0.15 + 0.1 * depth:  # drop-offs grow along the funnel
                    break
            else:
                lines.append(("Closed won" if rnd.random() < 0.6 else "Closed lost", t))
            if rnd.random() < 0.02:
                lines.append(("Old stage", t + 60))
            for stage, at in lines:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
                out.write(f"D{record},Sales Pipeline,{stage},{stamp},\n")
            written += len(lines)


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of `cmd` (its output thrown away)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def commands(csv: Path) -> dict[str, list[str]]:
    journeyc = str(Path(sys.executable).with_name("journeyc"))
    engine = (f"import duckdb; duckdb.connect().execute(\"SELECT stage, count(*) FROM read_csv('{csv}')"
              " GROUP BY stage\").fetchall()")
    typed = ("import duckdb; duckdb.connect().execute(\"SELECT stage, count(*), min(entered_at), max(exited_at)"
             f" FROM read_csv('{csv}', types={{'entered_at': 'TIMESTAMPTZ', 'exited_at': 'TIMESTAMPTZ'}})"
             " GROUP BY stage\").fetchall()")
    return {"duckdb read_csv + GROUP BY stage": [sys.executable, "-c", engine],
            "duckdb, every column typed": [sys.executable, "-c", typed],
            "journeyc funnel": [journeyc, "funnel", str(csv), "--path", str(WORKSPACE), "--as-of", "2026-12-01",
                                "--format", "json"]}


def side_by_side(csv: Path, repeat: int) -> dict[str, dict[str, float]]:
    cmds = commands(csv)
    for cmd in cmds.values():
        measure(cmd)  # warm the page cache and the bytecode caches
    best: dict[str, dict[str, float]] = {}
    for _ in range(repeat):
        for name, cmd in cmds.items():  # taking turns
            wall, rss = measure(cmd)
            seen = best.setdefault(name, {"seconds": wall, "peak_mib": rss})
            seen["seconds"], seen["peak_mib"] = min(seen["seconds"], wall), max(seen["peak_mib"], rss)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=10_000_000, help="rows of the completion run (0: skip)")
    parser.add_argument("--out", type=Path, default=None, help="keep the generated files here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeyc-bench-funnel-") as tmp:
        where = args.out or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        report: dict[str, object] = {"load_before": Path("/proc/loadavg").read_text().split()[:3],
                                     "cpus": os.cpu_count(), "rows": args.rows}
        csv = where / f"history-{args.rows}.csv"
        generate(csv, args.rows)
        report["mib_on_disk"] = round(csv.stat().st_size / 2**20, 1)
        figures = side_by_side(csv, args.repeat)
        ratio = figures["journeyc funnel"]["seconds"] / figures["duckdb read_csv + GROUP BY stage"]["seconds"]
        report.update(figures=figures, ratio=round(ratio, 2), target_ratio_met=ratio <= 2.0,
                      target_memory_met=figures["journeyc funnel"]["peak_mib"] < 1024)
        if args.big:
            big = where / f"history-{args.big}.csv"
            generate(big, args.big)
            wall, rss = measure(commands(big)["journeyc funnel"])
            report["big"] = {"rows": args.big, "mib_on_disk": round(big.stat().st_size / 2**20, 1),
                             "seconds": round(wall, 2), "peak_mib": round(rss)}
        report["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"load before {' '.join(report['load_before'])}, {report['cpus']} CPUs, {args.rows:,} rows"  # type: ignore[arg-type]
          f" ({report['mib_on_disk']} MiB)")
    for name, fig in figures.items():
        print(f"  {name:<34} {fig['seconds']:7.2f} s  peak {fig['peak_mib']:7.0f} MiB")
    print(f"  ratio {report['ratio']} (target <= 2: {'met' if report['target_ratio_met'] else 'NOT met'});"
          f" memory {'under' if report['target_memory_met'] else 'NOT under'} 1 GiB")
    if "big" in report:
        print(f"  {report['big']}")
    print(f"load after {' '.join(report['load_after'])}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
