"""A fuzz campaign without pytest: many generated inputs through the fuzz properties, with counts, time and failures.

    .venv/bin/python fuzz/campaign.py                                  # the default campaign (see --help)
    .venv/bin/python fuzz/campaign.py --loader 20000 --workspaces 500 --valid 50 --jobs 2 --seed 7

Three kinds of input, the same generators and properties as tests/test_fuzz.py (tests/fuzzing/):
`loader` (arbitrary bytes, generated YAML streams, byte-mutated example files, into the loader and the
in-memory pipeline), `workspaces` (structure-aware mutations of the examples, on disk, through `check`,
a one-file check, the CLI and `build`) and `valid` (generated valid workspaces through check, build twice,
build --check, the CLI and diff; driven by Hypothesis, which shrinks what fails). A failing loader or
workspace input is minimised by removing pieces while the same failure persists, and saved under --save.
Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the shared generators and properties: tests/fuzzing/

from fuzzing import properties, strategies  # noqa: E402

from journeyc.workspace.loading import Limits  # noqa: E402

MINIMISE_BUDGET = 3000  # property runs spent shrinking one failure


@dataclass
class Failure:
    signature: str
    traceback: str
    files: dict[str, bytes]
    count: int = 1


@dataclass
class Outcome:
    kind: str
    inputs: int = 0
    seconds: float = 0.0
    failures: dict[str, Failure] = field(default_factory=dict)


def signature(exc: BaseException) -> str:
    """The same bug gives the same signature: exception type, innermost frame of ours, first words of the message."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/journeyc/" in f.filename
              or "/fuzzing/" in f.filename] or traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    first = (str(exc).splitlines() or [""])[0]
    words = " ".join(first.split()[:6])
    return f"{type(exc).__name__} at {where}: {words}"


def failure_of(run: Callable[[], None]) -> BaseException | None:
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - any exception is a finding
        return exc
    return None


# --- minimising -------------------------------------------------------------------------------


