"""JC507: won deals that move on to an open stage of their own deal pipeline would be reopened in the CRM."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.crm import limits as lim
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Stage, Workspace


@rule("JC507", "reopened-deal", Severity.ERROR)
def reopened_deal(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """An open stage that won deals move on to, in the same deal pipeline: the CRM would reopen them.

    **Why it matters:** in a CRM, a deal pipeline ends at closed won. A stage
    that won deals move on to (Onboarding, Renewal) in the same pipeline makes
    every such deal an open deal again: it leaves the won revenue and comes back
    into the forecast. After-sale stages belong in a pipeline of their own.
    Concerns the journeys exported to HubSpot, Salesforce or Pipedrive.

    **Anti-pattern**

        stages:                       # no pipelines: one deal pipeline
          - {id: won, term: Closed won, owner: sales, outcome: won, exits: [{to: onboarding}]}
          - {id: onboarding, owner: cs, exits: [{to: renewal}]}

    **Best practice**

        pipelines:
          - {id: sales, object: deal}
          - {id: customers, object: deal}
        stages:
          - {id: won, term: Closed won, owner: sales, outcome: won, pipeline: sales, exits: [{to: onboarding}]}
          - {id: onboarding, owner: cs, pipeline: customers, exits: [{to: renewal}]}
    """
    if not any(t in ctx.targets for t in lim.CRM_TARGETS):
        return
    for e in crm_pipelines(ws):
        if e.pipeline.object != "deal" or any(ws.gaps.any_unknown(s.ref, "outcome") for s in e.stages):
            continue  # a refused outcome (JC004) may be the won stage, or make one
        reached = _reopened(e)
        moved = [s for s in e.stages if s.id in reached]
        for stage in moved:
            won = reached[stage.id]
            yield Finding(stage.ref.at("id"), f"open stage {stage.id!r} follows won stage {won.id!r} in deal"
                          f" pipeline {e.key}: the won deals that move on to it are reopened in the CRM",
                          _split(e, won, moved))


def _reopened(e: Exported) -> dict[str, Stage]:
    """The pipeline's open stages that one of its won stages leads to (through the journey's exits): by which."""
    members = {s.id for s in e.stages if s.is_open}
    out: dict[str, Stage] = {}
    for won in (s for s in e.stages if s.outcome == "won" and not s.terminal):  # a terminal one's exits: JC403
        seen: set[str] = set()
        todo = [x.to for x in won.exits]
        while todo:
            sid = todo.pop()
            stage = e.journey.stage(sid)
            if sid in seen or stage is None:
                continue
            seen.add(sid)
            todo.extend(x.to for x in stage.exits)
        for sid in sorted(seen & members):
            out.setdefault(sid, won)
    return out


def _split(e: Exported, won: Stage, moved: list[Stage]) -> str:
    names = ", ".join(repr(s.id) for s in moved)
    if e.pipeline.implicit:
        return ("split the journey with `pipelines:`, e.g. `pipelines: [{id: sales, object: deal}, {id: customers,"
                f" object: deal}}]`, then `pipeline: sales` on the stages up to {won.id!r} and `pipeline: customers`"
                f" on {names}")
    return (f"move {names} to a pipeline of their own: add `{{id: customers, object: deal}}` under `pipelines:`"
            " and set `pipeline: customers` on them")
