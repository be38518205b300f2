"""HubSpot pipelines: golden files, the v3 create-pipeline contract, probabilities, escaping."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from journeyc.emitters import Files

HUBSPOT_PROBABILITIES = [f"{p / 10:.1f}" for p in range(11)]


def _bodies(files: Files) -> dict[str, Any]:
    return {str(p): json.loads(b) for p, b in files.items()}


def _journey(pipelines: list[dict[str, Any]] | None, *stages: dict[str, Any]) -> dict[str, Any]:
    j: dict[str, Any] = {"apiVersion": "journeyc/v1", "kind": "Journey", "id": "deals", "name": "Deals",
                         "stages": list(stages)}
    if pipelines is not None:
        j["pipelines"] = pipelines
    return j


def _stage(sid: str, **kw: Any) -> dict[str, Any]:
    return {"id": sid, "term": sid.capitalize(), "owner": "sales", **kw}


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("hubspot", example)
    golden("hubspot", files)


def test_every_body_is_valid_against_the_hubspot_schema(example, emit, specs, make_workspace, hostile) -> None:
    schema = json.loads((specs / "hubspot-pipeline-input.schema.json").read_text())
    files, _ = emit("hubspot", example)
    hostile_files, _ = emit("hubspot", make_workspace(hostile))
    assert files and hostile_files
    for body in [*_bodies(files).values(), *_bodies(hostile_files).values()]:
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_file_names_layout_and_stable_json(example, emit) -> None:
    files, _ = emit("hubspot", example)
    assert sorted(map(str, files)) == ["crm/hubspot/customer--onboarding.json", "crm/hubspot/customer--renewals.json",
                                       "crm/hubspot/new-business--opportunities.json"]
    for data in files.values():
        assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
        assert data == (json.dumps(json.loads(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def test_deal_probabilities_are_strings_in_steps_of_a_tenth(emit, make_workspace) -> None:
    ws = make_workspace(_journey(
        None,
        _stage("nurture", probability=0, exits=[{"to": "demo"}]),     # open at 0: HubSpot would read closed lost
        _stage("demo", exits=[{"to": "proposal"}]),                     # no probability: inherits
        _stage("proposal", probability=100, exits=[{"to": "won"}]),   # open at 100: would read closed won
        _stage("won", outcome="won", terminal=True),
        _stage("lost", outcome="lost", terminal=True)))
    files, _ = emit("hubspot", ws)
    body = _bodies(files)["crm/hubspot/deals.json"]   # no `pipelines`: one deal pipeline named after the journey
    assert body["label"] == "Deals" and body["displayOrder"] == 0
    assert [(s["label"], s["displayOrder"], s["metadata"]) for s in body["stages"]] == [
        ("Nurture", 0, {"probability": "0.1"}),
        ("Demo", 1, {"probability": "0.1"}),
        ("Proposal", 2, {"probability": "0.9"}),
        ("Won", 3, {"probability": "1.0"}),
        ("Lost", 4, {"probability": "0.0"}),
    ]


@pytest.mark.parametrize("percent", range(10, 100, 10))
def test_probabilities_that_pass_jc503_are_emitted_exactly(emit, make_workspace, percent: int) -> None:
    ws = make_workspace(_journey(None, _stage("demo", probability=percent, exits=[{"to": "won"}]),
                                 _stage("won", outcome="won", terminal=True)))
    files, _ = emit("hubspot", ws)
    assert _bodies(files)["crm/hubspot/deals.json"]["stages"][0]["metadata"] == {"probability": f"{percent / 100:.1f}"}


def test_ticket_pipelines_use_ticket_state_and_lead_pipelines_are_skipped(emit, make_workspace) -> None:
    pipelines = [{"id": "support", "name": "Support", "object": "ticket"},
                 {"id": "inbound", "name": "Inbound", "object": "lead"}]
    ws = make_workspace(_journey(
        pipelines,
        _stage("lead", pipeline="inbound", exits=[{"to": "open"}]),
        _stage("open", pipeline="support", exits=[{"to": "done"}, {"to": "parked"}]),
        _stage("done", pipeline="support", outcome="won", terminal=True),
        _stage("parked", pipeline="support", terminal=True)))
    files, notices = emit("hubspot", ws)
    assert sorted(map(str, files)) == ["crm/hubspot/deals--support.json"]
    stages = _bodies(files)["crm/hubspot/deals--support.json"]["stages"]
    assert [s["metadata"] for s in stages] == [{"ticketState": "OPEN"}, {"ticketState": "CLOSED"},
                                               {"ticketState": "CLOSED"}]
    assert notices == ["hubspot: not exported (the HubSpot pipelines API takes deal and ticket pipelines):"
                       " lead pipeline deals/inbound"]


def test_pipeline_without_stages_is_skipped_with_a_notice(emit, make_workspace) -> None:
    ws = make_workspace(_journey([{"id": "empty", "object": "deal"}], _stage("solo", terminal=True, outcome="won")))
    files, notices = emit("hubspot", ws)
    assert files == {}
    assert notices == ["hubspot: not exported (no stages): deal pipeline deals/empty"]


def test_hostile_text_round_trips_as_data(emit, make_workspace, hostile) -> None:
    files, _ = emit("hubspot", make_workspace(hostile))
    body = _bodies(files)["crm/hubspot/hostile.json"]
    assert body["label"] == hostile["name"]
    assert [s["label"] for s in body["stages"]] == [s["term"] for s in hostile["stages"]]


def test_two_emits_are_byte_identical(example, emit) -> None:
    assert emit("hubspot", example)[0] == emit("hubspot", example)[0]


def test_labels_follow_the_vocabulary_term_else_the_id(emit, make_workspace) -> None:
    ws = make_workspace(_journey(None, {"id": "first-touch", "owner": "sales", "exits": [{"to": "won"}]},
                                 _stage("won", outcome="won", terminal=True)))
    files, _ = emit("hubspot", ws)
    assert [s["label"] for s in _bodies(files)["crm/hubspot/deals.json"]["stages"]] == ["First touch", "Won"]
