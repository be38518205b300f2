"""Which journeyc pipeline and stage a CRM's pipeline and stage label names: the mapping tables of the funnel SQL.

A CRM names a stage by its id (HubSpot's `stageId`, Pipedrive's number), its
value (Salesforce's picklist API name) or its label. journeyc matches, in this
order: the CRM identity (written under `crm:` or derived, crm/identity.py), the
journeyc id, the vocabulary term, the stage's label, the term's aliases; case-
and accent-insensitive (`fold`). Pipelines match by `journey/pipeline`, CRM
identity, id or name (a journey without `pipelines:`, or with only one, by its own id or name too).

The SQL joins on `LOWER(TRIM(value))`, which every warehouse has; accents and
inner blanks cannot be folded the same way everywhere, so the tables list each
name lower-cased as written and folded, plus, when a history is given, every
label seen in it that folds to a known name (`observe`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from journeyc.crm import identity
from journeyc.crm.pipelines import Exported, crm_pipelines
from journeyc.errors import JourneycError
from journeyc.readers.history import fold
from journeyc.workspace.model import Stage, Workspace


@dataclass
class Mapping:
    """The rows of the mapping tables (see sql.TABLES for their columns)."""

    targets: list[Exported]
    pipeline_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    stage_keys: dict[tuple[str, str, str], str] = field(default_factory=dict)
    stages: list[tuple[str, str, str, int, int, int, int | None, int]] = field(default_factory=list)
    exits: list[tuple[str, str, str, str]] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


def pipeline_names(e: Exported) -> list[str]:
    """The names a CRM or a person may give this pipeline, most specific first."""
    names = [f"{e.journey.id}/{e.pipeline.id}", identity.hubspot_pipeline_id(e.journey, e.pipeline),
             identity.salesforce_record_type(e), identity.salesforce_process(e)]
    pid = identity.pipedrive_id(e.pipeline.crm)
    names += [str(pid)] if pid is not None else []
    names += [e.pipeline.id, e.pipeline.name]
    return names + ([e.journey.id, e.journey.name] if e.pipeline.implicit or len(e.journey.pipelines) == 1 else [])


def stage_names(ws: Workspace, e: Exported, stage: Stage) -> list[tuple[int, str]]:
    """The names a CRM or a person may give this stage, with their rank: CRM identity, id, term, label, alias."""
    names = [(0, identity.hubspot_stage_id(e.journey, stage)), (0, identity.salesforce_value(stage))]
    pid = identity.pipedrive_id(stage.crm)
    names += [(0, str(pid))] if pid is not None else []
    names += [(1, stage.id), *([(2, stage.term)] if stage.term else []), (3, stage.label)]
    term = ws.term(stage.term)
    return names + [(4, alias) for alias in (term.aliases if term is not None else ())]


def _keys(name: str) -> set[str]:
    return {name.strip().lower(), fold(name)}


def build(ws: Workspace, default: str | None = None) -> Mapping:
    """The mapping from the workspace alone; `default` names the pipeline of rows that name none."""
    targets = crm_pipelines(ws)
    m = Mapping(targets)
    owners: dict[str, set[tuple[str, str]]] = {}
    for e in targets:
        pair = (e.journey.id, e.pipeline.id)
        for name in pipeline_names(e):
            for key in _keys(name):
                owners.setdefault(key, set()).add(pair)
        _stages(ws, e, m)
    for key, pairs in owners.items():
        if len(pairs) == 1:
            m.pipeline_keys[key] = next(iter(pairs))
        else:
            m.ambiguous[key] = sorted("/".join(p) for p in pairs)
    target = _default(m, default)
    if target is not None:
        m.pipeline_keys[""] = target
    return m


def _stages(ws: Workspace, e: Exported, m: Mapping) -> None:
    j, p = e.journey.id, e.pipeline.id
    ids = {s.id for s in e.stages}
    starts = {s.id for s in e.stages if s.id in e.journey.start_ids} or {s.id for s in e.stages[:1]}
    best: dict[str, tuple[int, int, str]] = {}  # key -> (rank of the name, stage position, stage id)
    for position, stage in enumerate(e.stages):
        for rank, name in stage_names(ws, e, stage):
            for key in _keys(name):
                best[key] = min(best.get(key, (rank, position, stage.id)), (rank, position, stage.id))
        m.stages.append((j, p, stage.id, position, int(stage.is_open), int(stage.outcome == "lost"), stage.sla_days,
                         int(stage.id in starts)))
        for to in dict.fromkeys(x.to for x in stage.exits if x.to in ids):
            m.exits.append((j, p, stage.id, to))
    for key, (_, _, stage_id) in best.items():
        m.stage_keys[(j, p, key)] = stage_id


def _default(m: Mapping, default: str | None) -> tuple[str, str] | None:
    if default is None:
        return (m.targets[0].journey.id, m.targets[0].pipeline.id) if len(m.targets) == 1 else None
    for key in _keys(default):
        if key in m.pipeline_keys:
            return m.pipeline_keys[key]
    known = ", ".join(f"{e.journey.id}/{e.pipeline.id}" for e in m.targets[:10]) or "none"
    raise JourneycError(f"--pipeline {default!r}: no such pipeline in the workspace (known: {known})")


def observe(m: Mapping, pipelines: Iterable[str], stages: Iterable[tuple[str, str]]) -> None:
    """Add the labels seen in a history (already `LOWER(TRIM())`-ed by the engine) that fold to a known name."""
    by_fold = {fold(k): v for k, v in m.pipeline_keys.items() if k}
    for key in pipelines:
        if key not in m.pipeline_keys and fold(key) in by_fold:
            m.pipeline_keys[key] = by_fold[fold(key)]
    folded: dict[tuple[str, str, str], str] = {}
    for (j, p, k), stage in m.stage_keys.items():
        folded.setdefault((j, p, fold(k)), stage)
    for pkey, skey in stages:
        pair = m.pipeline_keys.get(pkey)
        if pair is not None and (pair[0], pair[1], skey) not in m.stage_keys:
            found = folded.get((pair[0], pair[1], fold(skey)))
            if found is not None:
                m.stage_keys[(pair[0], pair[1], skey)] = found
