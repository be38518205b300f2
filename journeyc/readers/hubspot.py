"""HubSpot: the pipelines of `GET /crm/v3/pipelines/{objectType}` (saved or live) -> neutral configuration.

Also reads one pipeline (`GET .../{pipelineId}`) and the create/replace bodies
journeyc's own build writes (`label`, `displayOrder`, `stages`, and the
`pipelineId`/`stageId` of the date-versioned API when present), so a build can
be read back. Source: HubSpot's CRM Pipelines OpenAPI, v3
(`CollectionResponsePipelineNoPaging`, `Pipeline`, `PipelineStage`): stage
metadata values are strings; deal stages carry `probability` ("0.0".."1.0",
where 1.0 is closed won and 0.0 closed lost) and, in responses, `isClosed`;
ticket stages carry `ticketState` OPEN or CLOSED. Order is `displayOrder`, ties
by label. The object type is not in the response: it comes from the metadata
(probability: deals, ticketState: tickets) or from the caller.
"""

from __future__ import annotations

from typing import Any

from journeyc.readers.config import Anchor, CrmConfig, CrmPipeline, CrmStage
from journeyc.readers.jsondoc import Node, Source, parse

OBJECTS = {"deals": "deal", "tickets": "ticket", "leads": "lead"}
_PIPELINE = frozenset({"id", "label", "displayOrder", "createdAt", "updatedAt", "archived", "archivedAt", "stages",
                       "pipelineId"})
_STAGE = frozenset({"id", "label", "displayOrder", "metadata", "createdAt", "updatedAt", "archived", "archivedAt",
                    "writePermissions", "stageId"})
_METADATA = frozenset({"probability", "isClosed", "ticketState"})


def read(data: bytes, name: str, obj: str | None = None, *, body: bool = False, guess: str | None = None) -> CrmConfig:
    """Pipelines from a saved response (or, with `body`, journeyc build's request bodies, ids optional).

    `obj` is the object type when the caller knows it (the endpoint); else the
    stages' metadata tell, else `guess` (from a file name), else it is an error.
    """
    src = Source(name)
    top = Node(parse(data, name), src)
    pipelines = [_pipeline(p, obj, body, guess) for p in _pipeline_nodes(top, body)]
    kept = [p for p in pipelines if p is not None]
    ordered = tuple(p for _, p in sorted(kept, key=_pipeline_order))
    objects = (obj,) if obj else tuple(dict.fromkeys(p.object for p in ordered))
    return CrmConfig("hubspot", ordered, (name,), tuple(src.notes), tuple(src.unknown), objects or ("deal",))


def _pipeline_nodes(top: Node, body: bool) -> list[Node]:
    value = top.value
    if isinstance(value, dict):
        if value.get("status") == "error" or {"category", "message"} <= value.keys():
            raise top.fail(f"a HubSpot error response, not pipelines: {str(value.get('message'))[:200]}")
        if "success" in value and "data" in value:
            raise top.fail("a Pipedrive response, not HubSpot pipelines (GET /crm/v3/pipelines/{objectType})")
        if "results" in value:
            top.known(frozenset({"results"}))
            return top.need("results").items()
        if "stages" in value:
            return [top]
    raise top.fail(f"not HubSpot pipelines: expected an object with 'results' (GET /crm/v3/pipelines/{{objectType}})"
                   f"{' or a pipeline body' if body else ''}")


def _pipeline(p: Node, obj: str | None, body: bool, guess: str | None) -> tuple[int, CrmPipeline] | None:
    p.expect(dict, "a pipeline object")
    if "stages" not in p.value:
        raise p.fail("not a HubSpot pipeline: no 'stages' (the response of another endpoint?)")
    p.known(_PIPELINE)
    key = p.text("pipelineId" if body else "id", required=not body)
    label = p.text("label")
    assert label is not None
    if p.flag("archived", required=False):
        p.src.notes.append(f"{p.src.name}: {p.pointer}: archived pipeline {label!r} left out")
        return None
    order = p.integer("displayOrder") or 0
    raw = [_stage(s, body) for s in p.need("stages").items()]
    stages = sorted((r for r in raw if r is not None), key=lambda r: (r[0], r[1].label))
    kind = obj or _object_of(p, [meta for _, _, meta in stages], guess)
    anchor = Anchor(p.src.name, p.pointer or "/")
    return order, CrmPipeline("hubspot", kind, key, label, tuple(_finish(s, meta, kind) for _, s, meta in stages),
                              anchor=anchor)


def _pipeline_order(item: tuple[int, CrmPipeline]) -> tuple[int, str]:
    return item[0], item[1].label


def _stage(s: Node, body: bool) -> tuple[int, CrmStage, dict[str, Any]] | None:
    s.expect(dict, "a stage object")
    s.known(_STAGE)
    key = s.text("stageId" if body else "id", required=not body)
    label = s.text("label")
    assert label is not None
    if s.flag("archived", required=False):
        s.src.notes.append(f"{s.src.name}: {s.pointer}: archived stage {label!r} left out")
        return None
    meta_node = s.need("metadata").expect(dict, "an object of strings") if not body or "metadata" in s.value \
        else None
    meta: dict[str, Any] = {}
    if meta_node is not None:
        meta_node.known(_METADATA)
        for name in _METADATA:
            meta[name] = meta_node.text(name, required=False)
        meta["_node"] = meta_node
    order = s.integer("displayOrder") or 0
    return order, CrmStage(key, label, anchor=Anchor(s.src.name, s.pointer)), meta


def _object_of(p: Node, metas: list[dict[str, Any]], guess: str | None) -> str:
    if any(m.get("probability") is not None for m in metas):
        return "deal"
    if any(m.get("ticketState") is not None for m in metas):
        return "ticket"
    if guess is not None:
        return guess
    raise p.fail("cannot tell deal, ticket or lead pipeline (no stage has a probability or a ticketState):"
                 " name the object, e.g. hubspot-leads:FILE")


def _finish(stage: CrmStage, meta: dict[str, Any], obj: str) -> CrmStage:
    node: Node | None = meta.get("_node")
    probability = outcome = state = None
    if obj == "ticket":
        state = meta.get("ticketState")
        if state is not None and state not in ("OPEN", "CLOSED"):
            raise node.need("ticketState").fail(f"expected OPEN or CLOSED, found {state!r}")  # type: ignore[union-attr]
    elif meta.get("probability") is not None:
        probability = _percent(node.need("probability"))  # type: ignore[union-attr]
    closed = meta.get("isClosed")
    if closed is not None and closed not in ("true", "false"):
        raise node.need("isClosed").fail(f"expected \"true\" or \"false\", found {closed!r}")  # type: ignore[union-attr]
    if obj != "ticket" and probability is not None:
        if closed == "true" or (closed is None and probability in (0, 100)):
            outcome = "won" if probability == 100 else "lost"
    return CrmStage(stage.key, stage.label, probability, outcome, state, anchor=stage.anchor)


def _percent(node: Node) -> int:
    """"0.2" -> 20: HubSpot probabilities are strings of a number between 0.0 and 1.0."""
    try:
        value = float(node.value)
    except ValueError:
        raise node.fail(f"expected a probability between \"0.0\" and \"1.0\", found {node.value!r}") from None
    if not 0.0 <= value <= 1.0:
        raise node.fail(f"probability {node.value} is outside 0.0..1.0")
    return round(value * 100)
