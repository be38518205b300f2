"""What a person should do about one drift: the YAML to write in the map, or the change to make in the CRM."""

from __future__ import annotations

from journeyc.crmsync import plan, render
from journeyc.crmsync.compare import FieldDiff
from journeyc.crmsync.yamltext import flow, scalar
from journeyc.readers.config import CRM_NAMES, CrmConfig, CrmPipeline, CrmStage

BUILD = "`journeyc build` writes it"


def _where(p: CrmPipeline, s: CrmStage | None = None) -> str:
    a = (s or p).anchor
    if a is None or a.journey is None:
        return ""
    what = f"stage `{a.stage}` of journey `{a.journey}`" if a.stage else f"journey `{a.journey}`"
    return f"in {a.file}, {what}: "


def _show(value: object) -> str:
    if value is None:
        return "(none)"
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def stage_change(f: FieldDiff, a: CrmStage, b: CrmStage, p: CrmPipeline) -> tuple[str, str]:
    crm, where = CRM_NAMES[p.crm], _where(p, a)
    if f.field == "order":
        after = f.after.anchor.stage if f.after and f.after.anchor and f.after.anchor.stage else None
        place = f"right after stage `{after}`" if after else (f"after {f.after.label!r}" if f.after else "first")
        return (f"{where}move the stage {place}, as in {crm}",
                f"or reorder the stages in {crm}: this one at rank {f.left} of the stages both sides have")
    yaml = {
        "label": lambda: f"{where}term: {scalar(b.label)}  (and a vocabulary term or alias {scalar(b.label)})",
        "probability": lambda: f"{where}probability: {b.probability}",
        "outcome": lambda: (f"{where}outcome: {b.outcome}\nterminal: true" if b.outcome
                            else f"{where}remove `outcome:` and `terminal:`, and add `exits:`"),
        "ticket_state": lambda: (f"{where}terminal: true" if b.ticket_state == "CLOSED"
                                 else f"{where}remove `terminal: true` (and `outcome:`), and add `exits:`"),
        "rotting_days": lambda: (f"{where}sla_days: {b.rotting_days}" if b.rotting_days
                                 else f"{where}remove `sla_days:`"),
        "forecast_category": lambda: f"{where}crm:\n  salesforce: {flow(_sf(b))}",
        "converted": lambda: (f"{where}outcome: won\nterminal: true" if b.converted
                              else f"{where}remove `outcome: won` (and exits into a deal pipeline)"),
        "identity": lambda: f"{where}crm:\n  {p.crm}: {flow(_stage_identity(p, b))}",
    }[f.field]()
    if f.field == "identity":
        return yaml, f"or give the {crm} stage the identity {_show(f.left)}"
    return yaml, (f"or set the {f.field.replace('_', ' ')} of the {crm} stage {b.label!r} to {_show(f.left)}"
                  f" ({BUILD})")


def _sf(s: CrmStage) -> dict[str, str | int]:
    out: dict[str, str | int] = {"value": s.key or s.label}
    if s.forecast_category:
        out["forecast_category"] = s.forecast_category
    return out


def _stage_identity(p: CrmPipeline, s: CrmStage) -> dict[str, str | int]:
    if p.crm == "salesforce":
        return _sf(s)
    return {"id": int(s.key) if p.crm == "pipedrive" and s.key and s.key.isdigit() else s.key or ""}


def pipeline_change(f: FieldDiff, a: CrmPipeline, b: CrmPipeline) -> tuple[str, str]:
    crm, where = CRM_NAMES[b.crm], _where(a)
    if f.field == "label":
        return f"{where}name: {scalar(b.label)}", f"or rename the {crm} pipeline to {a.label!r} ({BUILD})"
    idents: dict[str, dict[str, str | int]] = {
        "hubspot": {"id": b.key or ""}, "pipedrive": {"id": int(b.key) if b.key and b.key.isdigit() else 0},
        "salesforce": {k: v for k, v in (("process", b.key), ("record_type", b.record_type)) if v}}
    ident = idents[b.crm]
    return (f"{where}crm:\n  {b.crm}: {flow(ident)}",
            f"or change the {crm} pipeline's {f.field.replace('_', ' ')} to {_show(f.left)}")


def stage_missing_in_map(s: CrmStage, p: CrmPipeline, mapped: CrmPipeline) -> tuple[str, str]:
    a = mapped.anchor
    taken: set[str] = set()
    stage = plan.Stage(plan.unique(plan.slug(s.label, "stage"), taken), s.label, description=s.description,
                       crm=_safe_identity(p, s))
    plan._facts(stage, p, s)
    text = "\n".join(line[2:] if line.startswith("  ") else line for line in render._stage(stage))
    where = f"in {a.file}, journey `{a.journey}`, add to `stages:` " if a and a.journey else "add to the journey "
    return (f"{where}(and a vocabulary term for {scalar(s.label)}):\n{text}",
            f"or delete the stage {s.label!r} in {CRM_NAMES[p.crm]} (move its records to another stage first)")


def _safe_identity(p: CrmPipeline, s: CrmStage) -> dict[str, dict[str, str | int]]:
    try:
        return plan.stage_identity(p, s)
    except Exception:  # noqa: BLE001 - an identity journeyc cannot write is simply not suggested
        return {}


def stage_missing_in_crm(s: CrmStage, p: CrmPipeline) -> tuple[str, str]:
    return (f"{_where(p, s)}remove the stage (it is not in {CRM_NAMES[p.crm]})",
            f"or create the stage {s.label!r} in {CRM_NAMES[p.crm]} ({BUILD})")


def pipeline_missing_in_map(p: CrmPipeline, config: CrmConfig) -> tuple[str, str]:
    sources = " ".join(config.sources[:3]) or "SOURCE"
    return (f"journeyc import {sources}  (writes a journey for {CRM_NAMES[p.crm]} pipeline {p.label!r})",
            f"or archive the pipeline {p.label!r} in {CRM_NAMES[p.crm]}")


def pipeline_missing_in_crm(p: CrmPipeline, crm: str) -> tuple[str, str]:
    return (f"{_where(p)}remove the journey (or its pipeline), or pin it to another CRM with `crm:`",
            f"or create the pipeline {p.label!r} in {CRM_NAMES[crm]} ({BUILD})")
