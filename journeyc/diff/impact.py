"""What a change means for each CRM target: what `build` would emit for BASE and HEAD, matched by CRM identity.

Each CRM emitter describes the objects it writes (`view`); pipelines and
stages are matched by their identity in the CRM (HubSpot ids, Salesforce
record types and values, pinned Pipedrive ids, else what the file says), so
a relabel or a reorder is safe, a probability change is safe with its effect
on the forecast, and a stage whose identity changed or disappeared is a
migration: its records must move, and journeyc says where when it can.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import TypeVar

from journeyc.crm.objects import CrmPipeline, CrmStage, CrmView
from journeyc.crm.salesforce import ENTITIES
from journeyc.diff.changes import ImpactItem, Level, TargetImpact, quoted
from journeyc.diff.crmwords import REORDER, closed_text, name_of, pin, records_of, stages, value
from journeyc.diff.destination import Journeys, destination
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace

VIEWS = {"hubspot": "journeyc.emitters.hubspot", "salesforce": "journeyc.emitters.salesforce",
         "pipedrive": "journeyc.emitters.pipedrive", "csv": "journeyc.emitters.csv_stages"}
T = TypeVar("T", CrmPipeline, CrmStage)


def view(ws: Workspace, target: str, skip: frozenset[str] = frozenset()) -> CrmView:
    """What `target` holds after a build of `ws`, less the journeys in `skip`."""
    found: CrmView = importlib.import_module(VIEWS[target]).view(ws)
    return CrmView(found.target, tuple(p for p in found.pipelines if p.journey not in skip))


def crm_impact(base: Workspace, head: Workspace, target: str, renames: dict[str, dict[str, str]] | None = None,
               skip: frozenset[str] = frozenset()) -> TargetImpact:
    try:
        old, new = view(base, target, skip), view(head, target, skip)
    except JourneycError as exc:   # a side the emitter refuses (JC505): said, never guessed
        return TargetImpact(target, (ImpactItem(Level.MIGRATION, "", "", None, f"not assessed: {exc}"),))
    journeys = Journeys(base, head, renames or {})
    items: list[ImpactItem] = []
    pairs, gone, added = match(old.pipelines, new.pipelines)
    for o in gone:
        n = next((n for n in added if (n.journey, n.pipeline) == (o.journey, o.pipeline)), None)
        if n is None:
            items.append(ImpactItem(Level.DESTRUCTIVE, o.journey, o.pipeline, None, f"pipeline {o.pipeline}"
                                    f" ({quoted(o.label)}) removed: its {records_of(target, o.object)} in"
                                    f" {stages(len(o.stages))} lose their pipeline"))
            continue
        added.remove(n)
        pairs.append((o, n))
        items.append(ImpactItem(Level.MIGRATION, n.journey, n.pipeline, None, f"pipeline {n.pipeline}: its"
                                f" {name_of(target, 'pipeline', o)} changes {quoted(o.shown)} → {quoted(n.shown)}:"
                                f" a new pipeline replaces the old one, its {records_of(target, n.object)} must move",
                                hint=pin(target, "pipeline", o, n.pipeline)))
    for n in added:
        items.append(ImpactItem(Level.SAFE, n.journey, n.pipeline, None, f"new pipeline {n.pipeline}"
                                f" ({quoted(n.label)}) with {stages(len(n.stages))}"))
    for o, n in pairs:
        items.extend(_pipeline(target, o, n, new, journeys))
    if target == "salesforce":
        items.extend(_deactivated(old, new))
    return TargetImpact(target, tuple(items))


def match(old: Sequence[T], new: Sequence[T]) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs with one identity in common, strongest identity first; then what is left of each side."""
    pairs: list[tuple[T, T]] = []
    left_old, left_new = list(old), list(new)
    for level in range(max((len(x.keys) for x in [*old, *new]), default=0)):
        index: dict[str, list[T]] = {}
        for n in left_new:
            if len(n.keys) > level:
                index.setdefault(n.keys[level], []).append(n)
        still = []
        for o in left_old:
            candidates = index.get(o.keys[level], []) if len(o.keys) > level else []
            if candidates:
                n = candidates.pop(0)
                pairs.append((o, n))
                left_new = [x for x in left_new if x is not n]
            else:
                still.append(o)
        left_old = still
    return pairs, left_old, left_new


