"""Semantic comparison of two workspaces: what changed, by identity, and what it means for the CRMs.

Pure: two `Workspace`s in, one `WorkspaceDiff` out; no I/O. Identity is the id
(journeys, stages, signals, pipelines, teams), the case-insensitive label
(terms) or `(from, to, when)` (exits), never a line or a position, so moving
YAML around is no change and reordering stages is a reorder, not remove + add.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from journeyc import crmlimits
from journeyc.model import Journey, Pipeline, Stage, Team, Term, Workspace

JOURNEY_FIELDS = ("name", "owner", "description", "start")
STAGE_FIELDS = ("term", "owner", "description", "sla_days", "probability", "outcome", "risk", "terminal",
                "pipeline", "actions", "content")
SIGNAL_FIELDS = ("description", "source")
PIPELINE_FIELDS = ("name", "object")
TERM_FIELDS = ("term", "definition", "owner", "aliases", "avoid", "see_also")
TEAM_FIELDS = ("name", "function", "contact")
CRM_TARGETS = ("hubspot", "salesforce", "pipedrive", "csv")
TARGET_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive", "csv": "CSV"}
#: which pipeline objects each CRM target exports (None: all); Pipedrive has deal pipelines only
_TARGET_OBJECTS: dict[str, frozenset[str] | None] = {
    "hubspot": frozenset(crmlimits.HUBSPOT_OBJECTS), "salesforce": frozenset({"deal", "lead"}),
    "pipedrive": frozenset({"deal"}), "csv": None,
}
_RECORDS = {"deal": "deals", "lead": "leads", "ticket": "tickets"}
K = TypeVar("K", bound=Hashable)


class Level(enum.IntEnum):
    """How a change lands in a CRM, ordered so that the worst item gives a target's level."""

    NONE = 0
    SAFE = 1
    MIGRATION = 2
    DESTRUCTIVE = 3

    @property
    def label(self) -> str:
        return ("no change", "safe", "needs migration", "destructive")[self]

    @property
    def key(self) -> str:
        return ("none", "safe", "needs-migration", "destructive")[self]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Delta:
    """Items of one kind added, removed (ids or labels, in document order) and changed."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass(frozen=True)
class ExitEdge:
    source: str
    to: str
    when: str | None

    @property
    def text(self) -> str:
        return f"{self.source} → {self.to}" + (f" when {self.when}" if self.when else "")


@dataclass(frozen=True)
class JourneyDiff:
    id: str
    status: str  # added | removed | changed
    name: str
    changes: tuple[FieldChange, ...]
    stages: Delta
    reordered: tuple[tuple[str, ...], tuple[str, ...]] | None
    exits_added: tuple[ExitEdge, ...]
    exits_removed: tuple[ExitEdge, ...]
    signals: Delta
    pipelines: Delta

    @property
    def count(self) -> int:
        return (len(self.changes) + self.stages.count + bool(self.reordered) + len(self.exits_added)
                + len(self.exits_removed) + self.signals.count + self.pipelines.count)

    def rewired(self) -> tuple[tuple[ExitEdge, ...], tuple[ExitEdge, ...]]:
        """Exits added and removed, less those of added or removed stages (they come and go with their stage)."""
        moved = set(self.stages.added) | set(self.stages.removed)
        return (tuple(e for e in self.exits_added if e.source not in moved),
                tuple(e for e in self.exits_removed if e.source not in moved))


@dataclass(frozen=True)
class ImpactItem:
    level: Level
    journey: str
    pipeline: str
    stage: str | None
    message: str
    to: tuple[str, ...] = ()  # where open records should move, when the journey says


@dataclass(frozen=True)
class TargetImpact:
    target: str
    items: tuple[ImpactItem, ...]

    @property
    def level(self) -> Level:
        return max((i.level for i in self.items), default=Level.NONE)


@dataclass(frozen=True)
class Reviewer:
    team: str
    name: str | None
    contact: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class WorkspaceDiff:
    journeys: tuple[JourneyDiff, ...]
    terms: Delta
    teams: Delta
    crm: tuple[TargetImpact, ...] = ()
    reviewers: tuple[Reviewer, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.journeys or self.terms or self.teams)


# --- comparison ----------------------------------------------------------------


def compare(base: Workspace, head: Workspace, targets: Iterable[str] = CRM_TARGETS) -> WorkspaceDiff:
    """Everything that changed from `base` to `head`, its CRM impact per target and who should review."""
    old_j, new_j = _by_id(base.complete_journeys()), _by_id(head.complete_journeys())
    journeys = [d for jid in _union(old_j, new_j) if (d := journey_diff(old_j.get(jid), new_j.get(jid)))]
    terms = _delta(_by(base.terms, lambda t: t.key), _by(head.terms, lambda t: t.key), _term_fields,
                   label=lambda t: t.label)
    teams = _delta(_by_id(base.teams), _by_id(head.teams), lambda t: {f: getattr(t, f) for f in TEAM_FIELDS})
    crm = tuple(crm_impact(base, head, t) for t in CRM_TARGETS if t in set(targets))
    result = WorkspaceDiff(tuple(journeys), terms, teams, crm)
    return replace(result, reviewers=reviewers(base, head, result))


def journey_diff(old: Journey | None, new: Journey | None) -> JourneyDiff | None:
    """One journey's changes (None when it did not change); a missing side is an empty journey."""
    a, b = old or _empty(new), new or _empty(old)
    status = "added" if old is None else "removed" if new is None else "changed"
    stages = _delta(_by_id(a.stages), _by_id(b.stages), _stage_fields)
    order_a = [s for s in _by_id(a.stages) if b.stage(s)]
    order_b = [s for s in _by_id(b.stages) if a.stage(s)]
    reordered = (tuple(order_a), tuple(order_b)) if order_a != order_b else None
    exits_a, exits_b = _exits(a), _exits(b)
    seen_a, seen_b = set(exits_a), set(exits_b)
    diff = JourneyDiff(
        b.id, status, b.name if new else a.name,
        _fields(_journey_fields(a), _journey_fields(b)) if status == "changed" else (),
        stages, reordered,
        tuple(e for e in exits_b if e not in seen_a), tuple(e for e in exits_a if e not in seen_b),
        _delta(_by_id(a.signals), _by_id(b.signals), lambda s: {f: getattr(s, f) for f in SIGNAL_FIELDS}),
        _delta(_by_id(a.pipelines), _by_id(b.pipelines), lambda p: {f: getattr(p, f) for f in PIPELINE_FIELDS}),
    )
    return diff if diff.count or status != "changed" else None


