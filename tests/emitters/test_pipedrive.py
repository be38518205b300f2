"""Pipedrive pipelines: golden files, the v2 request bodies, how pipeline_id is filled, won/lost as deal statuses.

Every body is validated against tests/contracts/pipedrive-v2-write.schema.json, derived from the v2 models of
Pipedrive's official client pipedrive/client-nodejs (src/versions/v2/models/add-stage-request.ts @ 6587f8e4,
add-pipeline-request.ts and update-pipeline-request.ts @ 462144a4, update-stage-request.ts @ 78be7569;
OpenAPI document 2.0.0), not against ../shared/specs/pipedrive-stage.schema.json, which accepts order_nr and a
missing pipeline_id.
"""

from __future__ import annotations

import json
from typing import Any

from journeyc.emitters import Files


def _bodies(files: Files) -> dict[str, Any]:
    return {str(p): json.loads(b) for p, b in files.items()}


def _deals(*stages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "journeyc/v1", "kind": "Journey", "id": "deals", "name": "Deals", "stages": list(stages),
            **extra}


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("pipedrive", example)
    golden("pipedrive", files)


def test_every_body_is_a_v2_body(example, emit, make_workspace, hostile, contract) -> None:
    add_pipeline = contract("pipedrive-v2-write.schema.json", "addPipeline")
    update_pipeline = contract("pipedrive-v2-write.schema.json", "updatePipeline")
    add_stage = contract("pipedrive-v2-write.schema.json", "addStage")
    update_stage = contract("pipedrive-v2-write.schema.json", "updateStage")
    files = {**emit("pipedrive", example)[0], **emit("pipedrive", make_workspace(hostile))[0]}
    bodies = _bodies(files)
    assert len(bodies) == 3 and sum(len(b["stages"]) for b in bodies.values()) == 8
    for body in bodies.values():
        assert not list(add_pipeline.iter_errors(body["pipeline"]))
        assert not list(update_pipeline.iter_errors(body["pipeline"]))
        for stage in body["stages"]:
            assert "pipeline_id" not in stage   # no pinned id: the file says how to fill it
            filled = {**stage, "pipeline_id": 1}
            assert not list(add_stage.iter_errors(filled)), stage
            assert not list(update_stage.iter_errors(stage)), stage
        assert body["journeyc"]["pipeline_id"].startswith("not known yet: POST the pipeline body, then add"
                                                          ' "pipeline_id": <data.id of its response>')


def test_a_pinned_pipeline_id_fills_pipeline_id_and_pinned_stages_are_patched(emit, make_workspace, contract) -> None:
    add_stage = contract("pipedrive-v2-write.schema.json", "addStage")
    update_stage = contract("pipedrive-v2-write.schema.json", "updateStage")
    ws = make_workspace(_deals(
        {"id": "demo", "owner": "sales", "sla_days": 7, "probability": 20, "crm": {"pipedrive": {"id": 31}},
         "exits": [{"to": "proposal"}]},
        {"id": "proposal", "owner": "sales", "probability": 40, "exits": [{"to": "won"}]},
        {"id": "won", "owner": "sales", "outcome": "won", "terminal": True},
        crm={"pipedrive": {"id": 7}}))
    body = _bodies(emit("pipedrive", ws)[0])["crm/pipedrive/deals.json"]
    assert body["stages"] == [
        {"name": "Demo", "pipeline_id": 7, "deal_probability": 20, "is_deal_rot_enabled": True, "days_to_rotten": 7},
        {"name": "Proposal", "pipeline_id": 7, "deal_probability": 40, "is_deal_rot_enabled": False},
    ]
    for stage in body["stages"]:
        assert not list(add_stage.iter_errors(stage)) and not list(update_stage.iter_errors(stage))
    manifest = body["journeyc"]
    assert manifest["pipeline_request"] == "PATCH /api/v2/pipelines/7"
    assert manifest["pipeline_id"] == "7: the pipeline's crm.pipedrive.id, written in every stage body"
    assert [(s["id"], s["pipedrive_id"], s["request"]) for s in manifest["stages"]] == [
        ("demo", 31, "PATCH /api/v2/stages/31"), ("proposal", None, "POST /api/v2/stages")]


