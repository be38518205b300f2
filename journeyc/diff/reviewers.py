"""Who should review a change: old and new owners, owners of redefined terms, journey owners."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from journeyc.diff.changes import Delta, JourneyDiff, Reviewer, WorkspaceDiff, by, by_id, quoted
from journeyc.workspace.model import Journey, Team, Workspace


def reviewers(base: Workspace, head: Workspace, diff: WorkspaceDiff) -> tuple[Reviewer, ...]:
    """The teams a change concerns, each with why: the people the pull request should ask."""
    reasons: dict[str, list[str]] = {}

    def add(team: str | None, why: str) -> None:
        if team and why not in reasons.setdefault(team, []):
            reasons[team].append(why)

    old_j, new_j = by_id(base.journeys), by_id(head.journeys)
    for d in diff.journeys:
        _journey_reviewers(d, old_j.get(d.id), new_j.get(d.id), add)
    old_t, new_t = by(base.terms, lambda t: t.key), by(head.terms, lambda t: t.key)
    for label, verb in [(x, "added") for x in diff.terms.added] + [(x, "removed") for x in diff.terms.removed] \
            + [(c.id, "redefined") for c in diff.terms.changed]:
        for side in (old_t.get(label.casefold()), new_t.get(label.casefold())):
            add(side.owner if side else None, f"owns term {quoted(label)} ({verb})")
    for c in diff.teams.changed:
        add(c.id, "its team definition changed")
    teams = {**by_id(base.teams), **by_id(head.teams)}
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
    for old_id, new_id in d.renamed:
        add(_owner(new, new_id), f"owns stage {d.id}/{new_id} (renamed from {old_id})")
    for sid in d.stages.added:
        add(_owner(new, sid), f"owns stage {d.id}/{sid} (added)")
    for sid in d.stages.removed:
        add(_owner(old, sid), f"owned stage {d.id}/{sid} (removed)")
    before = {new_id: old_id for old_id, new_id in d.renamed}
    for c in d.stages.changed:
        was, now = _owner(old, before.get(c.id, c.id)), _owner(new, c.id)
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
        "stages": {**kind([j.stages for j in js]), "renamed": sum(len(j.renamed) for j in js),
                   "reordered": sum(bool(j.reordered) for j in js)},
        # every exit of the journeys' arrays, those of added or removed stages included
        "exits": {"added": sum(len(j.exits_added) for j in js), "removed": sum(len(j.exits_removed) for j in js)},
        "signals": kind([j.signals for j in js]),
        "terms": kind([diff.terms]),
        "teams": kind([diff.teams]),
    }

