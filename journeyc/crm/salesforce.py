"""Salesforce's org-wide picklists: which values each value set holds, in its one order, and what cannot fit.

OpportunityStage, LeadStatus and CaseStatus are one StandardValueSet each for
the whole org, with one order: every business process shows its values in that
order. journeyc merges the order of every pipeline (open values first, then
won, then lost, as the CRM lists them) into one; two pipelines that order the
same values differently cannot both be shown as written (rule JC504). Shared
by the Salesforce emitter, the CRM rules and the diff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from journeyc.crm import identity
from journeyc.crm.order import merge
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.crm.probability import percents
from journeyc.workspace.model import Stage, Workspace


@dataclass(frozen=True)
class Entity:
    """What a journeyc pipeline object is in Salesforce."""

    name: str        # the sObject
    field: str       # its stage picklist
    value_set: str   # the StandardValueSet behind that picklist
    process: str     # what Salesforce calls a business process of it


ENTITIES = {"deal": Entity("Opportunity", "StageName", "OpportunityStage", "sales process"),
            "lead": Entity("Lead", "Status", "LeadStatus", "lead process"),
            "ticket": Entity("Case", "Status", "CaseStatus", "support process")}
_RANK = {None: 0, "won": 1, "lost": 2}


@dataclass
class Value:
    """One picklist value of an org-wide set; the first stage that names it gives its fields."""

    name: str                # fullName: the identity (crm.salesforce.value, else the stage's label)
    label: str
    percent: int
    outcome: str | None
    closed: bool             # CaseStatus: a closed status (an outcome, or a terminal stage)
    converted: bool          # LeadStatus: won, or exits into a deal pipeline (any stage that uses it)
    forecast: str | None     # crm.salesforce.forecast_category as written
    stage: Stage
    pipeline: Exported

    @property
    def key(self) -> str:
        return self.name.casefold()


@dataclass(frozen=True)
class OrderConflict:
    """A pipeline whose order the org-wide order cannot keep: `later` is shown before `earlier`."""

    pipeline: Exported
    earlier: Stage
    later: Stage
    other: Exported | None   # a pipeline that orders the two the other way, when one does directly


@dataclass
class ValueSet:
    obj: str
    values: list[Value] = field(default_factory=list)       # in the org-wide order
    conflicts: list[OrderConflict] = field(default_factory=list)

    @property
    def entity(self) -> Entity:
        return ENTITIES[self.obj]


def value_key(stage: Stage) -> str:
    return identity.salesforce_value(stage).casefold()


def pipeline_order(e: Exported) -> list[Stage]:
    """The pipeline's stages as its business process lists them: first stage per value, open, won, lost."""
    return [stage for _, stage in _keyed_order(e.stages, e.value_keys)]


def _keyed_order(stages: Iterable[Stage], keys: Iterable[str]) -> list[tuple[str, Stage]]:
    """pipeline_order's stages with their value keys, from the keys of every stage (made once per stage)."""
    seen: dict[str, Stage] = {}
    for key, stage in zip(keys, stages, strict=True):
        seen.setdefault(key, stage)
    return sorted(seen.items(), key=lambda item: _RANK.get(item[1].outcome, 0))


def workspace_value_sets(ws: Workspace) -> dict[str, ValueSet]:
    """`value_sets` of every exported pipeline of `ws`, made once per workspace (two rules read it)."""
    return ws.derived("salesforce_value_sets", lambda w: value_sets(crm_pipelines(w)))


def value_sets(exported: Iterable[Exported]) -> dict[str, ValueSet]:
    """The org-wide value set of each object Salesforce takes (deal, lead, ticket), empty ones included."""
    sets = {obj: ValueSet(obj) for obj in ENTITIES}
    taken: dict[str, list[Exported]] = {obj: [] for obj in ENTITIES}
    for e in exported:
        if e.pipeline.object in ENTITIES and e.stages:
            taken[e.pipeline.object].append(e)
    for obj, pipelines in taken.items():
        values = _values(pipelines)
        orders = [(e, [k for k, _ in _keyed_order(e.stages, e.value_keys)]) for e in pipelines]
        merged = merge([keys for _, keys in orders], list(values))
        sets[obj].values = [values[k] for k in merged]
        sets[obj].conflicts = _conflicts(orders, merged)
    return sets


def _values(pipelines: list[Exported]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for e in pipelines:
        if e.pipeline.object != "lead" and all(k in out for k in e.value_keys):
            continue  # values named before (a shared vocabulary: most pipelines), and none converts a lead
        for stage, percent, key in zip(e.stages, percents(e.stages), e.value_keys, strict=True):
            converted = _converted(e, stage)
            if key in out:
                out[key].converted = out[key].converted or converted
                continue
            forecast = stage.crm.get("salesforce", {}).get("forecast_category")
            out[key] = Value(identity.salesforce_value(stage), stage.label, percent.value, stage.outcome,
                             stage.outcome is not None or stage.terminal, converted,
                             forecast if isinstance(forecast, str) else None, stage, e)
    return out


def _converted(e: Exported, stage: Stage) -> bool:
    """A lead status is `converted` when the lead is won, or moves on into a deal pipeline."""
    if e.pipeline.object != "lead":
        return False
    if stage.outcome == "won":
        return True
    deal_ids = {p.id for p in e.journey.pipelines if p.object == "deal"}
    return any((t := e.journey.stage(x.to)) is not None and t.pipeline in deal_ids for x in stage.exits)


def _conflicts(orders: list[tuple[Exported, list[str]]], merged: list[str]) -> list[OrderConflict]:
    pos = {k: i for i, k in enumerate(merged)}
    out = []
    for e, keys in orders:
        wrong = next(((a, b) for a, b in zip(keys, keys[1:], strict=False) if pos[a] > pos[b]), None)
        if wrong is None:
            continue
        a, b = wrong
        other = next((o for o, ks in orders if o is not e and b in ks and a in ks and ks.index(b) < ks.index(a)),
                     None)
        stages = {value_key(s): s for s in pipeline_order(e)}
        out.append(OrderConflict(e, stages[a], stages[b], other))
    return out
