"""The JSON report of `journeyc diff` (DESIGN §3): every list sorted, so that the output is stable."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from journeyc.diff import Delta, ExitEdge, FieldChange, ImpactItem, JourneyDiff, counts
from journeyc.diff.report.common import summary
from journeyc.diff.sources import DiffRun


def render_json(run: DiffRun) -> str:
    return json.dumps(as_data(run), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_data(run: DiffRun) -> dict[str, Any]:
    diff = run.diff
    return {
        "base": run.base.label, "head": run.head.label,
        "base_errors": run.base.errors, "head_errors": run.head.errors,
        "unread": [{"side": u.side, "file": u.file, "code": u.code, "line": u.line, "message": u.message}
                   for u in diff.unread],
        "skipped": [{"kind": kind, "id": name} for kind, name in diff.skipped],
        "journeys": [_journey_data(j) for j in sorted(diff.journeys, key=lambda j: j.id)],
        "terms": _delta_data(diff.terms, "term", key=str.casefold),
        "teams": _delta_data(diff.teams, "id"),
        "impact": {
            "level": diff.level.key,
            "crm": {t.target: {"level": t.level.key, "items": sorted(
                (_item(i) for i in t.items),
                key=lambda d: (d["journey"], d["pipeline"], d["stage"] or "", d["message"]))} for t in diff.crm},
            "reviewers": [{"team": r.team, "name": r.name, "contact": r.contact, "reasons": sorted(r.reasons)}
                          for r in diff.reviewers],
        },
        "summary": {"changed": diff.changed, "text": summary(diff), **counts(diff)},
    }


def _item(i: ImpactItem) -> dict[str, Any]:
    return {"level": i.level.key, "journey": i.journey, "pipeline": i.pipeline, "stage": i.stage,
            "message": i.message, "to": list(i.to), "hint": i.hint}


def _journey_data(j: JourneyDiff) -> dict[str, Any]:
    stages = _delta_data(j.stages, "id")
    stages["renamed"] = [{"from": a, "to": b} for a, b in sorted(j.renamed)]
    stages["reordered"] = {"from": list(j.reordered[0]), "to": list(j.reordered[1])} if j.reordered else None
    return {
        "id": j.id, "status": j.status, "name": j.name, "changes": _changes_data(j.changes),
        "stages": stages,
        "exits": {"added": _exits_data(j.exits_added), "removed": _exits_data(j.exits_removed)},
        "signals": _delta_data(j.signals, "id"),
        "pipelines": _delta_data(j.pipelines, "id"),
    }


def _delta_data(d: Delta, name: str, key: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
    return {"added": sorted(d.added, key=key), "removed": sorted(d.removed, key=key),
            "changed": [{name: c.id, "changes": _changes_data(c.changes)}
                        for c in sorted(d.changed, key=lambda c: key(c.id))]}


def _changes_data(changes: tuple[FieldChange, ...]) -> dict[str, Any]:
    return {c.field: {"from": _plain(c.old), "to": _plain(c.new)} for c in changes}


def _exits_data(edges: tuple[ExitEdge, ...]) -> list[dict[str, Any]]:
    return [{"from": e.source, "to": e.to, "when": e.when}
            for e in sorted(edges, key=lambda e: (e.source, e.to, e.when or ""))]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
