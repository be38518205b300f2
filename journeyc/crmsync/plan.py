"""What an import writes, decided before anything is written: journeys, stage ids, exits, terms, merges.

One journey per CRM pipeline (or per group the user names), its stages in CRM
order. Only the CRM's facts become YAML: labels, probabilities, closed states,
rotting days, forecast categories, identities. The exits are the CRM's linear
order (each open stage to the next, the last open stage to each closed one);
owners, signals, other exits and definitions are left for people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from journeyc.readers.config import CRM_NAMES, CrmConfig, CrmPipeline, CrmStage, ReadError

MAX_ID = 64
PIPEDRIVE_STATUSES = (("won", "Won"), ("lost", "Lost"))  # deal statuses: every Pipedrive pipeline ends in one


@dataclass
class Stage:
    id: str
    label: str
    outcome: str | None = None
    terminal: bool = False
    probability: int | None = None
    sla_days: int | None = None
    description: str | None = None
    pipeline: str | None = None             # the journey's pipeline id, when the journey declares `pipelines:`
    crm: dict[str, dict[str, str | int]] = field(default_factory=dict)
    exits: list[str] = field(default_factory=list)
    open_state: bool = False                 # a ticket stage the CRM says is OPEN (never made terminal)


@dataclass
class Pipeline:
    id: str
    source: CrmPipeline
    crm: dict[str, dict[str, str | int]]


@dataclass
class Journey:
    id: str
    name: str
    crm: str
    pipelines: list[Pipeline]
    stages: list[Stage] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    path: str | None = None                  # an existing file holding this pipeline (a re-import)

    @property
    def implicit(self) -> bool:
        """One deal pipeline: written as the journey's own (`crm:` on the journey, no `pipelines:`)."""
        return len(self.pipelines) == 1 and self.pipelines[0].source.object == "deal"


def slug(text: str, fallback: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain)
    out = "-".join(words)[:MAX_ID].strip("-")
    if not out or not out[0].isalpha():
        out = f"{fallback}-{out}".strip("-")[:MAX_ID].strip("-")
    return out


def unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        tail = f"-{n}"
        name = base[: MAX_ID - len(tail)].rstrip("-") + tail
    taken.add(name)
    return name


def identity(p: CrmPipeline) -> dict[str, dict[str, str | int]]:
    if p.crm == "hubspot":
        return {"hubspot": {"id": _checked_hubspot(p.key, p)}}
    if p.crm == "pipedrive":
        return {"pipedrive": {"id": int(p.key or 0)}}
    out: dict[str, str | int] = {}
    if not p.master:
        out["process"] = _checked(p.key or "", 80, p, "business process name")
        if p.record_type:
            if not re.fullmatch(r"[A-Za-z](?!.*__)[A-Za-z0-9_]*(?<!_)", p.record_type) or len(p.record_type) > 40:
                raise _bad(p, f"record type {p.record_type!r} is not a Salesforce developer name")
            out["record_type"] = p.record_type
    return {"salesforce": out}


def stage_identity(p: CrmPipeline, s: CrmStage) -> dict[str, dict[str, str | int]]:
    if p.crm == "hubspot":
        return {"hubspot": {"id": _checked_hubspot(s.key, p)}}
    if p.crm == "pipedrive":
        return {"pipedrive": {"id": int(s.key or 0)}}
    out: dict[str, str | int] = {"value": _checked(s.key or "", 255, p, "stage value")}
    if s.forecast_category is not None:
        out["forecast_category"] = s.forecast_category
    return {"salesforce": out}


def _checked_hubspot(key: str | None, p: CrmPipeline) -> str:
    if key is None or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", key) or len(key) > 100:
        raise _bad(p, f"HubSpot id {key!r} is not one journeyc can write (lowercase letters, digits, _ . -)")
    return key


def _checked(text: str, most: int, p: CrmPipeline, what: str) -> str:
    if not text or len(text) > most:
        raise _bad(p, f"{what} {text!r} is empty or longer than {most} characters")
    return text


def _bad(p: CrmPipeline, problem: str) -> ReadError:
    where = f"{p.anchor.file}: {p.anchor.place}" if p.anchor else CRM_NAMES[p.crm]
    return ReadError(f"{where}: {problem}")


def journeys(configs: list[CrmConfig], groups: list[tuple[str, list[CrmPipeline]]], taken: set[str],
             existing: dict[tuple[str, str], tuple[str, str]]) -> list[Journey]:
    """A journey per group, then one per remaining pipeline, ids unique in the workspace.

    `existing` maps (crm, pipeline identity) to the (journey id, file) already holding it.
    """
    grouped = {id(p) for _, ps in groups for p in ps}
    units = list(groups) + [(None, [p]) for c in configs for p in c.pipelines if id(p) not in grouped]
    out = []
    for wanted, pipelines in units:
        first = pipelines[0]
        known = existing.get((first.crm, first.key or "")) if first.key is not None else None
        if known is not None:
            jid, path = known
        else:
            jid, path = unique(wanted or slug(first.label, "pipeline"), taken), None
        journey = Journey(jid, first.label if wanted is None else wanted, first.crm, [], path=path)
        pids: set[str] = set()
        for p in pipelines:
            journey.pipelines.append(Pipeline(unique(slug(p.object + "s", "pipeline"), pids), p, identity(p)))
        _stages(journey)
        out.append(journey)
    return out


def _stages(journey: Journey) -> None:
    ids: set[str] = set()
    for pipeline in journey.pipelines:
        p = pipeline.source
        mine = []
        for s in p.stages:
            stage = Stage(unique(slug(s.label, "stage"), ids), s.label, description=s.description,
                          crm=stage_identity(p, s), open_state=s.ticket_state == "OPEN")
            _facts(stage, p, s)
            mine.append(stage)
        if p.crm == "pipedrive":
            mine += [Stage(unique(slug(label, "stage"), ids), label, outcome, True) for outcome, label in
                     PIPEDRIVE_STATUSES]
        if not journey.implicit:
            for stage in mine:
                stage.pipeline = pipeline.id
        _chain(mine)
        if mine:
            journey.start.append(next((s.id for s in mine if not s.terminal), mine[0].id))
            if all(s.terminal for s in mine):
                journey.start += [s.id for s in mine[1:]]
        journey.stages += mine


def _facts(stage: Stage, p: CrmPipeline, s: CrmStage) -> None:
    if s.outcome is not None:
        stage.outcome, stage.terminal = s.outcome, True
        standard = 100 if s.outcome == "won" else 0
        stage.probability = s.probability if s.probability not in (None, standard) else None
    elif s.converted:
        stage.outcome, stage.terminal = "won", True
    else:
        stage.terminal = s.ticket_state == "CLOSED"
        stage.probability = s.probability
    if s.rotting_days:
        stage.sla_days = s.rotting_days


def _chain(stages: list[Stage]) -> None:
    """Exits in the CRM's order: open stage to the next open one, the last open one to every closed one."""
    opens = [s for s in stages if not s.terminal]
    closed = [s for s in stages if s.terminal]
    for a, b in zip(opens, opens[1:], strict=False):
        a.exits.append(b.id)
    if opens and closed:
        opens[-1].exits += [s.id for s in closed]
    elif opens and not opens[-1].open_state:
        opens[-1].terminal = True  # the CRM's order ends there; a ticket stage the CRM calls OPEN stays open
