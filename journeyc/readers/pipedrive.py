"""Pipedrive: `GET /api/v2/pipelines` and `GET /api/v2/stages` responses (saved or live) -> neutral configuration.

Source: the v2 models of Pipedrive's official client (pipedrive/client-nodejs,
`GetPipelinesResponse`, `GetStagesResponse`, `StageItem`): `{success, data,
additional_data: {next_cursor}}`; stages carry `pipeline_id`, `order_nr`,
`deal_probability` (percent, used only when the pipeline has
`is_deal_probability_enabled`) and `days_to_rotten` (applies only with
`is_deal_rot_enabled`). The v1 names (`rotten_flag`, `rotten_days`,
`active_flag`, pipeline `deal_probability`) are read too. Won and lost are deal
statuses in Pipedrive, not stages, so a Pipedrive pipeline holds open stages
only. `order_nr` may start at 0 or 1 and have gaps: it is sorted, never indexed.
"""

from __future__ import annotations

from journeyc.readers.config import Anchor, CrmConfig, CrmPipeline, CrmStage, ReadError
from journeyc.readers.jsondoc import Node, Source, parse

_PIPELINE = frozenset({"id", "name", "order_nr", "is_deleted", "is_deal_probability_enabled", "add_time",
                       "update_time", "url_title", "active", "deal_probability", "selected", "is_selected"})
_STAGE = frozenset({"id", "order_nr", "name", "is_deleted", "deal_probability", "pipeline_id", "is_deal_rot_enabled",
                    "days_to_rotten", "add_time", "update_time", "active_flag", "rotten_flag", "rotten_days",
                    "pipeline_name", "pipeline_deal_probability"})


def read(files: list[tuple[bytes, str]]) -> CrmConfig:
    """One configuration from the saved pages of both responses (in any order, any number of pages)."""
    pipelines: list[Node] = []
    stages: list[Node] = []
    pages: dict[str, list[tuple[Node, bool]]] = {"pipelines": [], "stages": []}
    sources = [Source(name) for _, name in files]
    for (data, name), src in zip(files, sources, strict=True):
        kind, items, more = _page(Node(parse(data, name), src))
        (stages if kind == "stages" else pipelines).extend(items)
        pages[kind].append((items[0] if items else Node({}, src), more))
    for kind, found in pages.items():
        if len(found) == 1 and found[0][1]:
            raise found[0][0].fail("more pages follow (additional_data.next_cursor is set): save every page of"
                                   f" GET /api/v2/{kind}, or fetch live")
    config = build(pipelines, stages, sources)
    return config


def _page(top: Node) -> tuple[str, list[Node], bool]:
    value = top.value
    if not isinstance(value, dict):
        raise top.fail("not a Pipedrive response: expected an object with 'success' and 'data'")
    if value.get("success") is False:
        raise top.fail(f"a Pipedrive error response, not data: {str(value.get('error'))[:200]}")
    if "results" in value:
        raise top.fail("a HubSpot response, not Pipedrive (GET /api/v2/pipelines or /api/v2/stages)")
    if "data" not in value:
        raise top.fail("not a Pipedrive response: no 'data' (GET /api/v2/pipelines or /api/v2/stages)")
    top.known(frozenset({"success", "data", "additional_data", "related_objects"}))
    data = top.need("data")
    items = [data] if isinstance(data.value, dict) else data.items()
    for item in items:
        item.expect(dict, "a pipeline or stage object")
        if "id" not in item.value or "name" not in item.value:
            raise item.fail("not a Pipedrive pipeline or stage: no 'id' and 'name' (the response of another"
                            " endpoint?)")
    extra = top.get("additional_data")
    more = extra is not None and isinstance(extra.value, dict) and extra.value.get("next_cursor") is not None
    kind = "stages" if items and "pipeline_id" in items[0].value else "pipelines"
    return kind, items, more


