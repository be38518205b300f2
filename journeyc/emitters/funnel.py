"""The funnel in the docs: a page per journey and the overlay diagrams of its pipelines (model + result -> files).

Called by build when `build.funnel` names a history export: build runs the
funnel (journeyc.funnel.run.analyse) and hands its result here. Like every
emitter, it opens no file and prints nothing. Layout under the output directory:

- `docs/funnel/<journey>.md`: the bottleneck sentence, the stage table, the
  moves and the exits the map lacks, the Mermaid overlay, per pipeline;
- `docs/funnel/<journey>.dot` and `.mmd` (`<journey>--<pipeline>` when the
  journey declares pipelines): the overlay diagrams, for Graphviz and Mermaid.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from journeyc.crm.pipelines import file_stem
from journeyc.emitters import Files
from journeyc.funnel import overlay, report
from journeyc.funnel.result import FunnelResult, PipelineFlow
from journeyc.workspace.model import Journey, Workspace

ROOT = PurePosixPath("docs/funnel")


def slug(journey: Journey, flow: PipelineFlow) -> str:
    """The overlay's file name: the journey alone for its implicit pipeline, else `<journey>--<pipeline>`."""
    implicit = not journey.pipelines
    return file_stem(journey.id) if implicit else f"{file_stem(journey.id)}--{file_stem(flow.pipeline)}"


def page(workspace: Workspace, result: FunnelResult, journey: Journey) -> str:
    """One journey's funnel page in Markdown (also what a docs template may embed)."""
    flows = [p for p in result.pipelines if p.journey == journey.id]
    out = [f"# Funnel: {report.md(journey.name)}", "", f"The stage history as of {result.as_of}, laid over the map.",
           ""]
    if not flows:
        return "\n".join(out + ["The history holds no record of this journey.", ""])
    for flow in flows:
        out += report.pipeline_markdown(result, workspace, flow, level=2)
        out += [f"Overlay diagram: [{slug(journey, flow)}.dot]({slug(journey, flow)}.dot),"
                f" [{slug(journey, flow)}.mmd]({slug(journey, flow)}.mmd).", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def emit(workspace: Workspace, result: FunnelResult) -> Files:
    """Every complete journey gets a page; each pipeline with history gets its two overlay diagrams."""
    files: Files = {}
    for journey in sorted(workspace.journeys, key=lambda j: j.id):
        files[ROOT / f"{file_stem(journey.id)}.md"] = page(workspace, result, journey).encode("utf-8")
        for flow in (p for p in result.pipelines if p.journey == journey.id):
            name = slug(journey, flow)
            files[ROOT / f"{name}.dot"] = overlay.dot(journey, flow).encode("utf-8")
            files[ROOT / f"{name}.mmd"] = overlay.mermaid(journey, flow).encode("utf-8")
    return files
