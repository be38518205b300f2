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
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

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
    svgs: dict[str, bytes] = field(default_factory=dict)   # journey id -> SVG, sorted by id
    notices: list[str] = field(default_factory=list)


def renderer() -> str | None:
    """"pygraphviz", "dot", or None when SVG cannot be rendered here."""
    try:
        import pygraphviz  # noqa: F401
    except ImportError:
        return "dot" if shutil.which("dot") else None
    return "pygraphviz"


def render_all(dots: Mapping[str, str], *, engine: str | None, jobs: int | None = None,
               progress: Progress | None = None, cache: SvgCache | None = None) -> Rendered:
    """journey id -> SVG for each DOT text; with no engine, nothing and one notice."""
    out = Rendered()
    if not dots:
        return out
    if engine is None:
        out.notices.append(NO_RENDERER)
        return out
    done: dict[str, bytes] = {}
    todo: dict[str, str] = {}
    for jid in sorted(dots):
        hit = cache.get(dots[jid]) if cache is not None else None
        if hit is not None:
            done[jid] = hit
        else:
            todo[jid] = dots[jid]
    for jid, (svg, error) in sorted(_render_many(todo, engine, jobs, progress).items()):
        if svg is None:
            out.notices.append(f"SVG not rendered for journey {jid}: {error}")
            continue
        done[jid] = svg
        if cache is not None:
            cache.put(todo[jid], svg)
    out.svgs = dict(sorted(done.items()))
    return out


def _render_many(dots: dict[str, str], engine: str, jobs: int | None, progress: Progress | None) -> dict[str, Result]:
    total, out = len(dots), {}
    workers = min(jobs or os.cpu_count() or 1, total)
    if workers <= 1 or total < PARALLEL_FROM:
        if total:
            _warm(engine)
        for jid, dot in dots.items():
            out[jid] = render(dot, engine)
            if progress:
                progress(len(out), total)
        return out
    items = list(dots.items())
    size = max(1, min(16, total // (workers * 4)))  # batches: fewer round trips, still a smooth progress
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm, initargs=(engine,))
    try:
        futures = [pool.submit(_render_batch, items[i:i + size], engine) for i in range(0, total, size)]
        for future in as_completed(futures):
            out.update(future.result())
            if progress:
                progress(len(out), total)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: stop now, the writer keeps the old tree
        raise
    pool.shutdown()
    return out


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
