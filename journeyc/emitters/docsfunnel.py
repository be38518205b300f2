"""The funnel in the docs site: the overlay diagram on each journey page, and a funnel page per journey.

Pure, like every emitter: the funnel's result and its rendered overlays come in
through `EmitOptions` (the build ran the funnel on `build.funnel`); views go out
to the templates, which escape.
"""

from __future__ import annotations

from typing import Any

from journeyc.emitters import EmitOptions
from journeyc.emitters.docspages import Extras
from journeyc.emitters.render import View
from journeyc.emitters.svgtext import inline_svg, min_zoom
from journeyc.workspace.model import Journey, Workspace


def _flows(options: EmitOptions, journey: Journey) -> list[Any]:
    return [] if options.funnel is None else [p for p in options.funnel.pipelines if p.journey == journey.id]


def extras(workspace: Workspace, journeys: list[Journey], options: EmitOptions) -> dict[str, Extras]:
    """journey id -> the overlay figures after its diagram and the link to its funnel page."""
    from markupsafe import Markup

    from journeyc.emitters.funnel import slug
    from journeyc.funnel.result import sentence

    out: dict[str, Extras] = {}
    if options.funnel is None:
        return out
    for journey in journeys:
        added = Extras(pages=[{"title": "Funnel", "href": f"funnel/{journey.id}.html"}])
        for flow in _flows(options, journey):
            svg = options.funnel_svgs.get(slug(journey, flow))
            inline = inline_svg(svg) if svg is not None else None
            if inline is not None:  # Graphviz escaped the text; inline_svg refused anything active
                added.figures.append({"id": f"funnel-{slug(journey, flow)}", "title": f"Funnel: {flow.pipeline}",
                                      "svg": Markup(inline), "min_zoom": min_zoom(inline),
                                      "caption": sentence(flow)})
        out[journey.id] = added
    return out


def page(workspace: Workspace, journey: Journey, options: EmitOptions) -> dict[str, Any]:
    """The view of one journey's funnel page: per pipeline, its sentence, stages, moves and unmapped labels."""
    from journeyc.funnel import report
    from journeyc.funnel.result import sentence

    result = options.funnel
    flows = [View(flow=flow, sentence=sentence(flow), stages=[report.cells(s) for s in flow.stages],
                  transitions=flow.transitions, notes=report.notes(result, flow))
             for flow in _flows(options, journey)]
    return {"journey": journey, "flows": flows, "as_of": result.as_of if result is not None else None}


def markdown_section(journey: Journey, options: EmitOptions) -> list[dict[str, str]]:
    """What the Markdown journey page shows of the funnel: per pipeline, its sentence and Mermaid overlay."""
    from journeyc.funnel import overlay
    from journeyc.funnel.result import sentence

    return [{"pipeline": flow.pipeline, "sentence": sentence(flow), "mermaid": overlay.mermaid(journey, flow)}
            for flow in _flows(options, journey)]
