"""JC501, JC502, JC506: the probabilities the CRMs get make sense, and every one is written or said."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.crm import limits as lim
from journeyc.crm.pipelines import crm_pipelines
from journeyc.crm.probability import hubspot_probability, percents
from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Workspace


@rule("JC501", "closed-probability", Severity.ERROR)
def closed_probability(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Closed-stage probability: a `won` stage must be 100 and a `lost` stage 0.

    **Why it matters:** the CRM forecasts revenue from stage probabilities. A
    won deal at 90% or a lost deal at 10% puts money in the forecast that will
    never come, or hides money that did.

    **Anti-pattern**

        - {id: won, owner: sales, outcome: won, probability: 90, terminal: true}

    **Best practice**

        - {id: won, owner: sales, outcome: won, probability: 100, terminal: true}
    """
    expected = {"won": 100, "lost": 0}
    for j in ws.journeys:
        for s in j.stages:
            if s.outcome in expected and s.probability is not None and s.probability != expected[s.outcome]:
                want = expected[s.outcome]
                yield Finding(s.ref.at("probability"), f"{s.outcome} stage {s.id!r} has probability"
                              f" {s.probability}, not {want}", f"set `probability: {want}` or remove it")


@rule("JC502", "falling-probability", Severity.WARNING)
def falling_probability(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Probability falls along an exit between two open stages.

    **Why it matters:** moving forward in a journey should not make a deal less
    likely to close; a drop usually means two stages are in the wrong order or
    one probability is a typo. (Exits to closed stages are not concerned: a
    lost outcome is 0 by definition; nor are exits back to a stage written
    earlier in the journey: a rejection or a loop may lower the odds.)

    **Anti-pattern**

        - {id: demo, owner: sales, probability: 40, exits: [{to: proposal}]}
        - {id: proposal, owner: sales, probability: 20}

    **Best practice**

        - {id: demo, owner: sales, probability: 20, exits: [{to: proposal}]}
        - {id: proposal, owner: sales, probability: 40}
    """
    for j in ws.journeys:
        order = {s.id: i for i, s in reversed(list(enumerate(j.stages)))}
        for s in j.stages:
            if not s.is_open or s.probability is None or ws.gaps.any_unknown(s.ref, "outcome"):
                continue
            for e in s.exits:
                t = j.stage(e.to)
                if t is None or order[t.id] < order[s.id] or ws.gaps.any_unknown(t.ref, "outcome"):
                    continue  # a step back to an earlier stage (a rejection, a loop) may lower the odds
                if t.is_open and t.probability is not None and t.probability < s.probability:
                    yield Finding(e.ref, f"probability falls from {s.probability}% ({s.id}) to"
                                  f" {t.probability}% ({t.id})",
                                  "check the order of the stages and their probabilities")


@rule("JC506", "crm-number", Severity.WARNING)
def crm_number(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """A probability a CRM gets that the YAML does not state: derived by journeyc's rule, or changed to fit.

    **Why it matters:** a stage probability weighs every open deal in the
    forecast. A number nobody wrote, or one the CRM rounded, must be seen in
    the pull request. journeyc's rule: an open stage without `probability:`
    takes the nearest earlier open stage's of its deal pipeline, else 10%; won
    is 100% and lost 0%. HubSpot then takes steps of 10% (journeyc rounds half
    up: 25% gives 30%) and never 0% or 100% on an open stage (it reads them as
    closed lost and won: journeyc sends 10% and 90%). Only the targets enabled
    in `build.targets` (or named by `build --target`) are concerned.

    **Anti-pattern**

        - {id: demo, owner: sales, probability: 25, exits: [{to: onboarding}]}
        - {id: onboarding, owner: cs, exits: [{to: won}]}   # gets 25%, and HubSpot 30%

    **Best practice**

        - {id: demo, owner: sales, probability: 30, exits: [{to: onboarding}]}
        - {id: onboarding, owner: cs, probability: 40, exits: [{to: won}]}
    """
    needs = [t for t in lim.PROBABILITY_TARGETS if t in ctx.targets]
    if not needs:
        return
    names = _names(needs)
    for e in crm_pipelines(ws):
        if e.pipeline.object != "deal":
            continue
        if any(ws.gaps.any_unknown(s.ref, "probability", "outcome") for s in e.stages):
            continue  # a refused probability or outcome (JC004): the numbers of the pipeline cannot be told
        for stage, p in zip(e.stages, percents(e.stages), strict=True):
            where = stage.ref.at("probability") if stage.probability is not None else stage.ref.at("id")
            if p.derived:
                verb = "gets" if len(needs) == 1 else "get"
                yield Finding(where, f"stage {stage.id!r} has no probability: {names} {verb} {p.value}% ({p.how})",
                              f"write `probability: {p.value}` on the stage to say so, or the value you mean")
            fitted = hubspot_probability(p.value, stage.outcome) if "hubspot" in needs else None
            if fitted is not None and fitted.change:
                yield Finding(where, f"HubSpot gets {fitted.percent}% for stage {stage.id!r}, not {p.value}%",
                              f"{fitted.change}; {_write(p.value)}")


def _names(targets: list[str]) -> str:
    names = [lim.TARGET_NAMES[t] for t in targets]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _write(percent: int) -> str:
    if percent == 0:
        return "write `probability: 10`, or `outcome: lost` if the stage is closed"
    if percent == 100:
        return "write `probability: 90`, or `outcome: won` if the deal is won"
    low = percent // 10 * 10
    return f"write `probability: {low}` or `probability: {low + 10}` to choose"
