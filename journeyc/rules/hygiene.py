"""JC601-JC604: every stage says when it stagnates, and every decision is unambiguous."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Workspace


@rule("JC601", "stage-sla", Severity.WARNING)
def stage_sla(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Non-terminal stage without `sla_days`: nothing tells when a lead is stagnating.

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
    for j in ws.complete_journeys():
        for s in j.stages:
            if not s.terminal and s.sla_days is None:
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
    for j in ws.complete_journeys():
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
    for j in ws.complete_journeys():
        for s in j.stages:
            if s.risk == "high" and not s.actions and not s.content:
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
    for j in ws.complete_journeys():
        for s in j.stages:
            for e in s.exits:
                if e.when is None:
                    yield Finding(e.ref, f"exit {s.id} -> {e.to} has no `when` signal",
                                  "add `when: <signal id>`")


RULES = (stage_sla, ambiguous_exit, risk_playbook, exit_signal)
