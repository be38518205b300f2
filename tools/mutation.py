"""Mutation testing of the rules and the loader (issue 11): how many mutants do the tests kill?

    pip install -e '.[mutation]'
    python tools/mutation.py                      # every module below, 2 workers
    python tools/mutation.py --jobs 4 journeyc/rules/vocabulary.py
    python tools/mutation.py --keep --workdir /tmp/mut --recheck   # survivors run again (see `recheck`)

mutmut 3 mutates a copy of the project (operators, comparisons, constants,
returned values, removed calls...), runs the tests that reach each mutated
function, and counts a mutant as killed when one of them fails. The copy is
made in a temporary directory (or --workdir), so the repository is never
touched. mutmut skips decorated functions: in the copy, each `@rule(...)`
check is written `check = rule(...)(check)` instead (the same program), so the
rules' checks are mutated too. The score leaves out the equivalent mutants listed in tools/equivalent/ (a
mutant no test can kill because the program means the same) with the reason
for each. The README (Development) gives the figures last measured and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: what is mutated (issue 11: rules/ and the loader, which was split into loading, plain, header, yamlerrors)
MODULES = [
    "journeyc/rules/*.py",
    "journeyc/rules/crm/*.py",
    "journeyc/workspace/loading.py",
    "journeyc/workspace/plain.py",
    "journeyc/workspace/header.py",
    "journeyc/workspace/yamlerrors.py",
]

#: the tests that judge them: rule cases and root causes as data, how a rule is made, the loader's own tests
TESTS = ["tests/test_rule_cases.py", "tests/test_root_causes.py", "tests/test_rules_registry.py",
         "tests/test_loading.py", "tests/test_loading_header.py", "tests/test_loading_values.py"]

#: where the equivalent mutants are listed: one per line, `mutant-name  why no test can kill it`
EQUIVALENT_DIR = ROOT / "tools" / "equivalent"


def equivalents(where: Path = EQUIVALENT_DIR) -> dict[str, str]:
    """mutant -> why no test can kill it (the program means the same); left out of the score."""
    out: dict[str, str] = {}
    for listing in sorted(where.glob("*.txt")):
        for line in listing.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, why = line.strip().partition("  ")
                if not why.strip():
                    raise SystemExit(f"{listing}: {name}: an equivalent mutant needs its reason")
                out[name] = why.strip()
    return out


EQUIVALENT = equivalents()

_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "build", "mutants", "__pycache__", ".hypothesis",
                               ".pytest_cache", ".mypy_cache", ".ruff_cache", "*.egg-info")


def prepare(work: Path, modules: list[str], tests: list[str]) -> None:
    """A copy of the project in `work`, with the package data inside the package and mutmut's settings."""
    shutil.copytree(ROOT, work, ignore=_SKIP, dirs_exist_ok=True)
    # the source tree maps journeyc.schemas and journeyc.templates to top-level folders (pyproject):
    # in the copy they sit inside the package, so the mutated package finds them without that mapping
    for name in ("schemas", "templates"):
        shutil.copytree(ROOT / name, work / "journeyc" / name, ignore=_SKIP, dirs_exist_ok=True)
    for source in (work / "journeyc" / "rules").rglob("*.py"):
        source.write_text(undecorate(source.read_text(encoding="utf-8")), encoding="utf-8")
    settings = {
        "source_paths": ["journeyc"],
        "only_mutate": modules,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q"],
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


_RULE = re.compile(r"^@rule\((?P<args>[^\n]*)\)\n(?=def (?P<name>\w+)\()", re.M)


def undecorate(text: str) -> str:
    """`@rule(...)` above a check, written as `name = rule(...)(name)` after it: the same program.

    mutmut leaves decorated functions alone (a decorator runs at definition
    time); a check written this way is mutated like any function. The
    assignments go just before the module's `RULES = (...)`, which reads them.
    """
    found = [(m.group("name"), m.group("args")) for m in _RULE.finditer(text)]
    if not found:
        return text
    text = _RULE.sub("", text)
    assigned = "".join(f"{name} = rule({args})({name})\n" for name, args in found)
    marker = re.search(r"^RULES = ", text, re.M)
    at = marker.start() if marker else len(text)
    return text[:at] + assigned + "\n" + text[at:]


def results(work: Path) -> dict[str, Counter[str]]:
    """Per mutated module: how many mutants were killed, survived, found no test, timed out..."""
    sys.path.insert(0, str(work))
    from mutmut.stats import status_by_exit_code

    out: dict[str, Counter[str]] = {}
    again = rechecked(work)
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        module = meta.relative_to(work / "mutants").as_posix().removesuffix(".meta")
        data = json.loads(meta.read_text(encoding="utf-8"))
        counts = out.setdefault(module, Counter())
        for name, code in data.get("exit_code_by_key", {}).items():
            status = "equivalent" if name in EQUIVALENT else status_by_exit_code[code]
            counts["killed on recheck" if status == "survived" and again.get(name) else status] += 1
    return out


def known(work: Path) -> set[str]:
    """Every mutant mutmut generated."""
    return {name for meta in (work / "mutants").rglob("*.py.meta")
            for name in json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})}