def build(pipelines: list[Node], stages: list[Node], sources: list[Source]) -> CrmConfig:
    if stages and not pipelines:
        raise stages[0].fail("stages without their pipelines: give the GET /api/v2/pipelines response too")
    if pipelines and not stages:
        raise pipelines[0].fail("pipelines without their stages: give the GET /api/v2/stages response too")
    by_pipeline: dict[int, list[tuple[int, int, CrmStage]]] = {}
    for s in stages:
        found = _stage(s)
        if found is not None:
            by_pipeline.setdefault(found[0], []).append(found[1:])
    out: list[tuple[int, int, CrmPipeline]] = []
    seen: set[int] = set()
    for p in pipelines:
        p.known(_PIPELINE)
        pid, name = p.integer("id"), p.text("name")
        assert pid is not None and name is not None
        if pid in seen:
            continue  # the same pipeline on two pages, or saved twice
        seen.add(pid)
        if p.flag("is_deleted", required=False) or p.value.get("active") in (False, 0):
            p.src.notes.append(f"{p.src.name}: {p.pointer}: deleted pipeline {name!r} left out")
            continue
        enabled = _probability_enabled(p)
        mine = sorted(by_pipeline.pop(pid, []), key=lambda t: (t[0], t[1]))
        crm_stages = tuple(s if enabled else _without_probability(s) for _, _, s in mine)
        out.append((p.integer("order_nr", required=False) or 0, pid,
                    CrmPipeline("pipedrive", "deal", str(pid), name, crm_stages, probability_enabled=enabled,
                                anchor=Anchor(p.src.name, p.pointer))))
    for pid in sorted(by_pipeline):
        sources[0].notes.append(f"stages of pipeline {pid}, which the pipelines response does not list, left out")
    return CrmConfig("pipedrive", tuple(p for _, _, p in sorted(out, key=lambda t: (t[0], t[1]))),
                     tuple(s.name for s in sources), tuple(n for s in sources for n in s.notes),
                     tuple(u for s in sources for u in s.unknown), ("deal",))


def _probability_enabled(p: Node) -> bool | None:
    value = p.value.get("is_deal_probability_enabled", p.value.get("deal_probability"))
    if value is None:
        return None
    if value in (True, False, 0, 1):
        return bool(value)
    raise p.fail(f"is_deal_probability_enabled: expected true or false, found {value!r}")


def _without_probability(stage: CrmStage) -> CrmStage:
    return CrmStage(stage.key, stage.label, None, None, None, stage.rotting_days, anchor=stage.anchor)


def _stage(s: Node) -> tuple[int, int, int, CrmStage] | None:
    s.known(_STAGE)
    sid, name, pipeline = s.integer("id"), s.text("name"), s.integer("pipeline_id")
    assert sid is not None and name is not None and pipeline is not None
    if s.flag("is_deleted", required=False) or s.value.get("active_flag") in (False, 0):
        s.src.notes.append(f"{s.src.name}: {s.pointer}: deleted stage {name!r} left out")
        return None
    rot = s.value.get("is_deal_rot_enabled", s.value.get("rotten_flag"))
    days = s.integer("days_to_rotten" if "days_to_rotten" in s.value else "rotten_days", required=False)
    if days is not None and days < 0:
        raise s.fail(f"days_to_rotten {days} is negative")
    rotting = days if rot in (True, 1) and days else 0
    probability = s.integer("deal_probability", required=False)
    if probability is not None and not 0 <= probability <= 100:
        raise s.need("deal_probability").fail(f"deal probability {probability} is outside 0..100")
    order = s.integer("order_nr", required=False) or 0
    return pipeline, order, sid, CrmStage(str(sid), name, probability, rotting_days=rotting,
                                          anchor=Anchor(s.src.name, s.pointer))


def read_body(data: bytes, name: str) -> CrmPipeline:
    """One pipeline from a file journeyc build writes: `pipeline` and `stages` bodies (v1 or v2 field names)."""
    src = Source(name)
    top = Node(parse(data, name), src).expect(dict, "an object with 'pipeline' and 'stages'")
    p = top.need("pipeline").expect(dict, "a pipeline body")
    enabled = _probability_enabled(p)
    stages = []
    for index, s in enumerate(top.need("stages").items()):
        s.expect(dict, "a stage body")
        item = dict(s.value, pipeline_id=0, id=s.value.get("id") or index + 1)
        found = _stage(Node(item, src, s.pointer))
        assert found is not None
        key = str(s.value["id"]) if s.value.get("id") is not None else None
        stage = found[3]
        stage = CrmStage(key, stage.label, stage.probability, rotting_days=stage.rotting_days, anchor=stage.anchor)
        stages.append(stage if enabled is not False else _without_probability(stage))
    label = p.text("name")
    if label is None:
        raise ReadError(f"{name}: /pipeline: no name")
    key = str(p.value["id"]) if p.value.get("id") is not None else None
    return CrmPipeline("pipedrive", "deal", key, label, tuple(stages), probability_enabled=enabled,
                       anchor=Anchor(name, "/pipeline"))
