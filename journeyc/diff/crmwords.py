"""How the diff names CRM objects and their changes: identities, records, the `crm:` that pins an old identity."""

from __future__ import annotations

from journeyc.crm.objects import CrmPipeline, CrmStage
from journeyc.crm.salesforce import ENTITIES
from journeyc.diff.changes import TARGET_NAMES, quoted

#: what a reorder means in each CRM
REORDER = {"hubspot": " (same stages, new displayOrder)", "csv": "",
           "salesforce": " (the process shows the org-wide order of the picklist)",
           "pipedrive": " (API v2 cannot reorder stages: drag them in Pipedrive)"}

_IDENTITY = {"hubspot": ("stageId", "pipelineId"), "salesforce": ("value", "record type"),
             "pipedrive": ("Pipedrive stage", "Pipedrive pipeline"), "csv": ("row", "rows")}


def name_of(target: str, kind: str, p: CrmPipeline) -> str:
    """What identifies a stage or a pipeline in `target`, for a message: "HubSpot stageId", "LeadStatus value"."""
    stage, pipeline = _IDENTITY[target]
    if target == "salesforce" and kind == "stage":
        return f"{ENTITIES[p.object].value_set} value"
    return f"HubSpot {stage if kind == 'stage' else pipeline}" if target == "hubspot" else \
        (stage if kind == "stage" else pipeline)


def pin(target: str, kind: str, old: CrmStage | CrmPipeline, where: str) -> str | None:
    """How to keep the old identity: the `crm:` mapping to write on the stage or pipeline."""
    shown = quoted(old.shown) if not old.shown.replace("_", "").isalnum() else old.shown
    yaml = {("hubspot", "stage"): f"crm: {{hubspot: {{id: {shown}}}}}",
            ("hubspot", "pipeline"): f"crm: {{hubspot: {{id: {shown}}}}}",
            ("salesforce", "stage"): f"crm: {{salesforce: {{value: {shown}}}}}",
            ("salesforce", "pipeline"): f"crm: {{salesforce: {{record_type: {shown}}}}}",
            ("pipedrive", "stage"): "crm: {pipedrive: {id: <its Pipedrive id>}}",
            ("pipedrive", "pipeline"): "crm: {pipedrive: {id: <its Pipedrive id>}}"}.get((target, kind))
    if yaml is None:
        return None
    return (f"to keep the {TARGET_NAMES[target]} object and make this safe, pin its old identity on {kind} {where}:"
            f" `{yaml}`")


def records_of(target: str, obj: str) -> str:
    if target == "salesforce":
        return {"deal": "opportunities", "lead": "leads", "ticket": "cases"}.get(obj, "records")
    return {"deal": "deals", "lead": "leads", "ticket": "tickets"}.get(obj, "records")


def stages(n: int) -> str:
    return f"{n} stage{'' if n == 1 else 's'}"


def closed_text(s: CrmStage) -> str:
    return "open" if s.closed is None else "closed" if s.closed == "closed" else f"closed {s.closed}"


def value(item: object) -> str:
    """A field's value on one line: text quoted, lists in brackets."""
    if item is None:
        return "(none)"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (tuple, list)):
        return "[" + ", ".join(value(v) for v in item) + "]"
    return quoted(item) if isinstance(item, str) else str(item)
