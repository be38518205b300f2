"""The comparison by identity: journeys, stages, exits, signals, pipelines, terms, teams."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from journeyc.diff.changes import (
    CRM_TARGETS,
    JOURNEY_FIELDS,
    PIPELINE_FIELDS,
    SIGNAL_FIELDS,
    STAGE_FIELDS,
    TEAM_FIELDS,
    TERM_FIELDS,
    Delta,
    ExitEdge,
    FieldChange,
    ItemChange,
    JourneyDiff,
    WorkspaceDiff,
    by,
    by_id,
    union,
)
from journeyc.diff.impact import crm_impact
from journeyc.diff.reviewers import reviewers
from journeyc.workspace.model import Journey, Stage, Term, Workspace


def compare(base: Workspace, head: Workspace, targets: Iterable[str] = CRM_TARGETS) -> WorkspaceDiff:
    """Everything that changed from `base` to `head`, its CRM impact per target and who should review."""
    old_j, new_j = by_id(base.complete_journeys()), by_id(head.complete_journeys())
    journeys = [d for jid in union(old_j, new_j) if (d := journey_diff(old_j.get(jid), new_j.get(jid)))]
    terms = _delta(by(base.terms, lambda t: t.key), by(head.terms, lambda t: t.key), _term_fields,
                   label=lambda t: t.label)
    teams = _delta(by_id(base.teams), by_id(head.teams), lambda t: {f: getattr(t, f) for f in TEAM_FIELDS})
    crm = tuple(crm_impact(base, head, t) for t in CRM_TARGETS if t in set(targets))
    result = WorkspaceDiff(tuple(journeys), terms, teams, crm)
    return replace(result, reviewers=reviewers(base, head, result))


def journey_diff(old: Journey | None, new: Journey | None) -> JourneyDiff | None:
    """One journey's changes (None when it did not change); a missing side is an empty journey."""
    a, b = old or _empty(new), new or _empty(old)
    status = "added" if old is None else "removed" if new is None else "changed"
    stages = _delta(by_id(a.stages), by_id(b.stages), _stage_fields)
    order_a = [s for s in by_id(a.stages) if b.stage(s)]
    order_b = [s for s in by_id(b.stages) if a.stage(s)]
    reordered = (tuple(order_a), tuple(order_b)) if order_a != order_b else None
    exits_a, exits_b = _exits(a), _exits(b)
    seen_a, seen_b = set(exits_a), set(exits_b)
    diff = JourneyDiff(
        b.id, status, b.name if new else a.name,
        _fields(_journey_fields(a), _journey_fields(b)) if status == "changed" else (),
        stages, reordered,
        tuple(e for e in exits_b if e not in seen_a), tuple(e for e in exits_a if e not in seen_b),
        _delta(by_id(a.signals), by_id(b.signals), lambda s: {f: getattr(s, f) for f in SIGNAL_FIELDS}),
        _delta(by_id(a.pipelines), by_id(b.pipelines), lambda p: {f: getattr(p, f) for f in PIPELINE_FIELDS}),
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
    for s in by_id(j.stages).values():
        for e in s.exits:
            seen.setdefault(ExitEdge(s.id, e.to, e.when))
    return list(seen)








def _fields(a: dict[str, Any], b: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(f, a[f], b[f]) for f in a if a[f] != b[f])


def _delta(a: dict[str, Any], b: dict[str, Any], fields_of: Callable[[Any], dict[str, Any]],
           label: Callable[[Any], str] | None = None) -> Delta:
    name = label or (lambda item: item.id)
    changed = [ItemChange(name(b[k]), c) for k in b if k in a and (c := _fields(fields_of(a[k]), fields_of(b[k])))]
    return Delta(tuple(name(b[k]) for k in b if k not in a), tuple(name(a[k]) for k in a if k not in b),
                 tuple(changed))


