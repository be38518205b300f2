"""Pipedrive: pipeline and stages per deal pipeline, for the Pipedrive API (v1 field names).

`crm/pipedrive/<journey>[--<pipeline>].json` holds `pipeline` (the body of
`POST /v1/pipelines`) and `stages` (bodies of `POST /v1/stages` once the
pipeline id is known: `name`, `order_nr`, `deal_probability`, `rotten_flag`,
`rotten_days` from `sla_days`). Won and lost are deal statuses in Pipedrive,
not stages: closed stages go to `deal_statuses` instead, so nothing is lost,
and `journeyc` maps every name back to its journeyc stage id. Pipedrive pipelines
hold deals only: lead and ticket pipelines are left out with a notice.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from journeyc.crm import limits as crmlimits
from journeyc.emitters import (
    EmitOptions,
    Exported,
    Files,
    crm_pipelines,
    json_bytes,
    skipped_notice,
    )
from journeyc.workspace.model import Workspace

OUT = PurePosixPath("crm/pipedrive")


def emit(ws: Workspace, options: EmitOptions) -> Files:
    files: Files = {}
    exported = crm_pipelines(ws)
    for e in exported:
        if e.pipeline.object == "deal" and e.stages:
            files[OUT / f"{e.slug}.json"] = json_bytes(pipeline_file(e))
    options.notices.extend(skipped_notice("pipedrive", "Pipedrive pipelines hold deals only",
                                          [e for e in exported if e.pipeline.object != "deal"]))
    options.notices.extend(skipped_notice("pipedrive", "no stages",
                                          [e for e in exported if e.pipeline.object == "deal" and not e.stages]))
    return files


def pipeline_file(e: Exported) -> dict[str, Any]:
    stages: list[dict[str, Any]] = []
    statuses: dict[str, list[str]] = {"won": [], "lost": []}
    for stage, percent in zip(e.stages, crmlimits.inherited_percents(e.stages), strict=True):
        if stage.outcome in statuses:
            statuses[stage.outcome].append(stage.label)
            continue
        body: dict[str, Any] = {
            "name": stage.label,
            "order_nr": len(stages),
            "deal_probability": percent,
            "rotten_flag": stage.sla_days is not None,
        }
        if stage.sla_days is not None:
            body["rotten_days"] = stage.sla_days  # rotten_days applies only with rotten_flag
        stages.append(body)
    return {
        # v1 takes deal_probability on a pipeline as 0/1 (a "NumberBoolean"), not true/false
        "pipeline": {"name": e.pipeline.name, "deal_probability": 1},
        "stages": stages,
        "deal_statuses": statuses,
        "journeyc": {"journey": e.journey.id, "pipeline": e.pipeline.id,
                     "stages": [{"id": s.id, "name": s.label, "status": s.outcome or "open"} for s in e.stages]},
    }
