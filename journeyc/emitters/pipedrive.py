"""Pipedrive: the pipeline and its stages as Pipedrive API v2 request bodies, one file per deal pipeline.

`crm/pipedrive/<journey>[--<pipeline>].json` holds `pipeline` (the body of
`POST /api/v2/pipelines`, or of `PATCH /api/v2/pipelines/{id}` once its id is
pinned) and `stages` (bodies of `POST /api/v2/stages`, or `PATCH
/api/v2/stages/{id}` for a pinned stage): the v2 models of Pipedrive's client
(`name`, `pipeline_id`, `deal_probability`, `is_deal_rot_enabled`,
`days_to_rotten`), with no `order_nr`, which v2 cannot set. Pipedrive numbers
pipelines itself: `pipeline_id` is written when the pipeline's id is pinned
(`crm: {pipedrive: {id: N}}`), else left out and `journeyc.pipeline_id` says
how to fill it. Won and lost are deal statuses in Pipedrive, not stages:
`journeyc.deal_statuses` maps every closed stage to its status (a lost one
with its label as the lost reason), so several closed stages stay apart.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from journeyc.crm import identity
from journeyc.crm.objects import CrmPipeline, CrmStage, CrmView
from journeyc.crm.probability import percents
from journeyc.emitters import EmitOptions, Exported, Files, Split, by_journey, crm_pipelines, json_bytes, skipped_notice
from journeyc.workspace.model import Journey, Stage, Workspace

OUT = PurePosixPath("crm/pipedrive")
API = "https://api.pipedrive.com/api/v2"
ORDER = ("Pipedrive API v2 cannot set stage order (no order_nr): POST the stages one at a time, in this order;"
         " a new stage goes to the end of its pipeline. To reorder existing stages, drag them in Pipedrive.")


def taken(ws: Workspace) -> list[Exported]:
    return [e for e in crm_pipelines(ws) if e.pipeline.object == "deal" and e.stages]


def emit(ws: Workspace, options: EmitOptions) -> Files:
    return per_journey(ws, options).all(ws.journeys)


def per_journey(ws: Workspace, options: EmitOptions) -> Split:
    """No shared file (only the notices); each journey's files are made from that journey alone."""

    def shared() -> Files:
        exported = crm_pipelines(ws)
        options.notices.extend(skipped_notice("pipedrive", "Pipedrive pipelines hold deals only",
                                              [e for e in exported if e.pipeline.object != "deal"]))
        options.notices.extend(skipped_notice("pipedrive", "no stages",
                                              [e for e in exported if e.pipeline.object == "deal" and not e.stages]))
        return {}

    mine = by_journey(taken(ws), lambda e: e)

    def journey(j: Journey) -> Files:
        return {OUT / f"{e.slug}.json": json_bytes(pipeline_file(e)) for e in mine.get(j.id, [])}

    return Split(shared, journey)


def pipeline_file(e: Exported) -> dict[str, Any]:
    pipeline_id = identity.pipedrive_id(e.pipeline.crm)
    open_stages = [(s, p.value) for s, p in zip(e.stages, percents(e.stages), strict=True) if s.is_open]
    return {
        "journeyc": {
            "api": API, "journey": e.journey.id, "pipeline": e.pipeline.id,
            "pipeline_request": f"PATCH /api/v2/pipelines/{pipeline_id}" if pipeline_id else "POST /api/v2/pipelines",
            "pipeline_id": _fill(e, pipeline_id),
            "stage_order": ORDER,
            "stages": [_stage_manifest(s) for s, _ in open_stages],
            "deal_statuses": [_status(s) for s in e.stages if not s.is_open],
        },
        "pipeline": {"name": e.pipeline.name, "is_deal_probability_enabled": True},
        "stages": [stage_body(s, percent, pipeline_id) for s, percent in open_stages],
    }


def stage_body(stage: Stage, percent: int, pipeline_id: int | None) -> dict[str, Any]:
    """A body valid for both POST /api/v2/stages (with pipeline_id) and PATCH /api/v2/stages/{id}."""
    body: dict[str, Any] = {"name": stage.label}
    if pipeline_id is not None:
        body["pipeline_id"] = pipeline_id
    body["deal_probability"] = percent
    body["is_deal_rot_enabled"] = stage.sla_days is not None
    if stage.sla_days is not None:
        body["days_to_rotten"] = stage.sla_days   # applies only with is_deal_rot_enabled (client model)
    return body


def _fill(e: Exported, pipeline_id: int | None) -> str:
    if pipeline_id is not None:
        return f"{pipeline_id}: the pipeline's crm.pipedrive.id, written in every stage body"
    return (f"not known yet: POST the pipeline body, then add \"pipeline_id\": <data.id of its response> to every"
            f" stage body before posting it, and pin the id in the journey (pipeline {e.pipeline.id!r}:"
            f" `crm: {{pipedrive: {{id: <that id>}}}}`, as `journeyc import` does) so that the next build writes it")


def _stage_manifest(stage: Stage) -> dict[str, Any]:
    stage_id = identity.pipedrive_id(stage.crm)
    request = f"PATCH /api/v2/stages/{stage_id}" if stage_id else "POST /api/v2/stages"
    return {"id": stage.id, "name": stage.label, "pipedrive_id": stage_id, "request": request}


def _status(stage: Stage) -> dict[str, Any]:
    """A closed stage is a deal status; a lost one names its stage in the deal's lost_reason."""
    out: dict[str, Any] = {"id": stage.id, "name": stage.label, "status": stage.outcome}
    if stage.outcome == "lost":
        out["lost_reason"] = stage.label
    return out


def view(ws: Workspace) -> CrmView:
    """Pipedrive after the build: a pinned id identifies a pipeline or stage; without one, journeyc's id, then the name.

    Pipedrive numbers its objects itself: an unpinned stage is matched by what
    the file says of it, its journeyc id first and its name next (the two
    things an admin can look it up by).
    """
    out = []
    for e in taken(ws):
        pinned = identity.pipedrive_id(e.pipeline.crm)
        keys = (f"id/{pinned}",) if pinned else (f"journeyc/{e.journey.id}/{e.pipeline.id}", f"name/{e.pipeline.name}")
        data = pipeline_file(e)
        opened = [s for s in e.stages if s.is_open]
        stages = tuple(_stage_view(s, body) for s, body in zip(opened, data["stages"], strict=True))
        statuses = tuple(f"{s.id}: {s.outcome}" for s in e.stages if not s.is_open)
        shown = f"id {pinned}" if pinned else e.pipeline.name
        out.append(CrmPipeline(keys, shown, e.pipeline.name, "deal", e.journey.id, e.pipeline.id, stages,
                               (("deal statuses", statuses),)))
    return CrmView("pipedrive", tuple(out))


def _stage_view(stage: Stage, body: dict[str, Any]) -> CrmStage:
    pinned = identity.pipedrive_id(stage.crm)
    keys = (f"id/{pinned}",) if pinned else (f"journeyc/{stage.id}", f"name/{stage.label.casefold()}")
    rotting = body.get("days_to_rotten")
    return CrmStage(keys, f"id {pinned}" if pinned else stage.label, stage.label, stage.id, None,
                    body["deal_probability"], (("rotting", f"after {rotting} days" if rotting else "off"),))