def _empty(like: Journey | None) -> Journey:
    assert like is not None
    return Journey(like.id, like.name, None, None, (), (), (), (), like.ref)


def _journey_fields(j: Journey) -> dict[str, Any]:
    return {f: getattr(j, f) for f in JOURNEY_FIELDS}


def _stage_fields(s: Stage) -> dict[str, Any]:
    return {f: getattr(s, f) for f in STAGE_FIELDS}


def _term_fields(t: Term) -> dict[str, Any]:
    values = {f: getattr(t, f) for f in TERM_FIELDS if f != "term"}
    return {"term": t.label, **values}


def _exits(j: Journey) -> list[ExitEdge]:
    seen: dict[ExitEdge, None] = {}
    for s in _by_id(j.stages).values():
        for e in s.exits:
            seen.setdefault(ExitEdge(s.id, e.to, e.when))
    return list(seen)


def _by(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, Any]:
    """First item per identity (a duplicate is a JC101 error, reported by check)."""
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(key(item), item)
    return out


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return _by(items, lambda item: item.id)


def _union(a: Mapping[K, Any], b: Mapping[K, Any]) -> list[K]:
    """Identities of both sides: head order first, then what only the base had."""
    return list(b) + [k for k in a if k not in b]


def _fields(a: dict[str, Any], b: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(f, a[f], b[f]) for f in a if a[f] != b[f])


