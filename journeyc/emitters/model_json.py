"""The `model` target: `journeys.json`, the resolved workspace for other tools.

Keys are sorted and lists keep the journey's own order (stages, exits, signals,
pipelines) or are sorted (teams by id, terms by label, journeys by id), so the
file is byte-identical for the same input. Every object says where it was
written (`location`: file relative to the workspace root, line).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from journeyc.crm import identity
from journeyc.crm.pipelines import Exported
from journeyc.crm.salesforce import ENTITIES
from journeyc.emitters import EmitOptions, Files, Written, jsontext
from journeyc.emitters.lanes import is_handoff
from journeyc.emitters.render import plain
from journeyc.workspace.model import Journey, Ref, Stage, Team, Term, Workspace

PATH = PurePosixPath("journeys.json")


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    return {PATH: dumps(model(workspace))}


def stream(workspace: Workspace, options: EmitOptions) -> dict[PurePosixPath, Written]:
    """`emit`'s file, written journey by journey: never the whole model nor the whole text in memory."""
    return {PATH: partial(_write, workspace)}


def _write(workspace: Workspace, f: BinaryIO) -> None:
    try:
        jsontext.dump(model(workspace, stream=True), lambda text: f.write(text.encode("utf-8")))
        f.write(b"\n")
    except (UnicodeEncodeError, jsontext.Unstreamable):  # a lone surrogate: as `dumps` writes the file
        f.seek(0)
        f.truncate()
        f.write(dumps(model(workspace)))


def dumps(data: Any) -> bytes:
    """Sorted keys, two-space indent, UTF-8 (the bytes of `json.dumps(indent=2)`, from a faster encoder)."""
    text = jsontext.dumps(data) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a YAML "\ud800" escape: JSON can say it as \ud800
        return (jsontext.dumps(data, ensure_ascii=True) + "\n").encode("ascii")


def model(workspace: Workspace, *, stream: bool = False) -> dict[str, Any]:
    """The workspace as journeys.json says it; `stream`: the journeys made one at a time as they are written."""
    loc = Locator(workspace.root)
    journeys = sorted(workspace.journeys, key=lambda j: j.id)
    used_by: dict[str, list[dict[str, str]]] = {}
    for journey in journeys:
        for stage in journey.stages:
            term = workspace.term(stage.term)
            if term is not None:
                used_by.setdefault(term.key, []).append({"journey": journey.id, "stage": stage.id})
    return {
        "apiVersion": "journeyc/v1",
        "kind": "Model",
        "teams": [_team(t, loc) for t in sorted(workspace.teams, key=lambda t: t.id)],
        "terms": [_term(t, loc, used_by.get(t.key, [])) for t in sorted(workspace.terms, key=lambda t: t.key)],
        "journeys": jsontext.Stream(_journey(workspace, j, loc) for j in journeys) if stream else
        [_journey(workspace, j, loc) for j in journeys],
    }


def _team(team: Team, loc: Locator) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "function": team.function, "contact": team.contact,
            "location": loc(team.ref), "extensions": plain(dict(team.extensions))}


def _term(term: Term, loc: Locator, used_by: list[dict[str, str]]) -> dict[str, Any]:
    return {"term": term.label, "definition": term.definition, "owner": term.owner,
            "aliases": list(term.aliases), "avoid": list(term.avoid), "see_also": list(term.see_also),
            "used_by": used_by, "location": loc(term.ref), "extensions": plain(dict(term.extensions))}


def _journey(workspace: Workspace, journey: Journey, loc: Locator) -> dict[str, Any]:
    exported = {s.id for _, stages in journey.export_pipelines() for s in stages}
    return {
        "id": journey.id, "name": journey.name, "owner": journey.owner, "description": journey.description,
        "start": list(journey.start_ids),
        "signals": [{"id": s.id, "description": s.description, "source": s.source,
                     "location": loc(s.ref), "extensions": plain(dict(s.extensions))}
                    for s in journey.signals],
        "stages": [_stage(workspace, journey, s, loc, s.id in exported) for s in journey.stages],
        "pipelines": [{"id": p.id, "name": p.name, "object": p.object, "implicit": p.implicit,
                       "stages": [s.id for s in stages], "location": loc(p.ref),
                       "crm": pipeline_crm(Exported(journey, p, tuple(stages))),
                       "extensions": plain(dict(p.extensions))}
                      for p, stages in journey.export_pipelines()],
        "location": loc(journey.ref),
        "extensions": plain(dict(journey.extensions)),
    }


def pipeline_crm(e: Exported) -> dict[str, Any]:
    """The pipeline's identity in each CRM that takes its object: written under `crm:`, else derived."""
    object_type = identity.hubspot_object_type(e.pipeline)
    entity = ENTITIES.get(e.pipeline.object)
    return {
        "hubspot": {"id": identity.hubspot_pipeline_id(e.journey, e.pipeline), "object_type": object_type}
        if object_type else None,
        "salesforce": {"object": entity.name, "record_type": identity.salesforce_record_type(e),
                       "process": identity.salesforce_process(e)} if entity else None,
        "pipedrive": {"id": identity.pipedrive_id(e.pipeline.crm)} if e.pipeline.object == "deal" else None,
    }


def stage_crm(journey: Journey, stage: Stage) -> dict[str, Any]:
    """An exported stage's identity in each CRM (Pipedrive's id only when written: Pipedrive numbers stages itself)."""
    return {"hubspot": {"id": identity.hubspot_stage_id(journey, stage)},
            "salesforce": {"value": identity.salesforce_value(stage)},
            "pipedrive": {"id": identity.pipedrive_id(stage.crm)}}


def _stage(workspace: Workspace, journey: Journey, stage: Stage, loc: Locator, exported: bool) -> dict[str, Any]:
    term = workspace.term(stage.term)
    return {
        "id": stage.id, "label": stage.label, "term": stage.term, "term_label": term.label if term else None,
        "owner": stage.owner, "description": stage.description, "sla_days": stage.sla_days,
        "probability": stage.probability, "risk": stage.risk, "actions": list(stage.actions),
        "content": list(stage.content), "pipeline": stage.pipeline, "outcome": stage.outcome,
        "terminal": stage.terminal,
        "exits": [{"to": e.to, "when": e.when, "handoff": is_handoff(journey, stage, e),
                   "location": loc(e.ref)} for e in stage.exits],
        "location": loc(stage.ref),
        "crm": stage_crm(journey, stage) if exported else None,
        "extensions": plain(dict(stage.extensions)),
    }


# --- locations -------------------------------------------------------------------


class Locator:
    """Where objects were written: file relative to the workspace root (not the cwd) and line."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._files: dict[str, str] = {}

    def __call__(self, ref: Ref) -> dict[str, Any]:
        rel = self._files.get(ref.file)
        if rel is None:
            rel = os.path.relpath(os.path.abspath(ref.file), self.root).replace(os.sep, "/") if ref.file else ""
            self._files[ref.file] = rel
        return {"file": rel, "line": ref.line}
