"""JC601-JC604: every stage says when it stagnates, and every decision is unambiguous."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Workspace


@rule("JC601", "stage-sla", Severity.WARNING)
def stage_sla(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Open stage without `sla_days`: nothing tells when a lead is stagnating.

    **Why it matters:** a stage without a time limit is where leads go to be
    forgotten. `sla_days` is the number of days after which a customer in the
    stage is stagnating; the CRM exports use it (Pipedrive rotting days).

    **Anti-pattern**

        - id: sql
          owner: sdr
          exits: [{to: demo, when: demo-booked}]

    **Best practice**

        - id: sql
          owner: sdr
          sla_days: 3
          exits: [{to: demo, when: demo-booked}]
    """
    for j in ws.journeys:
        for s in j.stages:
            if s.terminal or not s.is_open or not s.exits or ws.gaps.any_unknown(s.ref, "outcome"):
                continue  # closed stages need no SLA; a stage without exits is a dead end (JC402)
            if s.sla_days is None and not ws.gaps.cannot_tell_missing(s.ref, "sla_days"):
                yield Finding(s.ref, f"stage {s.id!r} has no sla_days: nothing tells when a lead is stagnating",
                              "add `sla_days: <days>`")


@rule("JC602", "ambiguous-exit", Severity.ERROR)
def ambiguous_exit(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Two exits of one stage share the same `when`: the decision is ambiguous.

    **Why it matters:** when the signal arrives, the customer should move to
    exactly one stage. Two exits on one signal leave the choice to whoever
    updates the CRM, and each team will choose differently.

    **Anti-pattern**

        exits:
          - {to: won, when: contract-signed}
          - {to: onboarding, when: contract-signed}

    **Best practice**

        exits:
          - {to: won, when: contract-signed}
          - {to: lost, when: deal-lost}
    """
    for j in ws.journeys:
        for s in j.stages:
            first: dict[str, str] = {}
            for e in s.exits:
                if e.when is None:
                    continue
                if e.when in first:
                    yield Finding(e.ref.at("when"), f"signal {e.when!r} already leads from {s.id!r} to"
                                  f" {first[e.when]!r}", "give each exit its own signal")
                else:
                    first[e.when] = e.to


@rule("JC603", "risk-playbook", Severity.WARNING)
def risk_playbook(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """High-risk stage with neither `actions` nor `content`.

    **Why it matters:** marking a stage `risk: high` says that customers get
    stuck or lost there. Without a playbook (what to do) or content (what to
    send), the mark is a complaint, not a plan.

    **Anti-pattern**

        - id: security-review
          owner: sales
          risk: high

    **Best practice**

        - id: security-review
          owner: sales
          risk: high
          actions: [Send the security questionnaire answers within 48 hours]
          content: [SOC 2 report, Security FAQ]
    """
    for j in ws.journeys:
        for s in j.stages:
            unsure = ws.gaps.cannot_tell_missing(s.ref, "actions") or ws.gaps.cannot_tell_missing(s.ref, "content")
            if s.risk == "high" and not s.actions and not s.content and not unsure:
                yield Finding(s.ref.at("risk"), f"high-risk stage {s.id!r} has no actions and no content",
                              "add a playbook (`actions:`) or assets (`content:`)")


@rule("JC604", "exit-signal", Severity.WARNING)
def exit_signal(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Exit without a `when` signal.

    **Why it matters:** an exit with no signal moves customers on someone's
    feeling. Naming the observable event makes the move measurable and lets
    the CRM automate it.

    **Anti-pattern**

        exits:
          - to: sql

    **Best practice**

        exits:
          - to: sql
            when: demo-booked
    """
    for j in ws.journeys:
        for s in j.stages:
            for e in s.exits:
                if e.when is None and not ws.gaps.cannot_tell_missing(e.ref, "when"):
                    yield Finding(e.ref, f"exit {s.id} -> {e.to} has no `when` signal",
                                  "add `when: <signal id>`")


@rule("JC605", "unused-signal", Severity.WARNING)
def unused_signal(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Signal declared but used by no exit.

    **Why it matters:** a signal is the event that moves a customer on. One
    that no exit waits for is either a decision the journey forgot (add the
    exit) or a leftover (remove it); either way the map and the CRM disagree
    about what moves a deal.

    **Anti-pattern**

        signals:
          - {id: demo-booked}
          - {id: budget-approved}     # no exit has `when: budget-approved`

    **Best practice**

        signals:
          - {id: demo-booked}
        stages:
          - {id: mql, owner: marketing, exits: [{to: sql, when: demo-booked}]}
    """
    if ws.gaps.usage_unknown:
        return  # an exit that could not be read may use it
    for j in ws.journeys:
        exits = [e for s in j.stages for e in s.exits]
        if (any(e.when is None for e in exits) and ctx.enabled("JC604")) or \
                (any(e.when and j.signal(e.when) is None for e in exits) and ctx.enabled("JC104")):
            continue  # an exit without its signal (JC604) or with a misspelled one (JC104) may be the use
        if ctx.enabled("JC602") and any(len({e.when for e in s.exits if e.when}) < sum(1 for e in s.exits if e.when)
                                        for s in j.stages):
            continue  # two exits on one signal (JC602): one of them was probably meant to wait for this one
        used = {e.when for e in exits}
        for sig in j.signals:
            if sig.id not in used:
                yield Finding(sig.ref.at("id"), f"signal {sig.id!r} is used by no exit",
                              f"add `when: {sig.id}` to the exit it triggers, or remove the signal")


RULES = (stage_sla, ambiguous_exit, risk_playbook, exit_signal, unused_signal)