def _delta(a: dict[str, Any], b: dict[str, Any], fields_of: Callable[[Any], dict[str, Any]],
           label: Callable[[Any], str] | None = None) -> Delta:
    name = label or (lambda item: item.id)
    changed = [ItemChange(name(b[k]), c) for k in b if k in a and (c := _fields(fields_of(a[k]), fields_of(b[k])))]
    return Delta(tuple(name(b[k]) for k in b if k not in a), tuple(name(a[k]) for k in a if k not in b),
                 tuple(changed))


# --- CRM impact ----------------------------------------------------------------

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
                out.setdefault((j.id, p.id), (j, p, list(_by_id(kept).values())))
    return out


def crm_impact(base: Workspace, head: Workspace, target: str) -> TargetImpact:
    old, new = exported(base, target), exported(head, target)
    items: list[ImpactItem] = []
    for key in _union(old, new):
        if key not in new:
            j, p, stages = old[key]
            items.append(ImpactItem(Level.DESTRUCTIVE, j.id, p.id, None, f"pipeline {p.id} ({_q(p.name)}) removed:"
                                    f" its {_RECORDS.get(p.object, 'records')} in {_stages(len(stages))} lose their"
                                    " pipeline"))
        elif key not in old:
            j, p, stages = new[key]
            items.append(ImpactItem(Level.SAFE, j.id, p.id, None, f"new pipeline {p.id} ({_q(p.name)}) with"
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
        yield ImpactItem(Level.SAFE, jid, pid, None, f"pipeline {pid} renamed {_q(op.name)} → {_q(np_.name)}")
    before, after = {s.id: s for s in ostages}, {s.id: s for s in nstages}
    for s in ostages:
        if s.id not in after:
            to = _destination(s, oj, nj, pid, head)
            where = f" to {_stage_list(to, nj)}" if to else ": the journey does not say where, decide before" \
                " deploying"
            yield ImpactItem(Level.MIGRATION, jid, pid, s.id, f"stage {s.id} ({_q(s.label)}) removed from pipeline"
                             f" {pid}: open {records} in it must move{where}", tuple(t for t, _ in to))
    for s in nstages:
        if s.id not in before:
            yield ImpactItem(Level.SAFE, jid, pid, s.id, f"new stage {s.id} ({_q(s.label)}) in pipeline {pid}")
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
            yield ImpactItem(Level.MIGRATION, jid, pid, b.id, f"stage {b.id} renamed {_q(a.label)} → {_q(b.label)}:"
                             f" Salesforce stage values are named by their label, {records} at {_q(a.label)} must"
                             f" move to {_q(b.label)}", (b.id,))
        else:
            yield ImpactItem(Level.SAFE, jid, pid, b.id, f"stage {b.id} relabelled {_q(a.label)} → {_q(b.label)}"
                             " (same stage, records stay)")
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
        return [(same_term[0].id, f"took over the term {_q(s.term)}")]
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
        parts.append(f"{sid} ({_q(stage.label)}, {why})" if stage else f"{sid} ({why})")
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
                    yield ImpactItem(Level.DESTRUCTIVE, j.id, p.id, s.id, f"{picklist} value {_q(s.label)} is"
                                     f" deactivated: {_RECORDS[obj]} still at it keep an inactive stage value")


def _stages(n: int) -> str:
    return f"{n} stage{'' if n == 1 else 's'}"


def _q(text: str | None) -> str:
    """Text from YAML quoted (and escaped) inside a message."""
    return json.dumps(text, ensure_ascii=False)


def _outcome(s: Stage) -> str:
    return f"closed {s.outcome}" if s.outcome else "open"


def _pct(value: int | None) -> str:
    return "unset" if value is None else f"{value}%"


def _days(value: int | None) -> str:
    return "off" if value is None else f"after {value} days"


# --- reviewers -----------------------------------------------------------------


def reviewers(base: Workspace, head: Workspace, diff: WorkspaceDiff) -> tuple[Reviewer, ...]:
    """The teams a change concerns, each with why: the people the pull request should ask."""
    reasons: dict[str, list[str]] = {}

    def add(team: str | None, why: str) -> None:
        if team and why not in reasons.setdefault(team, []):
            reasons[team].append(why)

    old_j, new_j = _by_id(base.complete_journeys()), _by_id(head.complete_journeys())
    for d in diff.journeys:
        _journey_reviewers(d, old_j.get(d.id), new_j.get(d.id), add)
    old_t, new_t = _by(base.terms, lambda t: t.key), _by(head.terms, lambda t: t.key)
    for label, verb in [(x, "added") for x in diff.terms.added] + [(x, "removed") for x in diff.terms.removed] \
            + [(c.id, "redefined") for c in diff.terms.changed]:
        for side in (old_t.get(label.casefold()), new_t.get(label.casefold())):
            add(side.owner if side else None, f"owns term {_q(label)} ({verb})")
    for c in diff.teams.changed:
        add(c.id, "its team definition changed")
    teams = {**_by_id(base.teams), **_by_id(head.teams)}
    return tuple(_reviewer(tid, teams.get(tid), tuple(reasons[tid])) for tid in sorted(reasons))


def _reviewer(tid: str, team: Team | None, reasons: tuple[str, ...]) -> Reviewer:
    return Reviewer(tid, team.name if team else None, team.contact if team else None, reasons)


def _journey_reviewers(d: JourneyDiff, old: Journey | None, new: Journey | None,
                       add: Callable[[str | None, str], None]) -> None:
    owners = [j.owner for j in (old, new) if j]
    if old and new and old.owner != new.owner:
        add(old.owner, f"former owner of journey {d.id}")
        add(new.owner, f"new owner of journey {d.id}")
    else:
        for owner in owners:
            add(owner, f"owns journey {d.id} ({d.status})")
    for sid in d.stages.added:
        add(_owner(new, sid), f"owns stage {d.id}/{sid} (added)")
    for sid in d.stages.removed:
        add(_owner(old, sid), f"owned stage {d.id}/{sid} (removed)")
    for c in d.stages.changed:
        was, now = _owner(old, c.id), _owner(new, c.id)
        if was != now:
            add(was, f"former owner of stage {d.id}/{c.id}")
            add(now, f"new owner of stage {d.id}/{c.id}")
        else:
            add(now, f"owns stage {d.id}/{c.id} (changed)")
    moved = set(d.stages.added) | set(d.stages.removed)  # their exits come and go with them
    for verb, edges in (("added", d.exits_added), ("removed", d.exits_removed)):
        for e in edges:
            for sid in (e.source, e.to):
                if e.source not in moved and sid not in moved:
                    add(_owner(new, sid) or _owner(old, sid), f"exit {verb} in {d.id}: {e.text}")


def _owner(j: Journey | None, stage_id: str) -> str | None:
    stage = j.stage(stage_id) if j else None
    return stage.owner if stage else None


def counts(diff: WorkspaceDiff) -> dict[str, dict[str, int]]:
    """Totals for the summary line and JSON `summary`."""
    def kind(deltas: Sequence[Delta]) -> dict[str, int]:
        return {"added": sum(len(d.added) for d in deltas), "removed": sum(len(d.removed) for d in deltas),
                "changed": sum(len(d.changed) for d in deltas)}

    js = diff.journeys
    return {
        "journeys": {s: sum(j.status == s for j in js) for s in ("added", "removed", "changed")},
        "stages": {**kind([j.stages for j in js]), "reordered": sum(bool(j.reordered) for j in js)},
        # exits of added or removed stages are counted with their stage
        "exits": {"added": sum(len(j.rewired()[0]) for j in js), "removed": sum(len(j.rewired()[1]) for j in js)},
        "signals": kind([j.signals for j in js]),
        "terms": kind([diff.terms]),
        "teams": kind([diff.teams]),
    }
