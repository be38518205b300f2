"""`journeyc build`: check the workspace, run the enabled emitters, then write atomically or compare.

Reads like a storyboard: find the workspace, refuse when `check` finds errors,
choose targets and output directory, emit every target into one in-memory
tree, then hand it to the writer (or, with `--check`, compare it with disk).
Prints nothing: the CLI reports what `BuildResult` holds.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from journeyc import engine
from journeyc.build import funnel, svg, writer
from journeyc.build.svg import SvgCache
from journeyc.diagnostics import Diagnostic, Severity
from journeyc.emitters import TARGETS, EmitOptions, Files, emitter
from journeyc.errors import JourneycError
from journeyc.workspace.config import CONFIG_FILE, Config
from journeyc.workspace.model import Workspace

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


@dataclass
class BuildResult:
    root: Path
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what check found, when it refused the build
    checked_files: int = 0
    files: int = 0
    notices: list[str] = field(default_factory=list)
    staleness: writer.Staleness | None = None  # with --check

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
    # the CRM limits of the targets being built apply, whether or not build.targets lists them
    checked = engine.check([root], engine.CheckOptions(targets=targets))
    loaded = checked.loaded or engine.load_workspace(root)
    out = output_dir(root, loaded.config, options.out)
    if checked.count(Severity.ERROR):
        return BuildResult(root, out, checked.diagnostics, checked.files)
    if options.templates is not None and not options.templates.is_dir():
        raise JourneycError(f"--templates: {options.templates} is not a directory")
    layer = funnel.lay_over(loaded.workspace, root, loaded.config, targets)
    rendered = render_svgs(loaded.workspace, targets, options, {OVERLAY + k: v for k, v in layer.dots.items()})
    overlays = {k[len(OVERLAY):]: v for k, v in rendered.svgs.items() if k.startswith(OVERLAY)}
    emit_options = EmitOptions(templates=options.templates, targets=targets,
                               svgs={k: v for k, v in rendered.svgs.items() if not k.startswith(OVERLAY)},
                               notices=layer.notices + rendered.notices, funnel=layer.result, funnel_svgs=overlays)
    with frozen_heap():
        files = emit_all(loaded.workspace, emit_options, jobs=options.jobs)
    files.update(layer.files)  # docs/funnel/: no target writes there
    result = BuildResult(root, out, checked_files=checked.files, files=len(files), notices=emit_options.notices)
    if options.check:
        result.staleness = writer.compare_tree(files, out)
    else:
        writer.write_tree(files, out, keep=(root,))
    return result


#: the prefix that keeps the funnel's overlay diagrams apart from the journeys' in one rendering pass
OVERLAY = "funnel/"


def render_svgs(ws: Workspace, targets: tuple[str, ...], options: BuildOptions,
                extra: dict[str, str] | None = None) -> svg.Rendered:
    """The diagrams that the `diagrams` and `docs` targets show, rendered once for both (none with --no-svg),
    with `extra` DOT texts (the funnel's overlays) in the same pass."""
    if not options.svg or not {"diagrams", "docs"} & set(targets):
        return svg.Rendered()
    from journeyc.emitters.swimlane import dot_source

    dots = {j.id: dot_source(ws, j) for j in ws.journeys} | (extra or {})
    return svg.render_all(dots, engine=svg.renderer(), jobs=options.jobs, progress=options.progress,
                          cache=options.svg_cache)


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


def output_dir(root: Path, config: Config, out: Path | None) -> Path:
    """`--out` is relative to the current directory; `build.out` to the workspace root, and stays below it.

    journeyc.yaml comes with the journeys, from anyone's pull request: it may not
    send the build elsewhere (`..`, an absolute path, a symbolic link out). Where
    the build goes outside the workspace is the caller's choice, with `--out`.
    """
    if out is not None:
        return Path(os.path.abspath(out))
    path = Path(os.path.abspath(root / config.out))
    base = os.path.realpath(root)
    if not os.path.realpath(path).startswith(base.rstrip(os.sep) + os.sep):
        raise JourneycError(f"build.out of {CONFIG_FILE} must be a directory inside the workspace, not"
                            f" {config.out!r} (use --out to build elsewhere)")
    return path


def select_targets(asked: tuple[str, ...], config: Config) -> tuple[str, ...]:
    """The targets to build, in build order: the flags, else the config, else all."""
    unknown = [t for t in asked if t not in TARGETS]
    if unknown:
        raise JourneycError(f"unknown target {unknown[0]!r} (targets: {', '.join(TARGETS)})")
    chosen = set(asked or config.targets or TARGETS)
    return tuple(t for t in TARGETS if t in chosen)


def emit_all(ws: Workspace, options: EmitOptions, jobs: int | None = None) -> Files:
    """Every enabled target's files in one tree; two targets claiming one path is a bug.

    On a large workspace the docs may render in a second process (`build.parallel`);
    files and notices are merged in target order either way, so nothing differs.
    """
    from journeyc.build import parallel as fork

    earlier = list(options.notices)
    aside = fork.aside(ws, options, jobs)
    if aside:
        emitted = fork.emit(ws, options, aside, emit_target)
    else:
        emitted = {target: emit_target(ws, options, target) for target in options.targets}
    files: Files = {}
    owner: dict[str, str] = {}
    notices: list[str] = []
    for target in options.targets:
        found, said = emitted[target]
        notices += said
        for path, data in found.items():
            key = str(path)
            if key in owner:
                raise JourneycError(f"targets {owner[key]!r} and {target!r} both write {key}")
            owner[key] = target
            files[path] = data
    options.notices[:] = earlier + notices
    return files


def emit_target(ws: Workspace, options: EmitOptions, target: str) -> tuple[Files, list[str]]:
    """One target's files and the notices it added."""
    try:
        emit = emitter(target)
    except ImportError as exc:
        raise JourneycError(f"target {target!r} cannot be built: {exc}") from None
    before = len(options.notices)
    files = emit(ws, options)
    return files, options.notices[before:]
