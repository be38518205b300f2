"""`journeyc build`: check the workspace, run the enabled emitters, then write atomically or compare.

Reads like a storyboard: find the workspace, refuse when `check` finds errors,
choose targets and output directory, plan what changed since the last build
(`incremental`, with the cache), render the SVGs wanted, then emit every
target file by file into the writer's new tree, which is swapped in at the
end (or, with `--check`, compared with disk). Prints nothing: the CLI reports
what `BuildResult` holds.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from journeyc import engine
from journeyc.build import funnel, incremental, manifest, svg, writer
from journeyc.build.drawing import Diagrams, render_svgs
from journeyc.build.emit import Sink, emit_all, emit_targets
from journeyc.build.signature import Signature
from journeyc.build.spool import Spool
from journeyc.build.stale import Comparison, Staleness
from journeyc.build.svg import SvgCache
from journeyc.build.where import output_dir, select_targets
from journeyc.diagnostics import Diagnostic, Severity
from journeyc.emitters import EmitOptions, Files
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace

__all__ = ["BuildOptions", "BuildResult", "Diagrams", "build", "emit_all", "frozen_heap", "output_dir",
           "render_svgs", "select_targets"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None               # None: `build.out` of journeyc.yaml, under the workspace root
    targets: tuple[str, ...] = ()         # empty: `build.targets` of journeyc.yaml (all by default)
    templates: Path | None = None
    check: bool = False                   # compare with disk, write nothing
    svg: bool = True                      # render SVG for the diagrams and docs targets
    progress: Progress | None = None      # (done, total) while rendering many diagrams
    jobs: int | None = None               # worker processes: SVG rendering, the docs aside; None: every core
    svg_cache: SvgCache | None = None     # SVGs kept across builds of one process (none: render what is needed)
    cache: bool = False                   # the cache of warm runs (journeyc.cache): check, then render, what changed


@dataclass
class BuildResult:
    root: Path
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what check found, when it refused the build
    checked_files: int = 0
    files: int = 0
    notices: list[str] = field(default_factory=list)
    staleness: Staleness | None = None  # with --check
    #: journeys' sets of files (a unit: one target's files of one journey) made, and taken over from the last build
    made: int = 0
    taken: int = 0

    @property
    def refused(self) -> bool:
        return any(d.severity >= Severity.ERROR for d in self.diagnostics)

    def exit_code(self) -> int:
        stale = self.staleness is not None and not self.staleness.fresh
        return 1 if self.refused or stale else 0


def build(path: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the workspace around `path` (DESIGN §4)."""
    if not path.exists():
        raise JourneycError(f"no such file or directory: {path}")
    root = engine.find_root(path)
    config, _ = engine.load_config(root)
    targets = select_targets(options.targets, config)
    cache, said = _cache_usable(root, options.cache)
    # the CRM limits of the targets being built apply, whether or not build.targets lists them
    checked = engine.check([root], engine.CheckOptions(targets=targets, cache=cache))
    checked.notices[:0] = said
    loaded = checked.loaded or engine.load_workspace(root)
    out = output_dir(root, loaded.config, options.out)
    if checked.count(Severity.ERROR):
        return BuildResult(root, out, checked.diagnostics, checked.files, notices=checked.notices)
    if options.templates is not None and not options.templates.is_dir():
        raise JourneycError(f"--templates: {options.templates} is not a directory")
    ws = loaded.workspace
    layer = funnel.lay_over(ws, root, loaded.config, targets)
    emit_options = EmitOptions(templates=options.templates, targets=targets, notices=checked.notices + layer.notices,
                               funnel=layer.result)
    engine_name = svg.renderer() if options.svg and {"diagrams", "docs"} & set(targets) else None
    plan = incremental.plan(ws, root, emit_options, incremental.renderer_stamp(engine_name),
                            manifest.load(out)) if cache else None
    # which journeys' SVGs to render: only asked when there is something to render (it looks at every file)
    wanted = plan.to_make(ws.journeys, out) if plan is not None and engine_name is not None else None
    with Spool() as spool:  # the SVGs on disk until the emitters have used them
        rendered = render_svgs(ws, targets if options.svg else (), wanted=wanted, notices=emit_options.notices,
                               extra=layer.dots, jobs=options.jobs, progress=options.progress,
                               cache=options.svg_cache, into=spool)
        emit_options.svgs, emit_options.funnel_svgs = rendered.svgs, rendered.overlays
        result = BuildResult(root, out, checked_files=checked.files, notices=emit_options.notices)
        if options.check:
            comparison = Comparison(out)
            _emit(comparison, ws, emit_options, options, plan, layer.files)
            result.files, result.staleness = len(comparison.claims.owners), comparison.staleness()
            return _counted(result, plan)
        with writer.Tree(out, keep=(root,), signed=plan is not None) as tree:  # signatures: for the manifest
            _emit(tree, ws, emit_options, options, plan, layer.files)
            tree.commit()
    result.files = len(tree.claims.owners)
    _remember(out, plan, tree.signatures, result.notices)
    return _counted(result, plan)


def _counted(result: BuildResult, plan: incremental.Plan | None) -> BuildResult:
    if plan is not None:
        result.made, result.taken = len(plan.made), len(plan.taken)
    return result


def _cache_usable(root: Path, wanted: bool) -> tuple[bool, list[str]]:
    """Whether this build uses the cache (check's entries, the build manifest): one notice when it cannot."""
    if not wanted:
        return False, []
    from journeyc.cache.store import unusable

    why = unusable(root)
    return why is None, [why] if why else []


def _emit(sink: Sink, ws: Workspace, emit_options: EmitOptions, options: BuildOptions,
          plan: incremental.Plan | None, extra: Files) -> None:
    with frozen_heap():
        emit_targets(sink, ws, emit_options, jobs=options.jobs, plan=plan)
    for path, data in extra.items():  # the funnel's pages, docs/funnel/: no target writes there
        sink.put(path, data, "funnel")


def _remember(out: Path, plan: incremental.Plan | None, signatures: dict[str, Signature], notices: list[str]) -> None:
    """Keep what this build made each journey's files from, for the next build (none without the cache)."""
    if plan is None:
        return
    try:
        manifest.save(out, plan.manifest(signatures))
    except OSError as exc:
        notices.append(f"build manifest not saved (the next build makes everything): {exc.strerror or exc}")


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the cyclic garbage collector off the loaded workspace while emitting.

    The workspace is millions of long-lived objects that the collector would walk
    again at every full collection (a tenth of the emit time on 1,000 journeys).
    Frozen, they are left alone while the garbage the templates make is still
    collected: turning the collector off instead cost a third more peak memory.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


