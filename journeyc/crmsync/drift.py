"""`journeyc drift`: the map against a CRM's configuration, and what a person should do about each difference.

Every difference gets two ways out: change the map (the YAML to write, and
where) or change the CRM (what to set there; `journeyc build` writes the whole
configuration). A match by label instead of identity is itself reported, with
the identity to write, so that the next relabel is still recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyc.crmsync import actions, mapside
from journeyc.crmsync.compare import PipelineDiff, StageDiff, compare
from journeyc.readers.config import Anchor, CrmConfig, CrmPipeline
from journeyc.wording import plural


@dataclass
class Change:
    field: str
    map: object
    crm: object
    yaml: str
    crm_action: str


@dataclass
class StageDrift:
    status: str                   # changed | missing_in_crm | missing_in_map
    id: str | None
    crm_id: str | None
    label: str
    matched_by: str | None
    file: str | None
    line: int | None
    changes: list[Change] = field(default_factory=list)
    yaml: str | None = None
    crm_action: str | None = None


@dataclass
class PipelineDrift:
    crm: str
    object: str
    status: str                   # matched | missing_in_crm | missing_in_map
    journey: str | None
    pipeline: str | None
    crm_id: str | None
    label: str
    matched_by: str | None
    file: str | None
    line: int | None
    changes: list[Change] = field(default_factory=list)
    stages: list[StageDrift] = field(default_factory=list)
    yaml: str | None = None
    crm_action: str | None = None


@dataclass
class DriftResult:
    crms: list[str]
    sources: list[str]
    pipelines: list[PipelineDrift]
    compared: int
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.pipelines)


def run(path: Path, configs: list[CrmConfig], *, only_mapped: bool = False) -> DriftResult:
    from journeyc import engine

    loaded = engine.load_workspace(path)
    # a schema finding (such as a missing definition) loses nothing drift reads; a file that did not parse does
    errors = sum(d.code in ("JC001", "JC002", "JC003", "JC005") for d in loaded.diagnostics)
    notes = [f"the workspace does not load clean ({plural(errors, 'file or document', 'files or documents')}"
             f" could not be read: run journeyc"
             " check); drift compared what could be read"] if errors else []
    out, compared = [], 0
    for config in configs:
        notes += list(config.notes)
        for diff in compare(mapside.expected(loaded.workspace, config), config):
            compared += 1
            if diff.drift and not (only_mapped and diff.left is None):
                out.append(_pipeline(diff, config))
    return DriftResult([c.crm for c in configs], [s for c in configs for s in c.sources], out, compared, notes,
                       [u for c in configs for u in c.unknown])


def _pipeline(diff: PipelineDiff, config: CrmConfig) -> PipelineDrift:
    a, b = diff.left, diff.right
    anchor = a.anchor if a is not None else None
    some = a or b
    assert some is not None
    status = "matched" if a and b else "missing_in_crm" if a else "missing_in_map"
    crm_id = b.key if b is not None else a.key if a is not None else None
    result = PipelineDrift(config.crm, some.object, status, _get(anchor, "journey"), _get(anchor, "pipeline"), crm_id,
                           some.label, diff.by or None, _get(anchor, "file"), _get(anchor, "line"))
    if a is None and b is not None:
        result.yaml, result.crm_action = actions.pipeline_missing_in_map(b, config)
    elif a is not None and b is None:
        result.yaml, result.crm_action = actions.pipeline_missing_in_crm(a, config.crm)
    else:
        assert a is not None and b is not None
        result.changes = [Change(f.field, f.left, f.right, *actions.pipeline_change(f, a, b)) for f in diff.fields]
        result.stages = [_stage(s, a, b) for s in diff.stages if s.left is None or s.right is None or s.fields]
    return result


def _stage(diff: StageDiff, a_pipeline: CrmPipeline, b_pipeline: CrmPipeline) -> StageDrift:
    a, b = diff.left, diff.right
    some = a or b
    assert some is not None
    anchor = a.anchor if a is not None else None
    status = "changed" if a and b else "missing_in_crm" if a else "missing_in_map"
    result = StageDrift(status, _get(anchor, "stage"), (b or some).key, some.label, diff.by or None,
                        _get(anchor, "file"), _get(anchor, "line"))
    if a is not None and b is not None:
        result.changes = [Change(f.field, f.left, f.right, *actions.stage_change(f, a, b, b_pipeline))
                          for f in diff.fields]
    elif b is not None:
        result.yaml, result.crm_action = actions.stage_missing_in_map(b, b_pipeline, a_pipeline)
    elif a is not None:
        result.yaml, result.crm_action = actions.stage_missing_in_crm(a, a_pipeline)
    return result


def _get(anchor: Anchor | None, name: str) -> Any:
    return getattr(anchor, name) if anchor is not None else None
