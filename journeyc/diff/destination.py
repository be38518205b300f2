"""Where the open records of a removed CRM stage should go, when the journey says."""

from __future__ import annotations

from dataclasses import dataclass, field

from journeyc.crm.objects import CrmPipeline
from journeyc.diff.changes import quoted
from journeyc.workspace.model import Journey, Workspace


@dataclass
class Journeys:
    """Both sides' journeys by id, and the stage renames the comparison found (journey -> old id -> new id)."""

    base_ws: Workspace
    head_ws: Workspace
    renames: dict[str, dict[str, str]]
    base: dict[str, Journey] = field(init=False)
    head: dict[str, Journey] = field(init=False)

    def __post_init__(self) -> None:
        self.base = {j.id: j for j in self.base_ws.journeys}
        self.head = {j.id: j for j in self.head_ws.journeys}


def destination(js: Journeys, old: CrmPipeline, new: CrmPipeline, stage_id: str) -> list[tuple[str, str]]:
    """(stage id, why) of the head stages of `new` that take the records: the stage that took over the
    term, else the stage's exits (open stages first: open records move to an open stage)."""
    was, now = js.base.get(old.journey), js.head.get(new.journey)
    stage = was.stage(stage_id) if was else None
    if stage is None or now is None:
        return []
    here = {s.source for s in new.stages}
    term = stage.term.casefold() if stage.term else None
    heir = next((t for t in now.stages if t.id in here and t.id != stage_id and t.term and t.term.casefold() == term),
                None)
    if heir is not None:
        return [(heir.id, f"{quoted(heir.label)}, took over the term {quoted(stage.term)}")]
    renamed = js.renames.get(new.journey, {})
    out: list[tuple[str, str]] = []
    for e in stage.exits:
        to = renamed.get(e.to, e.to)
        target = now.stage(to)
        if to in here and target is not None and to not in [t for t, _ in out]:
            out.append((to, f"{quoted(target.label)}, its exit" + (f" when {e.when}" if e.when else "")))
    still_open = [(t, why) for t, why in out if (s := now.stage(t)) is not None and s.is_open]
    return still_open or out