def survivors(work: Path) -> list[str]:
    from mutmut.stats import status_by_exit_code

    names = []
    again = rechecked(work)
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {}).items():
            if status_by_exit_code[code] not in ("killed", "caught by type check") and name not in EQUIVALENT \
                    and not again.get(name):
                names.append(f"{name}: {status_by_exit_code[code]}")
    return names


def _module_of(survivor: str) -> str:
    """journeyc/rules/flow.py for `journeyc.rules.flow.x_reachable__mutmut_16: timeout` (a class's method too)."""
    dotted = re.split(r"\.x(?:ǁ|_)", survivor.split(": ")[0], maxsplit=1)[0]
    return dotted.replace(".", "/") + ".py"


def recheck(work: Path, jobs: int) -> dict[str, bool]:
    """Each survivor again, in a fresh pytest process: its tests (as mutmut chose them), with the mutant on.

    mutmut 3 runs the tests of a mutant in children forked from one pytest
    process; some mutants it reported as survivors failed their tests when run
    this way (for instance the loader's deep-nesting path, and rules whose case
    fails at once). A survivor is counted killed only if one of its own tests
    fails here; the others stay survivors. Returns mutant -> killed.
    """
    from concurrent.futures import ThreadPoolExecutor

    stats = json.loads((work / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    tests_of = stats["tests_by_mangled_function_name"]
    names = [line.split(": ")[0] for line in survivors(work) if line.endswith(": survived")]

    def run(name: str) -> tuple[str, bool]:
        tests = sorted(tests_of.get(name.rsplit("__mutmut_", 1)[0], []))
        if not tests:
            return name, False
        env = {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=work / "mutants", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              check=False, timeout=600)
        return name, done.returncode != 0

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        found = dict(pool.map(run, names))
    (work / "recheck.json").write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
    return found


def rechecked(work: Path) -> dict[str, bool]:
    path = work / "recheck.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def score(counts: Counter[str]) -> tuple[int, int]:
    """(killed, judged): a timeout counts as killed (the mutant broke the program), equivalents are left out."""
    killed = counts["killed"] + counts["killed on recheck"] + counts["timeout"] + counts["caught by type check"]
    return killed, sum(counts.values()) - counts["equivalent"]


def report(found: dict[str, Counter[str]]) -> str:
    rows = [f"{'module':<40} {'killed':>7} {'of':>5} {'score':>6}  other"]
    total_killed = total = 0
    for module, counts in found.items():
        killed, judged = score(counts)
        total_killed, total = total_killed + killed, total + judged
        other = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k not in ("killed",))
        rows.append(f"{module:<40} {killed:>7} {judged:>5} {100 * killed / max(judged, 1):>5.1f}%  {other}")
    rows.append(f"{'total':<40} {total_killed:>7} {total:>5} {100 * total_killed / max(total, 1):>5.1f}%")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="files to mutate (default: rules/ and the loader)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--workdir", type=Path, help="where to copy the project (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (mutmut browse, show)")
    parser.add_argument("--survivors", action="store_true", help="list the mutants that survived")
    parser.add_argument("--report", type=Path, metavar="WORKDIR", action="append",
                        help="score a kept work directory again; given more than once, the runs are combined"
                             " module by module (a module scored in a later directory replaces an earlier one)")
    parser.add_argument("--recheck", action="store_true",
                        help="run each survivor's tests again in a fresh pytest process (see `recheck`)")
    args = parser.parse_args(argv)
    if args.report:
        combined: dict[str, Counter[str]] = {}
        scored_in: dict[str, Path] = {}  # module -> the work directory its score comes from (the last given)
        for work in args.report:
            if args.recheck:
                recheck(work, args.jobs)
            found = results(work)
            combined.update(found)
            scored_in.update(dict.fromkeys(found, work))
        print(report(dict(sorted(combined.items()))))
        if args.survivors:
            print("\n".join(line for work in args.report for line in survivors(work)
                            if scored_in.get(_module_of(line)) == work))
        return 0
    modules = args.modules or MODULES
    sources = [str(p.relative_to(ROOT)) for p in ROOT.glob("journeyc/**/*.py")]
    unknown = [m for m in modules if not any(fnmatch(source, m) for source in sources)]
    if unknown:
        parser.error(f"no such module: {', '.join(unknown)}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="journeyc-mutation-"))
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    started = time.monotonic()
    try:
        prepare(work, modules, TESTS)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        with (work / "mutmut.log").open("w", encoding="utf-8") as log:
            run = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs)],
                                 cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        if run.returncode != 0:
            print((work / "mutmut.log").read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            print(f"mutmut failed (exit {run.returncode}); log in {work / 'mutmut.log'}", file=sys.stderr)
            args.keep = True
            return 2
        if args.recheck:
            recheck(work, args.jobs)
        found = results(work)
        print(report(found))
        if args.survivors:
            print("\n".join(survivors(work)))
        after = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
        print(f"\n{time.monotonic() - started:.0f} s with {args.jobs} jobs on {os.cpu_count()} CPUs;"
              f" load average {' '.join(load)} before, {' '.join(after)} after")
        stale = sorted(set(EQUIVALENT) - known(work))
        if stale and not args.modules:
            print(f"\nlisted as equivalent but no longer generated (the code changed): {', '.join(stale)}")
        return 0
    finally:
        if args.keep:
            print(f"work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