def test_no_order_nr_and_the_order_is_said(example, emit) -> None:
    for body in _bodies(emit("pipedrive", example)[0]).values():
        assert all("order_nr" not in s for s in body["stages"])
        assert body["journeyc"]["stage_order"].startswith("Pipedrive API v2 cannot set stage order (no order_nr)")


def test_won_and_lost_are_deal_statuses_not_stages(example, emit) -> None:
    body = _bodies(emit("pipedrive", example)[0])["crm/pipedrive/new-business--opportunities.json"]
    assert [s["name"] for s in body["stages"]] == ["Discovery", "Demo", "Proposal", "Negotiation"]
    assert body["journeyc"]["deal_statuses"] == [
        {"id": "closed-won", "name": "Closed won", "status": "won"},
        {"id": "closed-lost", "name": "Closed lost", "status": "lost", "lost_reason": "Closed lost"}]


def test_several_closed_stages_stay_apart(emit, make_workspace) -> None:
    """Several won or lost stages do not collapse silently: each is mapped, a lost one with its own lost_reason."""
    ws = make_workspace(_deals(
        {"id": "demo", "owner": "sales", "probability": 30,
         "exits": [{"to": "won"}, {"to": "upsold"}, {"to": "no-budget"}, {"to": "competitor"}]},
        {"id": "won", "owner": "sales", "outcome": "won", "terminal": True},
        {"id": "upsold", "owner": "sales", "outcome": "won", "terminal": True},
        {"id": "no-budget", "owner": "sales", "outcome": "lost", "terminal": True},
        {"id": "competitor", "owner": "sales", "outcome": "lost", "terminal": True}))
    body = _bodies(emit("pipedrive", ws)[0])["crm/pipedrive/deals.json"]
    assert body["journeyc"]["deal_statuses"] == [
        {"id": "won", "name": "Won", "status": "won"}, {"id": "upsold", "name": "Upsold", "status": "won"},
        {"id": "no-budget", "name": "No budget", "status": "lost", "lost_reason": "No budget"},
        {"id": "competitor", "name": "Competitor", "status": "lost", "lost_reason": "Competitor"}]


def test_order_probability_and_rotting(make_workspace, emit) -> None:
    ws = make_workspace(_deals(
        {"id": "lost", "owner": "sales", "outcome": "lost", "terminal": True},   # closed stages anywhere
        {"id": "demo", "owner": "sales", "sla_days": 7, "probability": 20, "exits": [{"to": "proposal"}]},
        {"id": "proposal", "owner": "sales", "exits": [{"to": "won"}]},          # no SLA, no probability
        {"id": "won", "owner": "sales", "outcome": "won", "terminal": True}))
    body = _bodies(emit("pipedrive", ws)[0])["crm/pipedrive/deals.json"]
    assert body["pipeline"] == {"name": "Deals", "is_deal_probability_enabled": True}
    assert body["stages"] == [
        {"name": "Demo", "deal_probability": 20, "is_deal_rot_enabled": True, "days_to_rotten": 7},
        {"name": "Proposal", "deal_probability": 20, "is_deal_rot_enabled": False},
    ]


def test_lead_and_ticket_pipelines_are_skipped_with_one_notice(example, emit) -> None:
    files, notices = emit("pipedrive", example)
    assert sorted(map(str, files)) == ["crm/pipedrive/customer--renewals.json",
                                       "crm/pipedrive/new-business--opportunities.json"]
    assert notices == ["pipedrive: not exported (Pipedrive pipelines hold deals only): ticket pipeline"
                       " customer/onboarding, lead pipeline new-business/leads"]


def test_hostile_names_round_trip(make_workspace, emit, hostile) -> None:
    body = _bodies(emit("pipedrive", make_workspace(hostile))[0])["crm/pipedrive/hostile.json"]
    assert [s["name"] for s in body["stages"]] == [hostile["stages"][0]["term"], hostile["stages"][1]["term"]]
    assert body["pipeline"]["name"] == hostile["name"]


def test_two_emits_are_byte_identical(example, emit) -> None:
    assert emit("pipedrive", example)[0] == emit("pipedrive", example)[0]
