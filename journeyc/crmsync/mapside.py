"""The configuration each CRM would get from the workspace, in the neutral form the readers return.

Built from the same functions the emitters use (the exported pipelines, the
CRM identities, the probability inheritance), so drift compares what `journeyc
build` would send with what the CRM holds. A pipeline belongs to a CRM's drift
when it carries that CRM's identity, or no CRM identity at all (a pipeline
nobody has created yet); one that carries only another CRM's identity is that
CRM's business.
"""

from __future__ import annotations

from journeyc.crm import identity, limits
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.readers.config import CRMS, Anchor, CrmConfig, CrmPipeline, CrmStage
from journeyc.workspace.model import Journey, Stage, Workspace

#: the pipeline objects each CRM holds
OBJECTS = {"hubspot": ("deal", "ticket", "lead"), "salesforce": ("deal", "lead", "ticket"), "pipedrive": ("deal",)}


def expected(ws: Workspace, config: CrmConfig) -> CrmConfig:
    """What `config`'s CRM would get, for the pipeline objects `config` covers."""
    crm = config.crm
    pipelines = []
    for e in crm_pipelines(ws):
        mine = set(e.pipeline.crm) & set(CRMS)
        if e.stages and e.pipeline.object in (config.objects or OBJECTS[crm]) and (crm in mine or not mine):
            pipelines.append(_pipeline(e, crm))
    return CrmConfig(crm, tuple(pipelines), ("the workspace",))


def _anchor(j: Journey, pipeline: str, stage: Stage | None = None) -> Anchor:
    # mappings only: their lines are known without composing the YAML again (a scalar's is not)
    ref = stage.ref if stage is not None else next((p.ref for p in j.pipelines if p.id == pipeline), j.ref)
    return Anchor(ref.file, line=ref.line, journey=j.id, pipeline=pipeline, stage=stage.id if stage else None)


def _pipeline(e: Exported, crm: str) -> CrmPipeline:
    j, p, stages = e.journey, e.pipeline, list(e.stages)
    percents = limits.inherited_percents(stages)
    anchor = _anchor(j, p.id)
    if crm == "hubspot":
        strings = limits.hubspot_probabilities(stages) if p.object == "deal" else [None] * len(stages)
        out = [CrmStage(identity.hubspot_stage_id(j, s), s.label, round(float(x) * 100) if x else None,
                        s.outcome, _ticket_state(s, p.object), anchor=_anchor(j, p.id, s))
               for s, x in zip(stages, strings, strict=True)]
        return CrmPipeline(crm, p.object, identity.hubspot_pipeline_id(j, p), p.name, tuple(out), anchor=anchor)
    if crm == "pipedrive":
        out = [CrmStage(_text(identity.pipedrive_id(s.crm)), s.label, pct, None, rotting_days=s.sla_days or 0,
                        anchor=_anchor(j, p.id, s)) for s, pct in zip(stages, percents, strict=True) if s.is_open]
        return CrmPipeline(crm, p.object, _text(identity.pipedrive_id(p.crm)), p.name, tuple(out), anchor=anchor)
    return _salesforce(e, percents, anchor)


def _salesforce(e: Exported, percents: list[int], anchor: Anchor) -> CrmPipeline:
    j, p = e.journey, e.pipeline
    written = p.crm.get("salesforce")
    master = written is not None and "process" not in written
    out = []
    for s, pct in zip(e.stages, percents, strict=True):
        category = s.crm.get("salesforce", {}).get("forecast_category")
        deal = p.object == "deal"
        out.append(CrmStage(identity.salesforce_value(s), s.label, pct if deal else None, s.outcome if deal else None,
                            _ticket_state(s, p.object), forecast_category=category if deal else None,
                            converted=_converted(j, s) if p.object == "lead" else None, anchor=_anchor(j, p.id, s)))
    record_type = written.get("record_type") if written else None
    return CrmPipeline("salesforce", p.object, None if master else identity.salesforce_process(e), p.name, tuple(out),
                       record_type=record_type if isinstance(record_type, str) else None, master=master,
                       anchor=anchor)


def _ticket_state(s: Stage, obj: str) -> str | None:
    if obj != "ticket":
        return None
    return "CLOSED" if s.outcome is not None or s.terminal else "OPEN"


def _converted(j: Journey, s: Stage) -> bool:
    """As the Salesforce emitter decides: the lead is won, or moves on into a deal pipeline."""
    if s.outcome == "won":
        return True
    deals = {p.id for p in j.pipelines if p.object == "deal"}
    return any((t := j.stage(x.to)) is not None and t.pipeline in deals for x in s.exits)


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)