def _pipeline(target: str, o: CrmPipeline, n: CrmPipeline, new: CrmView, journeys: Journeys) -> Iterator[ImpactItem]:
    jid, pid, records = n.journey, n.pipeline, records_of(target, n.object)
    if o.label != n.label:
        yield ImpactItem(Level.SAFE, jid, pid, None, f"pipeline {pid} relabelled {quoted(o.label)} →"
                         f" {quoted(n.label)} (same pipeline, records stay)")
    for (name, a), (_, b) in zip(o.fields, n.fields, strict=True):
        if a != b:
            yield ImpactItem(Level.SAFE, jid, pid, None, f"pipeline {pid} {name}: {value(a)} → {value(b)}")
    pairs, gone, added = match(o.stages, n.stages)
    renamed = journeys.renames.get(jid, {})
    for so in gone:
        sn = next((s for s in added if s.source == renamed.get(so.source, so.source)), None)
        if sn is not None:
            added = [s for s in added if s is not sn]
            yield _identity_changed(target, n, so, sn, records)
        else:
            yield _gone(o, n, so, new, journeys, records)
    for sn in added:
        yield ImpactItem(Level.SAFE, jid, pid, sn.source, f"new stage {sn.source} ({quoted(sn.label)}) in pipeline"
                         f" {pid}")
    for so, sn in pairs:
        yield from _stage(target, n, so, sn, records)
    before = [id(sn) for so, sn in sorted(pairs, key=lambda p: o.stages.index(p[0]))]
    after = [id(sn) for so, sn in sorted(pairs, key=lambda p: n.stages.index(p[1]))]
    if before != after:
        order = ", ".join(s.source for s in n.stages if any(s is sn for _, sn in pairs))
        yield ImpactItem(Level.SAFE, jid, pid, None, f"stages of pipeline {pid} reordered: {order}{REORDER[target]}")



def _gone(o: CrmPipeline, n: CrmPipeline, so: CrmStage, new: CrmView, journeys: Journeys, records: str) -> ImpactItem:
    """A stage whose identity is gone from its pipeline: it moved to another pipeline, or its records must move."""
    jid, pid = n.journey, n.pipeline
    moved = next((p for p in new.pipelines if p is not n and any(so.identity in s.keys for s in p.stages)), None)
    if moved is not None:
        return ImpactItem(Level.MIGRATION, jid, pid, so.source, f"stage {so.source} ({quoted(so.label)}) moves to"
                          f" pipeline {moved.pipeline}: open {records} in it must move with it")
    to = destination(journeys, o, n, so.source)
    where = " to " + " or ".join(f"{sid} ({why})" for sid, why in to) if to else \
        ": the journey does not say where, decide before deploying"
    return ImpactItem(Level.MIGRATION, jid, pid, so.source, f"stage {so.source} ({quoted(so.label)}) removed from"
                      f" pipeline {pid}: open {records} in it must move{where}", tuple(sid for sid, _ in to))


def _identity_changed(target: str, p: CrmPipeline, so: CrmStage, sn: CrmStage, records: str) -> ImpactItem:
    what = name_of(target, "stage", p)
    head = f"stage {so.source} renamed {sn.source}" if so.source != sn.source else f"stage {sn.source}"
    return ImpactItem(Level.MIGRATION, p.journey, p.pipeline, sn.source, f"{head} ({quoted(sn.label)}): its {what}"
                      f" changes {quoted(so.shown)} → {quoted(sn.shown)}: open {records} at the old one must move",
                      (sn.source,), pin(target, "stage", so, sn.source))


def _stage(target: str, p: CrmPipeline, so: CrmStage, sn: CrmStage, records: str) -> Iterator[ImpactItem]:
    jid, pid, sid = p.journey, p.pipeline, sn.source
    if so.source != sn.source:
        yield ImpactItem(Level.SAFE, jid, pid, sid, f"stage {so.source} renamed {sid}: its"
                         f" {name_of(target, 'stage', p)} {quoted(sn.shown)} stays (records stay)")
    if so.label != sn.label:
        yield ImpactItem(Level.SAFE, jid, pid, sid, f"stage {sid} relabelled {quoted(so.label)} → {quoted(sn.label)}"
                         " (same stage, records stay)")
    if so.closed != sn.closed:
        yield ImpactItem(Level.MIGRATION, jid, pid, sid, f"stage {sid} changes from {closed_text(so)} to"
                         f" {closed_text(sn)}: review the {records} in it before deploying")
    elif so.percent != sn.percent and so.percent is not None and sn.percent is not None:
        yield ImpactItem(Level.SAFE, jid, pid, sid, f"stage {sid} probability {so.percent}% → {sn.percent}% (forecast:"
                         f" open {records} at it count for {sn.percent}% of their amount, not {so.percent}%)")
    changed = [(name, a, b) for (name, a), (_, b) in zip(so.fields, sn.fields, strict=True) if a != b]
    if target == "csv" and changed:
        yield ImpactItem(Level.SAFE, jid, pid, sid, f"stage {sid} row changes: {', '.join(c[0] for c in changed)}")
        return
    for name, a, b in changed:
        text = f"{name} changes" if name.endswith("guidance") else f"{name} {value(a)} → {value(b)}"
        yield ImpactItem(Level.SAFE, jid, pid, sid, f"stage {sid} {text}")


def _deactivated(old: CrmView, new: CrmView) -> Iterator[ImpactItem]:
    """Salesforce keeps one picklist per object: a value no pipeline uses any more is deactivated."""
    after = {k for p in new.pipelines for s in p.stages for k in s.keys}
    seen: set[str] = set()
    for p in old.pipelines:
        for s in p.stages:
            if s.identity not in after and s.identity not in seen:
                seen.add(s.identity)
                yield ImpactItem(Level.DESTRUCTIVE, p.journey, p.pipeline, s.source,
                                 f"{ENTITIES[p.object].value_set} value {quoted(s.shown)} is deactivated:"
                                 f" {records_of('salesforce', p.object)} still at it keep an inactive stage value")
