"""The Mermaid diagram of a changed journey in the Markdown report, drawn by the compiler's own Mermaid emitter."""

from __future__ import annotations

from journeyc.diff import ExitEdge, JourneyDiff
from journeyc.diff.report.common import journey_of
from journeyc.diff.sources import DiffRun
from journeyc.workspace.model import Exit, Journey


def mermaid_diagram(run: DiffRun, j: JourneyDiff) -> str | None:
    """The changed journey drawn by the compiler's Mermaid emitter, with what the diff says marked on it.

    Added stages and exits are highlighted, removed ones (from the base) drawn
    dashed and grey (whatever their risk), changed stages marked; an exit whose
    signal changed is one changed edge (the emitter keys edge classes by
    (from, to), not by signal).
    """
    from journeyc.emitters.mermaid import flowchart

    old, new = journey_of(run.base, j.id), journey_of(run.head, j.id)
    if new is None:
        if old is None:
            return None
        edges = {(s.id, e.to): "removed" for s in old.stages for e in s.exits}
        chart = flowchart(run.base.loaded.workspace, old, node_classes={s.id: "removed" for s in old.stages},
                          edge_classes=edges)
    else:
        gone = [s for sid in j.stages.removed if old is not None and (s := old.stage(sid)) is not None]
        # a removed stage is named in node_classes too: the emitter marks high risk on any stage it is not told about
        nodes = {**{sid: "added" for sid in j.stages.added}, **{c.id: "changed" for c in j.stages.changed},
                 **{new_id: "changed" for _, new_id in j.renamed}, **{s.id: "removed" for s in gone}}
        added = {(e.source, e.to) for e in j.exits_added}
        removed = {(e.source, e.to) for e in j.exits_removed}
        edges = {pair: "changed" if pair in removed else "added" for pair in added}
        before = {new_id: old_id for old_id, new_id in j.renamed}
        extra = [(e.source, x) for e in j.exits_removed if (e.source, e.to) not in added
                 and (x := _base_exit(old, e, before)) is not None]
        chart = flowchart(run.head.loaded.workspace, new, node_classes=nodes, edge_classes=edges,
                          extra_stages=gone, extra_exits=extra)
    legend = "<sub>green: added · grey, dashed: removed · amber: changed</sub>"
    return f"```mermaid\n{chart}```\n{legend}"


def _base_exit(old: Journey | None, edge: ExitEdge, before: dict[str, str]) -> Exit | None:
    """The base's exit behind a removed edge, drawn between the head's ids (a renamed stage under its new id)."""
    stage = old.stage(before.get(edge.source, edge.source)) if old else None
    if stage is None:
        return None
    found = next((e for e in stage.exits if e.to == before.get(edge.to, edge.to) and e.when == edge.when), None)
    return Exit(edge.to, found.when, found.ref) if found else None
