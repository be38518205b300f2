"""What a change means for each CRM target: safe, needs migration or destructive."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.crm import limits as crmlimits
from journeyc.diff.changes import ImpactItem, Level, TargetImpact, by_id, quoted, union
from journeyc.workspace.model import Journey, Pipeline, Stage, Workspace

#: which pipeline objects each CRM target exports (None: all); Pipedrive has deal pipelines only
_TARGET_OBJECTS: dict[str, frozenset[str] | None] = {
    "hubspot": frozenset(crmlimits.HUBSPOT_OBJECTS), "salesforce": frozenset({"deal", "lead"}),
    "pipedrive": frozenset({"deal"}), "csv": None,
}
_RECORDS = {"deal": "deals", "lead": "leads", "ticket": "tickets"}
Exported = dict[tuple[str, str], tuple[Journey, Pipeline, list[Stage]]]


def exported(ws: Workspace, target: str) -> Exported:
    """(journey id, pipeline id) -> the pipeline and its stages, as `target` receives them."""
    objects = _TARGET_OBJECTS[target]
    out: Exported = {}
    for j in ws.complete_journeys():
        for p, stages in j.export_pipelines():
            # a pipeline without stages is not exported (the emitters leave it out with a notice)
            if stages and (objects is None or p.object in objects):
                # Pipedrive: won and lost are deal statuses, not stages (crm-formats.md §3.3)
                kept = [s for s in stages if s.is_open] if target == "pipedrive" else stages
                out.setdefault((j.id, p.id), (j, p, list(by_id(kept).values())))
    return out


def crm_impact(base: Workspace, head: Workspace, target: str) -> TargetImpact:
    old, new = exported(base, target), exported(head, target)
    items: list[ImpactItem] = []
    for key in union(old, new):
        if key not in new:
            j, p, stages = old[key]
            items.append(ImpactItem(Level.DESTRUCTIVE, j.id, p.id, None, f"pipeline {p.id} ({quoted(p.name)}) removed:"
                                    f" its {_RECORDS.get(p.object, 'records')} in {_stages(len(stages))} lose their"
                                    " pipeline"))
        elif key not in old:
            j, p, stages = new[key]
            items.append(ImpactItem(Level.SAFE, j.id, p.id, None, f"new pipeline {p.id} ({quoted(p.name)}) with"
                                    f" {_stages(len(stages))}"))
        else:
            items.extend(_pipeline_impact(old[key], new[key], new, target))
    if target == "salesforce":
        items.extend(_deactivated_values(old, new))
    return TargetImpact(target, tuple(items))


def _pipeline_impact(old: tuple[Journey, Pipeline, list[Stage]], new: tuple[Journey, Pipeline, list[Stage]],
                     head: Exported, target: str) -> Iterator[ImpactItem]:
    (oj, op, ostages), (nj, np_, nstages) = old, new
    jid, pid = nj.id, np_.id
    records = _RECORDS.get(np_.object, "records")
    if op.object != np_.object:
        yield ImpactItem(Level.DESTRUCTIVE, jid, pid, None, f"pipeline {pid} changes object from {op.object} to"
                         f" {np_.object}: a new pipeline replaces the old one")
    if op.name != np_.name:
        yield ImpactItem(Level.SAFE, jid, pid, None, f"pipeline {pid} renamed {quoted(op.name)} → {quoted(np_.name)}")
    before, after = {s.id: s for s in ostages}, {s.id: s for s in nstages}
    for s in ostages:
        if s.id not in after:
            to = _destination(s, oj, nj, pid, head)
            where = f" to {_stage_list(to, nj)}" if to else ": the journey does not say where, decide before" \
                " deploying"
            yield ImpactItem(Level.MIGRATION, jid, pid, s.id, f"stage {s.id} ({quoted(s.label)}) removed from pipeline"
                             f" {pid}: open {records} in it must move{where}", tuple(t for t, _ in to))
    for s in nstages:
        if s.id not in before:
            yield ImpactItem(Level.SAFE, jid, pid, s.id, f"new stage {s.id} ({quoted(s.label)}) in pipeline {pid}")
        else:
            yield from _stage_impact(before[s.id], s, jid, pid, records, target)
    common_old = [s.id for s in ostages if s.id in after]
    common_new = [s.id for s in nstages if s.id in before]
    if common_old != common_new:
        yield ImpactItem(Level.SAFE, jid, pid, None, f"stages of pipeline {pid} reordered")


def _stage_impact(a: Stage, b: Stage, jid: str, pid: str, records: str, target: str) -> Iterator[ImpactItem]:
    if a.label != b.label:
        if target == "salesforce":
            # the stage value's API name is its label: a new label is another value
            yield ImpactItem(Level.MIGRATION, jid, pid, b.id, f"stage {b.id} renamed {quoted(a.label)} →"
                             f" {quoted(b.label)}: Salesforce stage values are named by their label,"
                             f" {records} at {quoted(a.label)} must move to {quoted(b.label)}", (b.id,))
        else:
            yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} relabelled {quoted(a.label)} →"
                             f" {quoted(b.label)} (same stage, records stay)")
    if a.outcome != b.outcome:
        yield ImpactItem(Level.MIGRATION, jid, pid, b.id, f"stage {b.id} changes outcome from {_outcome(a)} to"
                         f" {_outcome(b)}: review the {records} in it before deploying")
    pa, pb = crmlimits.probability_of(a), crmlimits.probability_of(b)
    if pa != pb and a.outcome == b.outcome:
        yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} probability {_pct(pa)} → {_pct(pb)}"
                         " (forecast weights change)")
    if target == "pipedrive" and a.sla_days != b.sla_days:
        yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} rotting {_days(a.sla_days)} →"
                         f" {_days(b.sla_days)}")
    if target == "salesforce" and (a.description, a.actions) != (b.description, b.actions):
        yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} Path guidance changes")
    if target == "csv":
        columns = [name for name in _CSV_COLUMNS if getattr(a, name) != getattr(b, name)]
        if columns:
            yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} row changes: {', '.join(columns)}")


#: the stage fields that crm/stages.csv carries besides label, probability and outcome
_CSV_COLUMNS = ("owner", "terminal", "sla_days", "risk", "description")


def _destination(s: Stage, old: Journey, new: Journey, pid: str, head: Exported) -> list[tuple[str, str]]:
    """Where records of a removed exported stage go, if the journey says: (stage id, why)."""
    for (jid, other), (_, _, stages) in head.items():
        if jid == new.id and other != pid and any(t.id == s.id for t in stages):
            return [(s.id, f"now in pipeline {other}")]
    exported_here = {t.id for t in head.get((new.id, pid), (None, None, []))[2]}
    same_term = [t for t in new.stages if t.id != s.id and s.term and t.term and t.term.casefold() ==
                 s.term.casefold() and t.id in exported_here]
    if same_term:
        return [(same_term[0].id, f"took over the term {quoted(s.term)}")]
    out: list[tuple[str, str]] = []
    for e in s.exits:
        if e.to in exported_here and e.to not in [t for t, _ in out]:
            out.append((e.to, "its exit" + (f" when {e.when}" if e.when else "")))
    # open records move to an open stage; a closed one only when the journey offers nothing else
    still_open = [(t, why) for t, why in out if (stage := new.stage(t)) is not None and stage.is_open]
    return still_open or out


def _stage_list(to: list[tuple[str, str]], j: Journey) -> str:
    parts = []
    for sid, why in to:
        stage = j.stage(sid)
        parts.append(f"{sid} ({quoted(stage.label)}, {why})" if stage else f"{sid} ({why})")
    return " or ".join(parts)


def _deactivated_values(old: Exported, new: Exported) -> Iterator[ImpactItem]:
    """Salesforce keeps one picklist per object: a label no pipeline uses any more is deactivated."""
    picklists = {"deal": "OpportunityStage", "lead": "LeadStatus"}
    for obj, picklist in picklists.items():
        after = {s.label.casefold() for _, p, stages in new.values() if p.object == obj for s in stages}
        seen: set[str] = set()
        for j, p, stages in old.values():
            for s in stages:
                key = s.label.casefold()
                if p.object == obj and key not in after and key not in seen:
                    seen.add(key)
                    yield ImpactItem(Level.DESTRUCTIVE, j.id, p.id, s.id, f"{picklist} value {quoted(s.label)} is"
                                     f" deactivated: {_RECORDS[obj]} still at it keep an inactive stage value")


def _stages(n: int) -> str:
    return f"{n} stage{'' if n == 1 else 's'}"




def _outcome(s: Stage) -> str:
    return f"closed {s.outcome}" if s.outcome else "open"


def _pct(value: int | None) -> str:
    return "unset" if value is None else f"{value}%"


def _days(value: int | None) -> str:
    return "off" if value is None else f"after {value} days"