def shrink_bytes(raw: bytes, fails: Callable[[bytes], bool], budget: list[int]) -> bytes:
    """Delta debugging: drop ever smaller chunks (lines first, then bytes) while the input still fails."""
    for unit in (b"\n", None):
        parts: list[bytes] = raw.split(b"\n") if unit else [bytes([b]) for b in raw]
        join = (lambda ps: b"\n".join(ps)) if unit else (lambda ps: b"".join(ps))
        n = 2
        while len(parts) >= 2 and budget[0] > 0:
            size = max(1, len(parts) // n)
            removed = False
            for start in range(0, len(parts), size):
                candidate = parts[:start] + parts[start + size:]
                budget[0] -= 1
                if candidate and fails(join(candidate)):
                    parts, removed = candidate, True
                    break
                if budget[0] <= 0:
                    break
            if not removed:
                if size == 1:
                    break
                n = min(n * 2, len(parts))
        raw = join(parts)
    return raw


def minimise_loader(raw: bytes, limits: Limits, sig: str) -> bytes:
    def fails(candidate: bytes) -> bool:
        exc = failure_of(lambda: properties.loader_property(candidate, limits))
        return exc is not None and signature(exc) == sig

    return shrink_bytes(raw, fails, [MINIMISE_BUDGET])


def minimise_workspace(files: dict[str, bytes], seed: int, sig: str) -> dict[str, bytes]:
    def fails(candidate: dict[str, bytes]) -> bool:
        with properties.scratch() as tmp:
            exc = failure_of(lambda: properties.workspace_property(candidate, tmp, random.Random(seed)))
        return exc is not None and signature(exc) == sig

    budget = [MINIMISE_BUDGET // 4]
    for name in sorted(files):  # whole files first
        rest = {k: v for k, v in files.items() if k != name}
        if fails(rest):
            files = rest
    for name in sorted(files):
        files[name] = shrink_bytes(files[name], lambda raw, n=name: fails({**files, n: raw}), budget)
    return files


# --- the three kinds ----------------------------------------------------------------------------


def _record(out: Outcome, exc: BaseException, files: dict[str, bytes]) -> None:
    sig = signature(exc)
    if sig in out.failures:
        out.failures[sig].count += 1
        return
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    out.failures[sig] = Failure(sig, tb, files)


def run_loader(seed: int, start: int, count: int) -> Outcome:
    out = Outcome("loader")
    began = time.perf_counter()
    for i in range(start, start + count):
        rnd = random.Random(f"loader:{seed}:{i}")
        pick = rnd.random()
        if pick < 0.2:
            raw = rnd.randbytes(rnd.randrange(0, 400))
        elif pick < 0.65:
            raw = strategies.yaml_stream(rnd)
        else:
            _, seed_file = rnd.choice(strategies.example_files())
            raw = strategies.mutate_bytes(seed_file, rnd, rnd.choice((1, 2, 4, 8, 16)))
        limits = Limits() if rnd.random() < 0.7 else Limits(
            max_file_bytes=rnd.choice((64, 4096, 1 << 22)), max_depth=rnd.randrange(13),
            max_alias_nodes=rnd.randrange(65), max_documents=rnd.randrange(5), max_string_length=rnd.randrange(81))
        exc = failure_of(lambda raw=raw, limits=limits: properties.loader_property(raw, limits))
        out.inputs += 1
        if exc is not None:
            sig = signature(exc)
            small = raw if sig in out.failures else minimise_loader(raw, limits, sig)
            _record(out, exc, {"input.yaml": small, "limits.txt": repr(limits).encode()})
    out.seconds = time.perf_counter() - began
    return out


def run_workspaces(seed: int, start: int, count: int) -> Outcome:
    out = Outcome("workspaces")
    examples = strategies.example_workspaces()
    began = time.perf_counter()
    for i in range(start, start + count):
        rnd = random.Random(f"workspaces:{seed}:{i}")
        name, data = rnd.choice(examples)
        files = strategies.mutated_workspace(data, rnd, clean=name == "acme-saas")
        prop_seed = rnd.randrange(2**32)
        with properties.scratch() as tmp:
            exc = failure_of(lambda files=files, tmp=tmp, seed=prop_seed: properties.workspace_property(
                files, tmp, random.Random(seed)))
        out.inputs += 1
        if exc is not None:
            sig = signature(exc)
            small = files if sig in out.failures else minimise_workspace(dict(files), prop_seed, sig)
            _record(out, exc, small)
    out.seconds = time.perf_counter() - began
    return out


def run_valid(seed: int, start: int, count: int) -> Outcome:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    out = Outcome("valid")
    last: list[properties.Generated] = []

    @hypothesis_seed(seed * 1_000_003 + start)
    @settings(max_examples=count, deadline=None, database=None, derandomize=False,
              phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck), print_blob=True)
    @given(gen=strategies.valid_workspaces(), rnd=st.randoms(use_true_random=False))
    def prop(gen: properties.Generated, rnd: random.Random) -> None:
        out.inputs += 1
        try:
            with properties.scratch() as tmp:
                properties.valid_property(gen, tmp, rnd)
        except Exception:
            last[:] = [gen]  # after shrinking, the last failing example is the smallest
            raise

    began = time.perf_counter()
    exc = failure_of(prop)
    if exc is not None:
        _record(out, exc, last[0].files if last else {})
    out.seconds = time.perf_counter() - began
    return out


RUNNERS: dict[str, Callable[[int, int, int], Outcome]] = {
    "loader": run_loader, "workspaces": run_workspaces, "valid": run_valid}


def merge(parts: list[Outcome]) -> Outcome:
    total = Outcome(parts[0].kind)
    for part in parts:
        total.inputs += part.inputs
        total.seconds = max(total.seconds, part.seconds)  # the workers ran side by side: wall clock
        for sig, failure in part.failures.items():
            if sig in total.failures:
                total.failures[sig].count += failure.count
            else:
                total.failures[sig] = failure
    return total


def save(failure: Failure, kind: str, where: Path) -> Path:
    digest = hashlib.sha256(failure.signature.encode()).hexdigest()[:10]
    folder = where / f"{kind}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    for rel, raw in failure.files.items():
        path = folder / "input" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    (folder / "failure.txt").write_text(f"{failure.signature}\nseen {failure.count} times\n\n{failure.traceback}",
                                        encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loader", type=int, default=150_000, help="loader inputs (default 150,000)")
    parser.add_argument("--workspaces", type=int, default=15_000, help="mutated workspaces (default 15,000)")
    parser.add_argument("--valid", type=int, default=2_000, help="valid generated workspaces (default 2,000)")
    parser.add_argument("--seed", type=int, default=0, help="campaign seed: the same seed runs the same inputs")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--chunk", type=int, default=0, help="inputs per task (default: split evenly)")
    parser.add_argument("--save", type=Path, default=ROOT / "fuzz" / "failures",
                        help="where minimised failing inputs go (default fuzz/failures/)")
    args = parser.parse_args(argv)

    print(f"journeyc fuzz campaign: seed {args.seed}, {args.jobs} worker(s)", flush=True)
    began = time.perf_counter()
    results: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for kind, total in (("loader", args.loader), ("workspaces", args.workspaces), ("valid", args.valid)):
            if total <= 0:
                continue
            size = args.chunk or -(-total // args.jobs)
            started = time.perf_counter()
            tasks = [pool.submit(RUNNERS[kind], args.seed, start, min(size, total - start))
                     for start in range(0, total, size)]
            outcome = merge([t.result() for t in tasks])
            outcome.seconds = time.perf_counter() - started
            results.append(outcome)
            print(f"  {kind:<10} {outcome.inputs:>9,} inputs  {outcome.seconds:8.1f} s"
                  f"  {outcome.inputs / max(outcome.seconds, 1e-9):8.0f}/s  {len(outcome.failures)} failure(s)",
                  flush=True)
    elapsed = time.perf_counter() - began
    inputs = sum(r.inputs for r in results)
    failures = [(r.kind, f) for r in results for f in r.failures.values()]
    print(f"total: {inputs:,} inputs in {elapsed:.1f} s, {len(failures)} distinct failure(s)")
    for kind, failure in failures:
        folder = save(failure, kind, args.save)
        print(f"FAIL [{kind}] {failure.signature} (x{failure.count}) -> {folder}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
