"""JC301-JC303: every stage has an accountable team, and handoffs have a deadline."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Workspace


@rule("JC301", "stage-owner", Severity.ERROR)
def stage_owner(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Stage without an owner: every stage needs an accountable team.

    **Why it matters:** leads stagnate in the stages nobody owns. When a
    customer sits in a stage, exactly one team must be the one to act, to be
    asked, and to be measured on how long it takes.

    **Anti-pattern**

        - id: onboarding
          term: Onboarding
          sla_days: 30

    **Best practice**

        - id: onboarding
          term: Onboarding
          owner: customer-success
          sla_days: 30
    """
    for j in ws.journeys:
        for s in j.stages:
            # an owner modelled is one written: the data, which a check may have let go, is read only without
            if not s.owner and s.ref.at("owner").value() in (None, "") and \
                    not ws.gaps.cannot_tell_missing(s.ref, "owner"):
                yield Finding(s.ref, f"stage {s.id!r} has no owner: every stage needs an accountable team,"
                              " or customers stagnate in it with nobody to act",
                              "add `owner: <team id>`")


@rule("JC302", "handoff-sla", Severity.WARNING)
def handoff_sla(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Handoff without SLA: an exit to a stage owned by another team, from a stage with no `sla_days`.

    **Why it matters:** handoffs between teams are where customers get lost:
    Marketing thinks Sales has the lead, Sales has not seen it yet. A handoff
    needs a deadline so that a stalled one is noticed. (While JC601 runs, it
    reports an open stage's missing `sla_days` once; this rule then speaks
    only of the handoffs JC601 does not cover, such as a won stage's.)

    **Anti-pattern**

        - id: mql
          owner: marketing
          exits: [{to: sql, when: demo-booked}]   # sql is owned by sdr
        - id: sql
          owner: sdr

    **Best practice**

        - id: mql
          owner: marketing
          sla_days: 5
          exits: [{to: sql, when: demo-booked}]
    """
    for j in ws.journeys:
        for s in j.stages:
            if s.sla_days is not None or not s.owner or s.terminal or ws.gaps.cannot_tell_missing(s.ref, "sla_days") \
                    or ws.gaps.any_unknown(s.ref, "outcome"):
                continue  # an outcome refused (JC004): whether JC601 or this rule speaks cannot be told
            if ctx.enabled("JC601") and s.is_open and s.exits:
                continue  # JC601 reports the missing sla_days of the stage itself: one mistake, one diagnostic
            for e in s.exits:
                target = j.stage(e.to)
                if target is not None and target.owner and target.owner != s.owner and \
                        not ws.gaps.unknown(target.ref.at("owner")):
                    yield Finding(e.ref, f"handoff from {s.owner!r} to {target.owner!r} ({s.id} -> {target.id})"
                                  " has no SLA", f"set `sla_days` on stage {s.id!r}")


@rule("JC303", "idle-team", Severity.INFO)
def idle_team(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Team that owns nothing: no journey, stage or term names it as owner.

    **Why it matters:** either the team is missing from the journeys (a gap in
    the map, often Customer Success after the sale) or it no longer exists.

    **Anti-pattern**

        teams:
          - {id: partnerships, name: Partnerships, function: sales}   # owns nothing

    **Best practice**

        stages:
          - id: partner-referral
            owner: partnerships
    """
    if ws.gaps.usage_unknown:
        return  # what could not be read may name it
    if not ws.journeys and ctx.enabled("JC007"):
        return  # a workspace without journeys (JC007): one warning says it
    owners = {t.owner for t in ws.terms}
    for j in ws.journeys:
        owners.add(j.owner)
        owners.update(s.owner for s in j.stages)
    if ctx.enabled("JC102") and any(o and ws.team(o) is None for o in owners):
        return  # an unknown owner (JC102) may be a misspelling of the team that looks idle
    for team in ws.teams:
        if team.id not in owners:
            yield Finding(team.ref.at("id"), f"team {team.id!r} owns no journey, stage or term",
                          "give it the stages it is accountable for, or remove it")


RULES = (stage_owner, handoff_sla, idle_team)
