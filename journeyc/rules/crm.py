"""JC501-JC503: probabilities make sense and the journey fits the CRMs it is exported to."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.crm import limits as lim
from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Journey, Ref, Stage, Workspace


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
    for j in ws.complete_journeys():
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
    lost outcome is 0 by definition.)

    **Anti-pattern**

        - {id: demo, owner: sales, probability: 40, exits: [{to: proposal}]}
        - {id: proposal, owner: sales, probability: 20}

    **Best practice**

        - {id: demo, owner: sales, probability: 20, exits: [{to: proposal}]}
        - {id: proposal, owner: sales, probability: 40}
    """
    for j in ws.complete_journeys():
        for s in j.stages:
            if not s.is_open or s.probability is None:
                continue
            for e in s.exits:
                t = j.stage(e.to)
                if t is not None and t.is_open and t.probability is not None and t.probability < s.probability:
                    yield Finding(e.ref, f"probability falls from {s.probability}% ({s.id}) to"
                                  f" {t.probability}% ({t.id})",
                                  "check the order of the stages and their probabilities")


@rule("JC503", "crm-limit", Severity.ERROR)
def crm_limit(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Over a CRM limit of an enabled build target (stage count, label length, probability steps...).

    **Why it matters:** a journey that cannot be imported should fail `check`
    in the pull request, not the import on a Friday afternoon. Limits apply to
    the targets enabled in journeyc.yaml `build.targets` (all by default):
    HubSpot takes at most 100 stages per pipeline, unique stage labels, and
    deal probabilities in steps of 10%; Salesforce takes at most 100 stage
    values (one set for the whole org, so a label has one probability), values
    of 255 characters and sales-process names of 80.

    **Anti-pattern**

        - {id: discovery, term: Discovery, owner: sales, probability: 25}

    **Best practice**

        - {id: discovery, term: Discovery, owner: sales, probability: 20}
    """
    for j in ws.complete_journeys():
        for pipeline, stages in j.export_pipelines():
            if "hubspot" in ctx.targets and pipeline.object in lim.HUBSPOT_OBJECTS:
                yield from _hubspot(pipeline.ref, pipeline.object, stages)
            if "salesforce" in ctx.targets:
                yield from _salesforce_names(j, pipeline.ref if not pipeline.implicit else j.ref, pipeline.name,
                                             stages, implicit=pipeline.implicit)
    if "salesforce" in ctx.targets:
        yield from _salesforce_values(ws)


def _hubspot(ref: Ref, obj: str, stages: list[Stage]) -> Iterator[Finding]:
    if len(stages) > lim.HUBSPOT_MAX_STAGES:
        yield Finding(ref, f"HubSpot takes at most {lim.HUBSPOT_MAX_STAGES} stages per pipeline, this one has"
                      f" {len(stages)}", "split the pipeline")
    labels: dict[str, Stage] = {}
    for s in stages:
        key = s.label.casefold()
        if key in labels:
            yield Finding(_label_ref(s), f"HubSpot needs unique stage labels in a pipeline: {s.label!r} is also"
                          f" stage {labels[key].id!r}", "name the two stages by different terms")
        labels.setdefault(key, s)
        if obj == "deal" and s.probability is not None and s.probability % 10:
            yield Finding(s.ref.at("probability"), f"HubSpot deal probabilities go in steps of 10%, not"
                          f" {s.probability}", f"use {round(s.probability / 10) * 10}")


def _salesforce_names(j: Journey, ref: Ref, name: str, stages: list[Stage], *, implicit: bool) -> Iterator[Finding]:
    if len(name) > lim.SALESFORCE_MAX_PROCESS_NAME:
        where = ref.at("name")
        yield Finding(where, f"Salesforce sales-process names take at most {lim.SALESFORCE_MAX_PROCESS_NAME}"
                      f" characters, {name!r} has {len(name)}", "shorten the name")
    for s in stages:
        if len(s.label) > lim.SALESFORCE_MAX_VALUE_LENGTH:
            yield Finding(_label_ref(s), f"Salesforce stage values take at most {lim.SALESFORCE_MAX_VALUE_LENGTH}"
                          f" characters, {s.id!r} has {len(s.label)}", "use a shorter term")


def _salesforce_values(ws: Workspace) -> Iterator[Finding]:
    """One picklist for the whole org: at most 100 values, one probability per label."""
    values: dict[str, dict[str, tuple[Stage, int | None]]] = {"deal": {}, "lead": {}}
    for j in ws.complete_journeys():
        for pipeline, stages in j.export_pipelines():
            if pipeline.object not in values:
                continue
            seen = values[pipeline.object]
            for s in stages:
                key, prob = s.label.casefold(), lim.probability_of(s)
                if key not in seen:
                    seen[key] = (s, prob)
                    if len(seen) == lim.SALESFORCE_MAX_VALUES + 1:
                        picklist = "OpportunityStage" if pipeline.object == "deal" else "LeadStatus"
                        yield Finding(_label_ref(s), f"Salesforce {picklist} takes at most"
                                      f" {lim.SALESFORCE_MAX_VALUES} values: {s.label!r} is value"
                                      f" {lim.SALESFORCE_MAX_VALUES + 1}", "export fewer stages")
                    continue
                first, first_prob = seen[key]
                if prob is not None and first_prob is not None and prob != first_prob:
                    yield Finding(s.ref.at("probability") if s.probability is not None else _label_ref(s),
                                  f"Salesforce keeps one probability per stage value: {s.label!r} is {prob}% here"
                                  f" but {first_prob}% at {first.ref.file}:{first.ref.line}",
                                  "use the same probability, or a different term")


def _label_ref(s: Stage) -> Ref:
    return s.ref.at("term") if s.term else s.ref.at("id")


RULES = (closed_probability, falling_probability, crm_limit)
