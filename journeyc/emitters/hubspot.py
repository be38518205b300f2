"""HubSpot: one pipeline body per deal, ticket or lead pipeline, for the date-versioned pipelines API.

`crm/hubspot/<journey>[--<pipeline>].json` is a `PipelineInput` of HubSpot's
CRM pipelines API 2026-03 with `pipelineId` and a `stageId` per stage: the only
API version that lets a caller set them (v3 generates them). The same file
creates the pipeline once and replaces it on every later build, matched by
id, never by label or position. `crm/hubspot/README.md` is the manifest: each
file's object type (`deals`, `tickets`, `leads`) and endpoints, and the
query parameters that keep a replace from deleting stages still in use.
Deal stages carry `probability` (see `journeyc.crm.probability`: steps of
10%, rounded half up, open stages between 10% and 90%, each change reported
by rule JC506), ticket stages `ticketState`, lead stages nothing.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from journeyc.crm import identity
from journeyc.crm.objects import CrmPipeline, CrmStage, CrmView
from journeyc.crm.probability import hubspot_probability, percents
from journeyc.emitters import EmitOptions, Exported, Files, Split, by_journey, crm_pipelines, json_bytes, skipped_notice
from journeyc.workspace.model import Journey, Stage, Workspace

OUT = PurePosixPath("crm/hubspot")
API = "2026-03"
BASE = f"https://api.hubapi.com/crm/pipelines/{API}"
REPLACE_QUERY = "validateReferencesBeforeDelete=true&validateDealStageUsagesBeforeDelete=true"


def taken(ws: Workspace) -> list[tuple[Exported, str, int]]:
    """(pipeline, objectType, displayOrder) of every pipeline HubSpot gets; displayOrder counts per object type."""
    order: dict[str, int] = {}
    out = []
    for e in crm_pipelines(ws):
        object_type = identity.hubspot_object_type(e.pipeline)
        if object_type is not None and e.stages:
            out.append((e, object_type, order.get(object_type, 0)))
            order[object_type] = order.get(object_type, 0) + 1
    return out


def emit(ws: Workspace, options: EmitOptions) -> Files:
    return per_journey(ws, options).all(ws.journeys)


def per_journey(ws: Workspace, options: EmitOptions) -> Split:
    """The README (and the notices) for all, then each journey's pipeline bodies: a build after one journey
    changed writes that journey's bodies only."""
    pipelines = taken(ws)

    def shared() -> Files:
        options.notices.extend(skipped_notice("hubspot", "no stages", [e for e in crm_pipelines(ws) if not e.stages]))
        return {OUT / "README.md": readme([(e, object_type, len(e.stages)) for e, object_type, _ in pipelines])}

    mine = by_journey(pipelines, lambda row: row[0])

    def journey(j: Journey) -> Files:
        return {OUT / f"{e.slug}.json": json_bytes(pipeline_body(e, order)) for e, _, order in mine.get(j.id, [])}

    return Split(shared, journey)


def inputs(ws: Workspace) -> dict[str, str]:
    """What a journey's bodies are made from besides the journey: the displayOrder of each of its pipelines,
    which counts the pipelines of other journeys before it."""
    out: dict[str, str] = {}
    for e, object_type, order in taken(ws):
        out[e.journey.id] = out.get(e.journey.id, "") + f"{e.slug} {object_type} {order}\n"
    return out


def pipeline_body(e: Exported, display_order: int) -> dict[str, Any]:
    """The PipelineInput body of one pipeline (create), also sent to replace it."""
    stages = [{"label": stage.label, "displayOrder": index, "stageId": identity.hubspot_stage_id(e.journey, stage),
               "metadata": metadata} for index, (stage, metadata) in enumerate(_metadata(e))]
    return {"label": e.pipeline.name, "displayOrder": display_order,
            "pipelineId": identity.hubspot_pipeline_id(e.journey, e.pipeline), "stages": stages}


