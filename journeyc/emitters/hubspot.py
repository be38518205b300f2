"""HubSpot: one create-pipeline body (CRM pipelines API v3) per deal or ticket pipeline.

`crm/hubspot/<journey>[--<pipeline>].json` is exactly what `POST
/crm/v3/pipelines/{deals|tickets}` takes: label, displayOrder and stages with
label, displayOrder and string metadata. Deal stages carry `probability` in
steps of 0.1 (won "1.0", lost "0.0", an open stage never either, see
`crmlimits.hubspot_probability`); ticket stages carry `ticketState`. Lead
pipelines are not HubSpot deal or ticket pipelines: they are left out with a
notice.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from journeyc.crm import limits as crmlimits
from journeyc.emitters import EmitOptions, Exported, Files, crm_pipelines, json_bytes, skipped_notice
from journeyc.workspace.model import Workspace

OUT = PurePosixPath("crm/hubspot")


def emit(ws: Workspace, options: EmitOptions) -> Files:
    files: Files = {}
    exported = crm_pipelines(ws)
    taken = [e for e in exported if e.pipeline.object in crmlimits.HUBSPOT_OBJECTS and e.stages]
    order = {obj: 0 for obj in crmlimits.HUBSPOT_OBJECTS}
    for e in taken:
        # displayOrder counts per object type: deal and ticket pipelines are listed apart in HubSpot
        files[OUT / f"{e.slug}.json"] = json_bytes(pipeline_body(e, order[e.pipeline.object]))
        order[e.pipeline.object] += 1
    options.notices.extend(skipped_notice(
        "hubspot", "the HubSpot pipelines API takes deal and ticket pipelines",
        [e for e in exported if e.pipeline.object not in crmlimits.HUBSPOT_OBJECTS]))
    empty = [e for e in exported if not e.stages and e.pipeline.object in crmlimits.HUBSPOT_OBJECTS]
    options.notices.extend(skipped_notice("hubspot", "no stages", empty))
    return files


def pipeline_body(e: Exported, display_order: int) -> dict[str, Any]:
    """The PipelineInput body for one pipeline."""
    stages = list(e.stages)
    probabilities = crmlimits.hubspot_probabilities(stages)
    out = []
    for index, stage in enumerate(stages):
        if e.pipeline.object == "deal":
            metadata = {"probability": probabilities[index]}
        else:
            closed = stage.outcome is not None or stage.terminal
            metadata = {"ticketState": "CLOSED" if closed else "OPEN"}
        out.append({"label": stage.label, "displayOrder": index, "metadata": metadata})
    return {"label": e.pipeline.name, "displayOrder": display_order, "stages": out}
