"""`build.funnel`: lay the stage history named in journeyc.yaml over the docs.

When journeyc.yaml says `build: {funnel: data/history.csv}` and the docs are
built, the build runs the funnel on that history (as of its latest entry, so
that the same file always builds the same bytes), hands the result to the
`docs` emitter (a funnel page and the overlay diagram on each journey's pages)
and writes the funnel's own Markdown pages and overlay diagrams.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyc.emitters import Files
from journeyc.errors import JourneycError
from journeyc.workspace.config import CONFIG_FILE, Config
from journeyc.workspace.model import Workspace

NO_ENGINE = ("build.funnel: the history is not laid over the docs: install journeyc's funnel extra"
             " (pip install 'journeyc[funnel]')")


@dataclass
class Layer:
    """What the funnel adds to a build: the result for the docs, its files, the overlays rendered to SVG."""

    result: Any = None                                   # journeyc.funnel.result.FunnelResult
    files: Files = field(default_factory=dict)
    dots: dict[str, str] = field(default_factory=dict)    # overlay file stem -> DOT, rendered with the diagrams
    notices: list[str] = field(default_factory=list)


def history_path(root: Path, config: Config) -> Path | None:
    """The history file build.funnel names, inside the workspace (journeyc.yaml cannot send a build elsewhere)."""
    if not config.funnel:
        return None
    path = Path(os.path.abspath(root / config.funnel))
    base = os.path.realpath(root).rstrip(os.sep) + os.sep
    if not os.path.realpath(path).startswith(base):
        raise JourneycError(f"build.funnel of {CONFIG_FILE} must name a file inside the workspace, not"
                            f" {config.funnel!r}")
    if not path.is_file():
        raise JourneycError(f"build.funnel of {CONFIG_FILE}: no such file: {config.funnel}")
    return path


def lay_over(ws: Workspace, root: Path, config: Config, targets: tuple[str, ...]) -> Layer:
    """The funnel's part of the build; nothing when build.funnel is unset or the docs are not built."""
    path = history_path(root, config)
    if path is None or "docs" not in targets:
        return Layer()
    try:
        from journeyc.funnel.run import Options, analyse
    except ImportError:
        return Layer(notices=[NO_ENGINE])
    from journeyc.emitters import funnel as emitter
    from journeyc.funnel import overlay

    result = analyse(ws, [str(path)], Options(latest=True))
    dots = {emitter.slug(j, flow): overlay.dot(j, flow) for j in ws.journeys
            for flow in result.pipelines if flow.journey == j.id}
    return Layer(result, emitter.emit(ws, result), dots)
