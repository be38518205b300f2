"""SVG for a build: find a renderer, render every journey's DOT once (in worker processes when many), cache.

The `diagrams` and `docs` emitters receive the SVGs rendered here
(`EmitOptions.svgs`) and never render themselves. The renderer is pygraphviz
in-process when the `svg` extra is installed (its wheels bundle Graphviz),
else a `dot` on PATH; with neither, the build says so once and the emitters
write DOT and Mermaid only. One journey's failure is a notice, not a failure.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

NO_RENDERER = ("SVG not rendered: install journeyc's svg extra (pip install 'journeyc[svg]') or Graphviz's dot;"
               " the DOT and Mermaid files are written")
#: below this many diagrams, starting worker processes costs more than it saves
PARALLEL_FROM = 4

Progress = Callable[[int, int], None]
Result = tuple[bytes | None, str | None]  # the SVG, or why there is none


@dataclass
class SvgCache:
    """DOT text -> SVG, for a process that builds many times (tests, a watcher); a build without one
    renders everything it needs once."""

    most: int = 4096
    entries: dict[str, bytes] = field(default_factory=dict)

    @staticmethod
    def key(dot: str) -> str:
        return hashlib.sha256(dot.encode("utf-8")).hexdigest()

    def get(self, dot: str) -> bytes | None:
        return self.entries.get(self.key(dot))

    def put(self, dot: str, svg: bytes) -> None:
        if len(self.entries) >= self.most:
            self.entries.clear()  # a simple bound: a full cache starts again rather than growing
        self.entries[self.key(dot)] = svg


@dataclass
class Rendered:
    #: journey id -> SVG, iterated by id (a `spool.Spool` on disk in a build, a dict otherwise)
    svgs: MutableMapping[str, bytes] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def renderer() -> str | None:
    """"pygraphviz", "dot", or None when SVG cannot be rendered here."""
    try:
        import pygraphviz  # noqa: F401
    except ImportError:
        return "dot" if shutil.which("dot") else None
    return "pygraphviz"


def render_all(dots: Mapping[str, str], *, engine: str | None, jobs: int | None = None,
               progress: Progress | None = None, cache: SvgCache | None = None,
               into: MutableMapping[str, bytes] | None = None) -> Rendered:
    """journey id -> SVG for each DOT text (into `into`, else a dict); with no engine, nothing and one notice.

    `dots` may make each text when asked (`drawing.Dots`): texts are made, rendered and let go a batch at a
    time, so a build never holds every journey's DOT or SVG in memory (with a `spool.Spool` as `into`).
    """
    out = Rendered() if into is None else Rendered(into)
    if not dots:
        return out
    if engine is None:
        out.notices.append(NO_RENDERER)
        return out

    counted = _counting(len(dots), progress)

    def todo() -> Iterator[tuple[str, str]]:
        for jid in sorted(dots):
            dot = dots[jid]
            hit = cache.get(dot) if cache is not None else None
            if hit is None:
                yield jid, dot
            else:
                out.svgs[jid] = hit
                counted(jid, dot, (hit, None))

    failed = []
    for jid, dot, (svg, error) in _render_many(todo(), len(dots), engine, jobs, counted):
        if svg is None:
            failed.append(f"SVG not rendered for journey {jid}: {error}")
            continue
        out.svgs[jid] = svg
        if cache is not None:
            cache.put(dot, svg)
    out.notices += sorted(failed)
    return out


Done = Iterator[tuple[str, str, Result]]


Counted = Callable[[str, str, Result], tuple[str, str, Result]]


def _render_many(todo: Iterator[tuple[str, str]], total: int, engine: str, jobs: int | None, counted: Counted) -> Done:
    """(id, DOT, result) of each DOT text, as they are done: in worker processes when there are many."""
    workers = min(jobs or os.cpu_count() or 1, total)
    if workers <= 1 or total < PARALLEL_FROM:
        for n, (jid, dot) in enumerate(todo):
            if n == 0:
                _warm(engine)
            yield counted(jid, dot, render(dot, engine))
        return
    size = max(1, min(16, total // (workers * 4)))  # batches: fewer round trips, still a smooth progress
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm, initargs=(engine,))
    try:
        for batch, results in _pooled(pool, todo, engine, size, workers * 2):
            for (jid, dot), (_, result) in zip(batch, results, strict=True):
                yield counted(jid, dot, result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: stop now, the writer keeps the old tree
        raise
    pool.shutdown()


def _pooled(pool: ProcessPoolExecutor, todo: Iterator[tuple[str, str]], engine: str, size: int,
            ahead: int) -> Iterator[tuple[list[tuple[str, str]], list[tuple[str, Result]]]]:
    """Each batch of `todo` with its results, at most `ahead` batches in the workers at once."""
    running: dict[Future[list[tuple[str, Result]]], list[tuple[str, str]]] = {}
    batches = iter(lambda: list(islice(todo, size)), [])
    for batch in islice(batches, ahead):
        running[pool.submit(_render_batch, batch, engine)] = batch
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            yield running.pop(future), future.result()
            for batch in islice(batches, 1):
                running[pool.submit(_render_batch, batch, engine)] = batch


def _counting(total: int, progress: Progress | None) -> Counted:
    """Counts what is done (rendered or taken from the cache) and tells `progress`."""
    done = 0

    def count(jid: str, dot: str, result: Result) -> tuple[str, str, Result]:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)
        return jid, dot, result

    return count


def _render_batch(items: list[tuple[str, str]], engine: str) -> list[tuple[str, Result]]:
    return [(jid, render(dot, engine)) for jid, dot in items]


_warmed: set[str] = set()


def _warm(engine: str) -> None:
    """Once per process: Graphviz's first layout sets global defaults that change later output, and
    fontconfig may print warnings about the system's configuration; absorb both here."""
    if engine in _warmed or engine != "pygraphviz":
        return
    with _quiet():
        _draw('digraph { a [label="a"] }')
    _warmed.add(engine)


@contextmanager
def _quiet() -> Iterator[None]:
    """Graphviz writes its own notes to the process's stderr ("graph has 1000 nodes...", fontconfig):
    not the user's problem, and never mixed into journeyc's output."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Graphviz layout warnings, through pygraphviz
                yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _draw(dot: str) -> bytes:
    import pygraphviz

    return bytes(pygraphviz.AGraph(string=dot).draw(format="svg", prog="dot"))


def render(dot: str, engine: str) -> Result:
    """One DOT text as SVG with `engine`, or None and why not."""
    try:
        if engine == "pygraphviz":
            with _quiet():
                raw = _draw(dot)
        else:
            done = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300)
            if done.returncode != 0:
                return None, done.stderr.decode("utf-8", "replace").strip()[:200] or f"dot exited {done.returncode}"
            raw = done.stdout
    except Exception as exc:  # noqa: BLE001 - one journey's failure must not stop the others
        return None, f"{type(exc).__name__}: {exc}"
    return normalise(bytes(raw)), None


_GENERATOR = re.compile(rb"<!-- Generated by graphviz.*?-->\n", re.S)


def normalise(svg: bytes) -> bytes:
    """Same bytes whatever Graphviz build rendered it: drop the version comment."""
    return _GENERATOR.sub(b"", svg)
