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
from journeyc.emitters import EmitOptions, Files, Split, mermaid
from journeyc.emitters.svgtext import finish
from journeyc.emitters.swimlane import dot_source
from journeyc.workspace.model import Journey, Workspace

__all__ = ["dot_source", "emit", "per_journey"]


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    return per_journey(workspace, options).all(workspace.journeys)


def per_journey(workspace: Workspace, options: EmitOptions) -> Split:
    """Every file of this target is one journey's."""
    return Split(dict, lambda journey: journey_files(workspace, journey, options))


def journey_files(workspace: Workspace, journey: Journey, options: EmitOptions) -> Files:
    stem = file_stem(journey.id)
    files: Files = {PurePosixPath(f"diagrams/{stem}.dot"): dot_source(workspace, journey).encode("utf-8"),
                    PurePosixPath(f"diagrams/{stem}.mmd"): mermaid.flowchart(workspace, journey).encode("utf-8")}
    svg = options.svgs.get(journey.id)
    if svg is not None:
        page = f"../docs/html/journeys/{stem}.html" if "docs" in options.targets else None
        files[PurePosixPath(f"diagrams/{stem}.svg")] = finish(svg, workspace, journey, page)
    return files
