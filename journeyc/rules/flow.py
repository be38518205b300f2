"""JC401-JC405: the journey is a sound flow, from its start to a terminal stage."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Journey, Workspace


def reachable(journey: Journey, starts: Iterable[str], *, reverse: bool = False) -> set[str]:
    """Stage ids reachable from `starts` along exits (against them with `reverse`): linear in stages + exits."""
    edges: dict[str, list[str]] = {}
    for s in journey.stages:
        for e in s.exits:
            a, b = (e.to, s.id) if reverse else (s.id, e.to)
            edges.setdefault(a, []).append(b)
    seen = {s for s in starts if journey.stage(s) is not None}
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen and journey.stage(nxt) is not None:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def judged(ws: Workspace) -> tuple[Journey, ...]:
    """The journeys whose flow is known: every stage's id, exits and `terminal` read, every `to` and `start` resolved.

    A stage or exit the schema refused (or a misspelled `exits:`) and an exit
    to a stage that does not exist are reported once, where they are; the
    unreachable stages and dead ends they would cause are not judged. What the
    flow does not depend on (a refused `sla_days`, a description) leaves it known. Found once per workspace: the
    five flow rules ask.
    """
    return ws.derived("flow_judged", lambda w: tuple(_judged(w)))


def _judged(ws: Workspace) -> Iterator[Journey]:
    for j in ws.journeys:
        if ws.gaps.touches(j.ref, "start") or ws.gaps.entries_touched(j.ref, "stages", "id", "exits", "terminal"):
            continue
        if any(j.stage(sid) is None for sid in j.start):
            continue
        if any(j.stage(e.to) is None for s in j.stages for e in s.exits):
            continue
        yield j


@rule("JC401", "unreachable-stage", Severity.ERROR)
def unreachable_stage(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Stage unreachable from the start: no path of exits leads to it.

    **Why it matters:** a stage no customer can enter is either dead (remove
    it) or a missing exit (the journey skips a step the teams really do). The
    start is `start:` or, by default, the first stage.

    **Anti-pattern**

        stages:
          - {id: mql, owner: marketing, exits: [{to: won}]}
          - {id: sql, owner: sdr, exits: [{to: won}]}     # nothing leads here
          - {id: won, owner: sales, outcome: won, terminal: true}

    **Best practice**

        stages:
          - {id: mql, owner: marketing, exits: [{to: sql}]}
          - {id: sql, owner: sdr, exits: [{to: won}]}
          - {id: won, owner: sales, outcome: won, terminal: true}
    """
    for j in judged(ws):
        seen = reachable(j, j.start_ids)
        for s in j.stages:
            if s.id not in seen:
                yield Finding(s.ref, f"stage {s.id!r} cannot be reached from the start ({', '.join(j.start_ids)})",
                              "add an exit to it from an earlier stage, or list it under `start:`")


@rule("JC402", "dead-end", Severity.ERROR)
def dead_end(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Dead end: a non-terminal stage with no exits.

    **Why it matters:** customers who reach it have nowhere to go and nobody
    decided that this is where the journey ends. Either add the exits (with
    their signals) or say that it is an end with `terminal: true`.

    **Anti-pattern**

        - id: proposal
          owner: sales

    **Best practice**

        - id: proposal
          owner: sales
          exits:
            - {to: won, when: contract-signed}
            - {to: lost, when: deal-lost}
    """
    for j in judged(ws):
        for s in j.stages:
            if not s.terminal and not s.exits:
                yield Finding(s.ref, f"stage {s.id!r} has no exits and is not terminal",
                              "add `exits:`, or `terminal: true` if the journey ends here")


@rule("JC403", "terminal-exits", Severity.ERROR)
def terminal_exits(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Terminal stage with exits.

    **Why it matters:** `terminal: true` promises that the journey ends here
    (won, lost, churned). Exits contradict it; one of the two is wrong.

    **Anti-pattern**

        - id: won
          owner: sales
          terminal: true
          exits: [{to: onboarding}]

    **Best practice**

        - id: won
          owner: sales
          exits: [{to: onboarding, when: contract-signed}]
    """
    for j in judged(ws):
        for s in j.stages:
            if s.terminal and s.exits:
                yield Finding(s.ref.at("exits"), f"terminal stage {s.id!r} has exits",
                              "remove the exits, or drop `terminal: true`", key=True)


@rule("JC404", "trap-stage", Severity.WARNING)
def trap_stage(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Trap: a stage from which no terminal stage can be reached.

    **Why it matters:** customers who enter it can loop forever between stages
    without being won, lost or closed: a cycle with no way out. (A stage with
    no exits at all is reported as a dead end, JC402, instead; a journey with
    no terminal stage at all is reported once, at its `stages:`.)

    **Anti-pattern**

        - {id: nurture, owner: marketing, exits: [{to: mql}]}
        - {id: mql, owner: marketing, exits: [{to: nurture}]}

    **Best practice**

        - {id: nurture, owner: marketing, exits: [{to: mql}, {to: disqualified}]}
        - {id: mql, owner: marketing, exits: [{to: nurture}, {to: sql}]}
    """
    for j in judged(ws):
        ends = [s.id for s in j.stages if s.terminal]
        if not ends:
            if any(s.exits for s in j.stages):  # one mistake, said once: not a trap at every stage
                yield Finding(j.ref.at("stages"), f"journey {j.id!r} has no terminal stage: no customer can"
                              " ever leave it", "mark its end stages (won, lost, churned...) `terminal: true`",
                              key=True)
            continue
        escapes = reachable(j, ends, reverse=True)
        for s in j.stages:
            if s.id not in escapes and s.exits:
                yield Finding(s.ref, f"no terminal stage can be reached from stage {s.id!r}",
                              "add an exit that leads to a terminal stage")


@rule("JC405", "no-won-outcome", Severity.WARNING)
def no_won_outcome(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Journey without a `won` outcome.

    **Why it matters:** the CRM needs a closed-won stage to count revenue and
    compute win rates; a journey without one cannot be reported on. (Journeys
    that are not sales, such as support, can silence this in journeyc.yaml.)

    **Anti-pattern**

        - {id: proposal, owner: sales, exits: [{to: signed}]}
        - {id: signed, owner: sales, terminal: true}

    **Best practice**

        - {id: proposal, owner: sales, exits: [{to: won}]}
        - {id: won, term: Closed won, owner: sales, outcome: won, terminal: true}
    """
    for j in judged(ws):
        if any(ws.gaps.any_unknown(s.ref, "outcome") for s in j.stages):
            continue  # a refused outcome (JC004) may be the won one
        if j.stages and not any(s.outcome == "won" for s in j.stages):
            yield Finding(j.ref.at("id"), f"journey {j.id!r} has no stage with `outcome: won`",
                          "add a closed-won stage (`outcome: won`, `terminal: true`)")


RULES = (unreachable_stage, dead_end, terminal_exits, trap_stage, no_won_outcome)
