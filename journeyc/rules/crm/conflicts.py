"""JC504, JC505: what no CRM can hold across pipelines: two orders of one picklist, two objects with one name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TypeVar

from journeyc.crm import identity
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.crm.salesforce import ENTITIES, pipeline_order, value_key, workspace_value_sets
from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.rules.crm.fit import label_ref
from journeyc.workspace.model import Finding, Ref, Stage, Workspace

T = TypeVar("T")


@rule("JC504", "crm-value-order", Severity.ERROR)
def value_order(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Two pipelines order the same Salesforce stage values differently.

    **Why it matters:** OpportunityStage, LeadStatus and CaseStatus are one
    picklist each for the whole Salesforce org, with one order; every sales,
    lead or support process shows its values in that order. When two journeys
    put the same two stages in opposite orders, one of them is shown out of
    order in Salesforce, whatever journeyc writes. Concerns the `salesforce`
    target.

    **Anti-pattern**

        # journey a: Demo, then Proposal; journey b: Proposal, then Demo
        - {id: proposal, term: Proposal, owner: sales, exits: [{to: demo}]}
        - {id: demo, term: Demo, owner: sales}

    **Best practice**

        # the same order in both journeys (or another term for one of the stages)
        - {id: demo, term: Demo, owner: sales, exits: [{to: proposal}]}
        - {id: proposal, term: Proposal, owner: sales}
    """
    if "salesforce" not in ctx.targets:
        return
    for value_set in workspace_value_sets(ws).values():
        for c in value_set.conflicts:
            other = f"pipeline {c.other.key} ({_at(_find(c.other, c.later))})" if c.other else "the other pipelines"
            yield Finding(label_ref(c.earlier), f"Salesforce {value_set.entity.value_set} has one order for the whole"
                          f" org: pipeline {c.pipeline.key} puts {c.earlier.label!r} before {c.later.label!r}, but"
                          f" {other} {'puts' if c.other else 'put'} them the other way round, so its"
                          f" {value_set.entity.process} shows them out"
                          " of order", "order the stages the same way in every journey, or name one of them by"
                          " another term")


