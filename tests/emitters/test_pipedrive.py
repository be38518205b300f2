"""Pipedrive pipelines: golden files, the stage contract, won/lost as deal statuses, rotting from SLAs."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from journeyc.emitters import Files


def _bodies(files: Files) -> dict[str, Any]:
    return {str(p): json.loads(b) for p, b in files.items()}


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("pipedrive", example)
    golden("pipedrive", files)


def test_every_stage_is_valid_against_the_pipedrive_schema(example, emit, specs, make_workspace, hostile) -> None:
    schema = json.loads((specs / "pipedrive-stage.schema.json").read_text())
    files = {**emit("pipedrive", example)[0], **emit("pipedrive", make_workspace(hostile))[0]}
    stages = [s for body in _bodies(files).values() for s in body["stages"]]
    assert len(stages) >= 8
    for stage in stages:
        jsonschema.validate(stage, schema, cls=jsonschema.Draft202012Validator)
    for body in _bodies(files).values():
        assert body["pipeline"]["name"]   # a pipeline body requires a name


def test_won_and_lost_are_deal_statuses_not_stages(example, emit) -> None:
    body = _bodies(emit("pipedrive", example)[0])["crm/pipedrive/new-business--opportunities.json"]
    assert [s["name"] for s in body["stages"]] == ["Discovery", "Demo", "Proposal", "Negotiation"]
    assert body["deal_statuses"] == {"won": ["Closed won"], "lost": ["Closed lost"]}
    assert [(s["id"], s["status"]) for s in body["journeyc"]["stages"]][-2:] == [("closed-won", "won"),
                                                                                 ("closed-lost", "lost")]


def test_order_probability_and_rotting(make_workspace, emit) -> None:
    ws = make_workspace({
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "deals", "name": "Deals",
        "stages": [
            {"id": "lost", "owner": "sales", "outcome": "lost", "terminal": True},   # closed stages anywhere
            {"id": "demo", "owner": "sales", "sla_days": 7, "probability": 20, "exits": [{"to": "proposal"}]},
            {"id": "proposal", "owner": "sales", "exits": [{"to": "won"}]},          # no SLA, no probability
            {"id": "won", "owner": "sales", "outcome": "won", "terminal": True},
        ]})
    body = _bodies(emit("pipedrive", ws)[0])["crm/pipedrive/deals.json"]
    assert body["pipeline"] == {"name": "Deals", "deal_probability": 1}
    assert body["stages"] == [
        {"name": "Demo", "order_nr": 0, "deal_probability": 20, "rotten_flag": True, "rotten_days": 7},
        {"name": "Proposal", "order_nr": 1, "deal_probability": 20, "rotten_flag": False},
    ]
    assert body["deal_statuses"] == {"won": ["Won"], "lost": ["Lost"]}


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
