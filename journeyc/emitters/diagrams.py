"""The `diagrams` target: per journey, the swimlane as DOT, as SVG (rendered by the build) and as Mermaid.

The DOT comes from `swimlane`, the Mermaid from `mermaid`; the SVG is the one
the build rendered from the same DOT (`EmitOptions.svgs`), finished here with
tooltips in words and stage links into the HTML docs when they are built.
Without a rendered SVG (no renderer, `--no-svg`), only DOT and Mermaid are
written.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from journeyc.crm.pipelines import file_stem
from journeyc.emitters import EmitOptions, Files, mermaid
from journeyc.emitters.svgtext import finish
from journeyc.emitters.swimlane import dot_source
from journeyc.workspace.model import Workspace

__all__ = ["dot_source", "emit"]


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    files: Files = {}
    for journey in sorted(workspace.journeys, key=lambda j: j.id):
        stem = file_stem(journey.id)
        files[PurePosixPath(f"diagrams/{stem}.dot")] = dot_source(workspace, journey).encode("utf-8")
        files[PurePosixPath(f"diagrams/{stem}.mmd")] = mermaid.flowchart(workspace, journey).encode("utf-8")
        svg = options.svgs.get(journey.id)
        if svg is not None:
            page = f"../docs/html/journeys/{stem}.html" if "docs" in options.targets else None
            files[PurePosixPath(f"diagrams/{stem}.svg")] = finish(svg, workspace, journey, page)
    return dict(sorted(files.items()))
