"""JC503: what one pipeline or one value set must fit in each enabled CRM target."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.crm import identity
from journeyc.crm import limits as lim
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.crm.probability import probability_of
from journeyc.crm.salesforce import ENTITIES, workspace_value_sets
from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.workspace.model import Finding, Ref, Stage, Workspace


@rule("JC503", "crm-limit", Severity.ERROR)
def crm_limit(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Over a CRM limit of an enabled build target (stage count, label length, one probability per value...).

    **Why it matters:** a journey that cannot be imported should fail `check`
    in the pull request, not the import on a Friday afternoon. Limits apply to
    the targets enabled in journeyc.yaml `build.targets` (all by default), or
    named by `build --target`: HubSpot takes at most 100 stages in a deal or
    ticket pipeline and 30 in a lead pipeline, with unique stage labels;
    Salesforce takes at most 100 values per picklist (one set for the whole
    org, so a value has one probability), values of 255 characters and
    record type labels of 80.

    **Anti-pattern**

        - {id: discovery, term: Discovery, owner: sales, probability: 20}   # journey a
        - {id: discovery, term: Discovery, owner: sales, probability: 30}   # journey b

    **Best practice**

        - {id: discovery, term: Discovery, owner: sales, probability: 20}   # in both journeys
    """
    found: list[Finding] = []
    for e in crm_pipelines(ws):
        if "hubspot" in ctx.targets and e.pipeline.object in lim.HUBSPOT_MAX_STAGES:
            found.extend(_hubspot(e))
        if "salesforce" in ctx.targets and e.pipeline.object in ENTITIES:
            found.extend(_salesforce_names(e))
    if "salesforce" in ctx.targets:
        # two orders of one value set (JC504) come with probabilities that disagree: the order is the root
        disordered = {obj for obj, values in workspace_value_sets(ws).items() if values.conflicts} \
            if ctx.enabled("JC504") else set()
        found.extend(_salesforce_values(ws, disordered))
    yield from _one_per_place(found)


def _one_per_place(found: list[Finding]) -> Iterator[Finding]:
    """One finding per place: a stage named by the won term breaks HubSpot's unique labels and Salesforce's one
    probability per value at once; one mistake, said once with both limits."""
    by_place: dict[tuple[Ref, bool], list[Finding]] = {}
    for f in found:
        by_place.setdefault((f.at, f.key), []).append(f)
    for (at, key), same in by_place.items():
        hints = list(dict.fromkeys(f.hint for f in same if f.hint))
        yield Finding(at, "; ".join(f.message for f in same), " or ".join(hints), key=key) if len(same) > 1 \
            else same[0]


def _hubspot(e: Exported) -> Iterator[Finding]:
    most = lim.HUBSPOT_MAX_STAGES[e.pipeline.object]
    if len(e.stages) > most:
        # at the first stage over the limit: the place where the pipeline stops fitting
        yield Finding(e.stages[most].ref.at("id"), f"HubSpot takes at most {most} stages in a"
                      f" {e.pipeline.object} pipeline, {e.key} has {len(e.stages)}: stage {e.stages[most].id!r} is"
                      f" number {most + 1}", "split the journey into pipelines (`pipelines:`)" if e.pipeline.implicit
                      else "split the pipeline")
    labels: dict[str, Stage] = {}
    ids: set[str] = set()
    for s in e.stages:
        if s.id in ids:
            continue  # a stage id written twice: JC101 says so, once
        ids.add(s.id)
        key = s.label.casefold()
        if key in labels:
            yield Finding(label_ref(s), f"HubSpot needs unique stage labels in a pipeline: {s.label!r} is also"
                          f" stage {labels[key].id!r}", "name the two stages by different terms")
        labels.setdefault(key, s)


def _salesforce_names(e: Exported) -> Iterator[Finding]:
    name = e.pipeline.name
    if len(name) > lim.SALESFORCE_MAX_LABEL:
        yield Finding(e.pipeline.ref.at("name"), f"Salesforce record type labels take at most"
                      f" {lim.SALESFORCE_MAX_LABEL} characters, {name!r} has {len(name)}", "shorten the name")
    most = lim.SALESFORCE_MAX_VALUE_LENGTH
    for s in e.stages:
        label, value = s.label, identity.salesforce_value(s)
        if len(label) <= most and len(value) <= most:
            continue  # nearly every stage: no set of texts to make
        for text in dict.fromkeys((label, value)):
            if len(text) > most:
                yield Finding(label_ref(s), f"Salesforce stage values take at most {most} characters, {s.id!r} has"
                              f" {len(text)}", "use a shorter term")


def _salesforce_values(ws: Workspace, disordered: set[str]) -> Iterator[Finding]:
    """One picklist per object for the whole org: at most 100 values, one probability per value."""
    seen: dict[str, dict[str, tuple[Stage, int | None]]] = {obj: {} for obj in ENTITIES}
    for e in crm_pipelines(ws):
        if e.pipeline.object not in ENTITIES:
            continue
        values = seen[e.pipeline.object]
        for s, key in zip(e.stages, e.value_keys, strict=True):
            # a refused probability or outcome (JC004) is unknown, not a second number for the value
            prob = None if ws.gaps.any_unknown(s.ref, "probability", "outcome") else probability_of(s)
            if key not in values:
                values[key] = (s, prob)
                if len(values) == lim.SALESFORCE_MAX_VALUES + 1:
                    picklist = ENTITIES[e.pipeline.object].value_set
                    yield Finding(label_ref(s), f"Salesforce {picklist} takes at most {lim.SALESFORCE_MAX_VALUES}"
                                  f" values: {s.label!r} is value {lim.SALESFORCE_MAX_VALUES + 1}",
                                  "export fewer stages")
                continue
            first, first_prob = values[key]
            if e.pipeline.object == "deal" and prob is not None and first_prob is not None and prob != first_prob \
                    and "deal" not in disordered:
                yield Finding(s.ref.at("probability") if s.probability is not None else label_ref(s),
                              f"Salesforce keeps one probability per stage value: {s.label!r} is {prob}% here"
                              f" but {first_prob}% at {first.ref.file}:{first.ref.line}",
                              "use the same probability, or a different term")


def label_ref(s: Stage) -> Ref:
    return s.ref.at("term") if s.term else s.ref.at("id")

