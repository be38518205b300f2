"""The comparison by identity: journeys, stages (and their renames), exits, signals, pipelines, terms, teams."""

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
    Unread,
    WorkspaceDiff,
    by,
    by_id,
    union,
)
from journeyc.diff.impact import crm_impact
from journeyc.diff.readable import Readable
from journeyc.diff.reviewers import reviewers
from journeyc.workspace.model import Journey, Stage, Term, Workspace


def compare(base: Workspace, head: Workspace, targets: Iterable[str] = CRM_TARGETS,
            unread: tuple[Unread, ...] = ()) -> WorkspaceDiff:
    """Everything that changed from `base` to `head`, its CRM impact per target and who should review.

    What a side could not read (`unread`: its files with loading or schema
    errors) is left out of the comparison on both sides, never reported as
    removed or added: `skipped` names it.
    """
    seen = Readable(base, head, unread)
    old_j, new_j = seen.keep("journey", by_id(base.journeys), by_id(head.journeys))
    journeys = [d for jid in union(old_j, new_j) if (d := journey_diff(old_j.get(jid), new_j.get(jid)))]
    old_t, new_t = seen.keep("term", by(base.terms, lambda t: t.key), by(head.terms, lambda t: t.key))
    terms = _delta(old_t, new_t, _term_fields, label=lambda t: t.label)
    old_m, new_m = seen.keep("team", by_id(base.teams), by_id(head.teams))
    teams = _delta(old_m, new_m, lambda t: {f: getattr(t, f) for f in TEAM_FIELDS})
    renames = {d.id: dict(d.renamed) for d in journeys if d.renamed}
    skip = frozenset(jid for kind, jid in seen.skipped if kind == "journey")
    crm = tuple(crm_impact(base, head, t, renames, skip) for t in CRM_TARGETS if t in set(targets))
    result = WorkspaceDiff(tuple(journeys), terms, teams, crm, unread=unread, skipped=tuple(seen.skipped))
    return replace(result, reviewers=reviewers(base, head, result))


def journey_diff(old: Journey | None, new: Journey | None) -> JourneyDiff | None:
    """One journey's changes (None when it did not change); a missing side is an empty journey."""
    a, b = old or _empty(new), new or _empty(old)
    status = "added" if old is None else "removed" if new is None else "changed"
    renamed = renames(a, b)
    after = {old_id: new_id for old_id, new_id in renamed}
    stages = _delta({after.get(k, k): v for k, v in by_id(a.stages).items()}, by_id(b.stages), _stage_fields)
    order_a = [after.get(s, s) for s in by_id(a.stages) if b.stage(after.get(s, s))]
    order_b = [s for s in by_id(b.stages) if s in {after.get(x, x) for x in by_id(a.stages)}]
    reordered = (tuple(order_a), tuple(order_b)) if order_a != order_b else None
    exits_a, exits_b = _exits(a, after), _exits(b, {})
    seen_a, seen_b = set(exits_a), set(exits_b)
    diff = JourneyDiff(
        b.id, status, b.name if new else a.name,
        _fields(_journey_fields(a), _journey_fields(b)) if status == "changed" else (),
        stages, reordered,
        tuple(e for e in exits_b if e not in seen_a), tuple(e for e in exits_a if e not in seen_b),
        _delta(by_id(a.signals), by_id(b.signals), lambda s: {f: getattr(s, f) for f in SIGNAL_FIELDS}),
        _delta(by_id(a.pipelines), by_id(b.pipelines), lambda p: {f: getattr(p, f) for f in PIPELINE_FIELDS}),
        tuple(renamed),
    )
    return diff if diff.count or status != "changed" else None


def renames(a: Journey, b: Journey) -> list[tuple[str, str]]:
    """(old id, new id) of the stages that only changed id: same term, label, owner and exits, one to one."""
    gone = [s for s in by_id(a.stages).values() if b.stage(s.id) is None]
    new = [s for s in by_id(b.stages).values() if a.stage(s.id) is None]

    def alike(x: Stage, y: Stage) -> bool:
        return (x.term, x.label, x.owner) == (y.term, y.label, y.owner)

    pairs = [(x, y) for x in gone for y in new if alike(x, y)]
    once = [(x, y) for x, y in pairs if sum(p[0] is x for p in pairs) == 1 and sum(p[1] is y for p in pairs) == 1]
    after = {x.id: y.id for x, y in once}
    # exits are compared with the renames applied, so that two renamed neighbours still match
    return [(x.id, y.id) for x, y in once if _exit_set(x, after) == _exit_set(y, {})]


def _exit_set(stage: Stage, after: dict[str, str]) -> set[tuple[str, str | None]]:
    return {(after.get(e.to, e.to), e.when) for e in stage.exits}


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


def _exits(j: Journey, after: dict[str, str]) -> list[ExitEdge]:
    """Exits by (from, to, when), with the base's renamed stage ids given their new ids."""
    seen: dict[ExitEdge, None] = {}
    for s in by_id(j.stages).values():
        for e in s.exits:
            seen.setdefault(ExitEdge(after.get(s.id, s.id), after.get(e.to, e.to), e.when))
    return list(seen)


def _fields(a: dict[str, Any], b: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(f, a[f], b[f]) for f in a if a[f] != b[f])


def _delta(a: dict[str, Any], b: dict[str, Any], fields_of: Callable[[Any], dict[str, Any]],
           label: Callable[[Any], str] | None = None) -> Delta:
    name = label or (lambda item: item.id)
    changed = [ItemChange(name(b[k]), c) for k in b if k in a and (c := _fields(fields_of(a[k]), fields_of(b[k])))]
    return Delta(tuple(name(b[k]) for k in b if k not in a), tuple(name(a[k]) for k in a if k not in b),
                 tuple(changed))