def _metadata(e: Exported) -> list[tuple[Stage, dict[str, str]]]:
    if e.pipeline.object == "deal":
        return [(s, {"probability": hubspot_probability(p.value, s.outcome).text})
                for s, p in zip(e.stages, percents(e.stages), strict=True)]
    if e.pipeline.object == "ticket":
        return [(s, {"ticketState": "CLOSED" if s.outcome is not None or s.terminal else "OPEN"}) for s in e.stages]
    return [(s, {}) for s in e.stages]  # lead stages: the guide's "blank object" when there is nothing to set


def view(ws: Workspace) -> CrmView:
    """What HubSpot holds after the build: pipelines by (objectType, pipelineId), stages by stageId."""
    out = []
    for e, object_type, display_order in taken(ws):
        body = pipeline_body(e, display_order)
        stages = tuple(_stage_view(stage, s, e.pipeline.object) for stage, s in zip(e.stages, body["stages"],
                                                                                    strict=True))
        out.append(CrmPipeline((f"{object_type}/{body['pipelineId']}",), body["pipelineId"], body["label"],
                               e.pipeline.object,
                               e.journey.id, e.pipeline.id, stages))
    return CrmView("hubspot", tuple(out))


def _stage_view(stage: Stage, body: dict[str, Any], obj: str) -> CrmStage:
    metadata = body["metadata"]
    percent = round(float(metadata["probability"]) * 100) if "probability" in metadata else None
    closed = stage.outcome or ("closed" if metadata.get("ticketState") == "CLOSED" else None)
    return CrmStage((f"{obj}/{body['stageId']}",), body["stageId"], body["label"], stage.id, closed, percent)


def readme(rows: list[tuple[Exported, str, int]]) -> bytes:
    """The manifest: each pipeline's file, objectType, pipelineId and number of stages."""
    table = "\n".join(f"| `{e.slug}.json` | `{object_type}` | `{identity.hubspot_pipeline_id(e.journey, e.pipeline)}`"
                      f" | {stages} |" for e, object_type, stages in rows) or "| (none) | | | |"
    return _README.format(api=API, base=BASE, query=REPLACE_QUERY, rows=table).encode("utf-8")


_README = """\
# HubSpot pipelines generated by journeyc

Each JSON file here is one pipeline for HubSpot's CRM pipelines API, version
{api} (the date-versioned API: only it lets a caller set `pipelineId` and
`stageId`). The ids come from the journeys (`crm: {{hubspot: {{id: ...}}}}` when
written, else the journeyc ids in snake case), so every build describes the
same HubSpot objects: run it after a relabel or a reorder and the same file
updates the same pipeline and stages instead of creating new ones.

| file | objectType | pipelineId | stages |
| --- | --- | --- | --- |
{rows}

## Create a pipeline (first time)

    POST {base}/{{objectType}}
    Content-Type: application/json
    body: the file

## Replace it (every later build)

    PUT {base}/{{objectType}}/{{pipelineId}}?{query}
    Content-Type: application/json
    body: the file

A replace overwrites the whole pipeline: HubSpot keeps the stages whose
`stageId` the body names and deletes the others. Always send both query
parameters: with them HubSpot refuses to delete a stage that records or
workflows still use (`validateDealStageUsagesBeforeDelete` guards deal
stages, `validateReferencesBeforeDelete` the stages of other objects; the v3
API defaults both to false). Move those records first: `journeyc diff` says
where. The body's `pipelineId` repeats the id of the path (HubSpot's replace
input does not list it; if your account refuses the field, send the file
without it).

Deal stages carry `probability` in steps of 0.1 (`"1.0"` closed won, `"0.0"`
closed lost; an open stage is never either). Ticket stages carry `ticketState`.
Lead stages (objectType `leads`, Sales Hub Professional or Enterprise, at most
30 stages) carry no metadata. Every number journeyc had to derive or round is
reported by `journeyc check` (rule JC506).
"""