@rule("JC505", "crm-duplicate", Severity.ERROR)
def crm_duplicate(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Two pipelines or stages that would be one CRM object, or share a name the CRM needs unique.

    **Why it matters:** HubSpot requires unique pipeline labels and unique
    pipeline and stage ids per object type; Salesforce refuses two record
    types with one label, and one record type, business process or picklist
    value name can only be one thing. Two journeys that collide would
    overwrite each other in the CRM (or in the build output). Pinned ids
    (`crm:`) collide too. Concerns the enabled CRM targets.

    **Anti-pattern**

        # journey a
        pipelines: [{id: deals, name: New business, object: deal}]
        # journey b
        pipelines: [{id: deals, name: New business, object: deal}]

    **Best practice**

        # journey b
        pipelines: [{id: deals, name: Expansion, object: deal}]
    """
    exported = crm_pipelines(ws)
    clashes: list[Clash | Finding] = []
    if "hubspot" in ctx.targets:
        clashes.extend(_hubspot(exported))
    if "salesforce" in ctx.targets:
        clashes.extend(_salesforce(exported))
    if "pipedrive" in ctx.targets:
        clashes.extend(_pipedrive(exported))
    yield from _merged(clashes)


class Clash(NamedTuple):
    """One name a CRM needs unique, written again: (CRM, what it names, the name, where, the first one)."""

    crm: str
    what: str
    key: str
    ref: Ref
    first: Ref
    who: str


def _merged(clashes: list[Clash | Finding]) -> Iterator[Finding]:
    """One finding per name written twice: a pipeline name that HubSpot and Salesforce both need unique is one
    mistake, said once with both CRMs."""
    groups: dict[tuple[Ref, str, str], list[Clash]] = {}
    for c in clashes:
        if isinstance(c, Clash):
            groups.setdefault((c.ref, c.key.casefold(), c.who), []).append(c)
    for c in clashes:
        if isinstance(c, Finding):
            yield c
            continue
        group = groups.pop((c.ref, c.key.casefold(), c.who), None)
        if group is None:
            continue  # said with the first of its group
        hint = "give one of them another name, or pin another one under `crm:`"
        if len(group) == 1:
            yield Finding(c.ref, f"{c.crm} {c.what} {c.key!r} is also used by {c.who} ({_at(c.first)}): {c.crm}"
                          " needs it unique", hint)
        else:
            roles = " and the ".join(f"{g.crm} {g.what}" for g in group)
            yield Finding(c.ref, f"{c.key!r} is also the {roles} of {c.who} ({_at(c.first)}): each CRM needs it"
                          " unique", hint)


def _hubspot(exported: list[Exported]) -> Iterator[Clash]:
    pipelines = [e for e in exported if identity.hubspot_object_type(e.pipeline) and e.stages]
    kind = {e.key: identity.hubspot_object_type(e.pipeline) for e in pipelines}   # key, not slug: never raises
    yield from _unique("HubSpot", [(f"{kind[e.key]} pipelineId", identity.hubspot_pipeline_id(e.journey, e.pipeline),
                                    e, _who(e)) for e in pipelines], lambda e: _crm_ref(e, "hubspot", "id"))
    yield from _unique("HubSpot", [(f"{kind[e.key]} pipeline label", e.pipeline.name, e, _who(e)) for e in pipelines],
                       _name_ref)
    stages: list[Entry[Stage]] = []
    for e in pipelines:  # what and whose once per pipeline: this runs on every stage of every check
        what, whose = f"{kind[e.key]} stageId", f"stage {e.journey.id}/"
        stages += [(what, sid, s, whose + s.id) for s, sid in zip(e.stages, identity.hubspot_stage_ids(e), strict=True)]
    yield from _unique("HubSpot", stages, lambda s: _stage_ref(s, "hubspot", "id"))


def _salesforce(exported: list[Exported]) -> Iterator[Clash | Finding]:
    pipelines = [e for e in exported if e.pipeline.object in ENTITIES and e.stages]
    entity = {e.key: ENTITIES[e.pipeline.object].name for e in pipelines}

    def record_type(e: Exported) -> Ref:
        return _crm_ref(e, "salesforce", "record_type")

    found = list(_unique("Salesforce", [(f"{entity[e.key]} record type", identity.salesforce_record_type(e), e,
                                         _who(e)) for e in pipelines], record_type))
    yield from found
    # the process and the Path are named after the record type by default: one finding is enough
    clash = {f.ref for f in found}
    rest = [e for e in pipelines if record_type(e) not in clash] if clash else pipelines
    yield from _unique("Salesforce", [(f"{entity[e.key]} business process", identity.salesforce_process(e), e,
                                       _who(e)) for e in rest], lambda e: _crm_ref(e, "salesforce", "process"))
    yield from _unique("Salesforce", [("Path", identity.salesforce_path(e, entity[e.key]), e, _who(e)) for e in rest],
                       record_type)
    yield from _unique("Salesforce", [(f"{entity[e.key]} record type label", e.pipeline.name, e, _who(e))
                                      for e in pipelines], _name_ref)
    yield from _value_labels(pipelines)


def _value_labels(pipelines: list[Exported]) -> Iterator[Finding]:
    labels: dict[tuple[str, str], Stage] = {}
    for e in pipelines:
        for s, key in zip(e.stages, e.value_keys, strict=True):
            first = labels.setdefault((e.pipeline.object, key), s)
            if first.label != s.label:
                name = ENTITIES[e.pipeline.object].value_set
                yield Finding(_stage_ref(s, "salesforce", "value"), f"Salesforce {name} value"
                              f" {identity.salesforce_value(s)!r} has one label, but stage {s.id!r} calls it"
                              f" {s.label!r} and stage {first.id!r} ({_at(first.ref)}) {first.label!r}",
                              "give both stages the same term, or pin different values")


def _pipedrive(exported: list[Exported]) -> Iterator[Clash]:
    deals = [e for e in exported if e.pipeline.object == "deal" and e.stages]
    yield from _unique("Pipedrive", [("pipeline id", str(pid), e, _who(e)) for e in deals
                                     if (pid := identity.pipedrive_id(e.pipeline.crm)) is not None],
                       lambda e: _crm_ref(e, "pipedrive", "id"))
    yield from _unique("Pipedrive", (("stage id", str(sid), s, f"stage {e.journey.id}/{s.id}") for e in deals
                                     for s in e.stages if (sid := identity.pipedrive_id(s.crm)) is not None),
                       lambda s: _stage_ref(s, "pipedrive", "id"))


#: (what, identity as the CRM writes it, the pipeline or stage, which journeyc object)
Entry = tuple[str, str, T, str]


def _unique(crm: str, entries: Iterable[Entry[T]], where: Callable[[T], Ref]) -> Iterator[Clash]:
    """A clash at every entry whose (what, identity) an earlier entry already has (case-insensitively), at
    `where` its object was written (found only for a clash: the rule runs on every stage, on every check)."""
    seen: dict[tuple[str, str], tuple[T, str]] = {}
    for what, key, obj, who in entries:
        first = seen.setdefault((what, key.casefold()), (obj, who))
        if first[1] != who:
            yield Clash(crm, what, key, where(obj), where(first[0]), first[1])


def _who(e: Exported) -> str:
    return f"pipeline {e.key}"


def _crm_ref(e: Exported, crm: str, key: str) -> Ref:
    """Where an identity is written (`crm:` of the pipeline, or of the journey), else what it is derived from:
    the pipeline, or the journey's id for a journey without `pipelines:`."""
    ref = e.pipeline.ref
    if crm in e.pipeline.crm and key in e.pipeline.crm[crm]:
        return ref.at("crm", crm, key)
    return ref.at("id") if e.pipeline.implicit else ref


def _name_ref(e: Exported) -> Ref:
    # without `name:` (the name is the id), the source map stops at the pipeline: the finding points at it
    return e.pipeline.ref.at("name")


def _stage_ref(s: Stage, crm: str, key: str) -> Ref:
    return s.ref.at("crm", crm, key) if crm in s.crm and key in s.crm[crm] else label_ref(s)


def _find(e: Exported, stage: Stage) -> Ref:
    # `e` is the pipeline that orders the two values the other way: it has a stage with this one
    return label_ref(next(s for s in pipeline_order(e) if value_key(s) == value_key(stage)))


def _at(ref: Ref) -> str:
    return f"{ref.file}:{ref.line}"
