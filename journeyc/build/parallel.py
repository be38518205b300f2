"""Emit the `docs` target in a forked second process while this one emits the others (large workspaces).

On 1,000 journeys without SVG, rendering the docs is two fifths of the emit
time and needs nothing the other targets make; a second process that inherits
the loaded workspace by `fork` (nothing to pickle but the files it returns)
takes the emit phase from 3.7 s to 2.3 s on an idle 2-core machine
(bench/README.md). The child writes its files itself, into a part of the
build's sink (the same temporary tree), and sends back only their names and
signatures. With the other core busy it cost a fifth more than one
process, so it is used only when a core is idle when the emit phase starts.
Only on Linux: macOS and Windows start processes by spawning, which would
have to pickle the whole workspace. The files are the same bytes either way.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from journeyc.emitters import EmitOptions
from journeyc.workspace.model import Workspace

if TYPE_CHECKING:
    from journeyc.build.emit import Sink
    from journeyc.build.incremental import Plan

#: from this many journeys up (below, starting a process costs more than the docs take to render)
FROM_JOURNEYS = 100
#: the target emitted aside: the largest, and independent of the others (the SVGs come rendered)
ASIDE = "docs"

#: what the forked child inherits; set only around the fork, never pickled
_INHERITED: dict[str, Any] = {}


def aside(ws: Workspace, options: EmitOptions, jobs: int | None = None) -> tuple[str, ...]:
    """The targets worth emitting in a second process here and now; () to emit everything in this one.

    `jobs=1` turns the second process off. The SVGs are rendered before any
    target is emitted, so the docs need nothing the other targets make.
    """
    if not sys.platform.startswith("linux") or ASIDE not in options.targets or len(options.targets) < 2:
        return ()
    if jobs == 1:
        return ()
    if sum(1 for _ in ws.journeys) < FROM_JOURNEYS or not has_free_core(jobs):
        return ()
    return (ASIDE,)


def has_free_core(jobs: int | None = None) -> bool:
    """True when a core is idle now, besides the one this process runs on (`make --max-load` asks the same)."""
    cores = jobs or len(os.sched_getaffinity(0))
    if cores < 2:
        return False
    samples = []
    for _ in range(3):  # a process that only passes by (a shell, a git hook) is in one sample, not in all
        samples.append(running())
        time.sleep(0.005)
    return min(samples) < cores


def running() -> int:
    """Processes running or waiting for a core at this instant, this one included (`R` of /proc/loadavg `R/T`).

    The load averages lag a minute behind: a build just after a busy spell (or
    in a loop of builds) would read a machine that is idle now as busy.
    """
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):  # not Linux's procfs: assume nothing else runs
        return 1


def emit(sink: Sink, ws: Workspace, options: EmitOptions, targets: tuple[str, ...],
         plan: Plan | None = None) -> dict[str, list[str]]:
    """Each target's notices, its files into `sink`: those in `targets` from a forked child (into a part of the
    sink, merged here), the others from here."""
    from journeyc.build.emit import emit_into

    part = sink.part()
    _INHERITED.update(ws=ws, options=options, part=part, plan=plan)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        future = pool.submit(_child, targets)  # forks here: the child has its copy of _INHERITED
        _INHERITED.clear()
        said = {t: emit_into(sink, ws, options, t, plan) for t in options.targets if t not in targets}
        try:
            result, notices, made, taken = future.result()
        except BrokenProcessPool:  # the child was killed (out of memory?): make its targets here instead
            said.update({t: emit_into(sink, ws, options, t, plan) for t in targets})
        else:
            sink.merge(result)
            said.update(notices)
            if plan is not None:
                plan.made.update(made)
                plan.taken.update(taken)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C or an error: stop now, the writer keeps the old tree
        raise
    finally:
        _INHERITED.clear()
    pool.shutdown()
    return said


def _child(targets: tuple[str, ...]) -> tuple[Any, dict[str, list[str]], dict[str, list[str]], set[str]]:
    from journeyc.build.emit import emit_into

    ws, options, part, plan = (_INHERITED[k] for k in ("ws", "options", "part", "plan"))
    notices = {t: emit_into(part, ws, options, t, plan) for t in targets}
    return part.result(), notices, plan.made if plan else {}, plan.taken if plan else set()
