"""HubSpot pipelines: golden files, the 2026-03 create/replace contract, ids, the manifest, probabilities.

Every body is validated against tests/contracts/hubspot-pipelines-2026-03.schema.json, derived from
HubSpot/HubSpot-public-api-spec-collection PublicApiSpecs/CRM/Pipelines/Rollouts/145896/2026-03/pipelines.json
(commit 27db85da, info.version 2026-03).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from journeyc.emitters import Files

HUBSPOT_ID = re.compile(r"^[a-z0-9_]+$")   # lowercase: HubSpot builds hs_v2_date_entered_<stage id> from it


def _bodies(files: Files) -> dict[str, Any]:
    return {str(p): json.loads(b) for p, b in files.items() if str(p).endswith(".json")}


def _journey(pipelines: list[dict[str, Any]] | None, *stages: dict[str, Any], jid: str = "deals",
             **extra: Any) -> dict[str, Any]:
    j: dict[str, Any] = {"apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": jid.capitalize(),
                         "stages": list(stages), **extra}
    if pipelines is not None:
        j["pipelines"] = pipelines
    return j


def _stage(sid: str, **kw: Any) -> dict[str, Any]:
    return {"id": sid, "term": sid.capitalize(), "owner": "sales", **kw}


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("hubspot", example)
    golden("hubspot", files)


def test_every_body_is_valid_for_create_and_replace(example, emit, make_workspace, hostile, contract) -> None:
    create = contract("hubspot-pipelines-2026-03.schema.json", "PipelineInput")
    replace = contract("hubspot-pipelines-2026-03.schema.json", "PipelineReplaceInput")
    deal = contract("hubspot-pipelines-2026-03.schema.json", "DealStageMetadata")
    bodies = {**_bodies(emit("hubspot", example)[0]), **_bodies(emit("hubspot", make_workspace(hostile))[0])}
    assert len(bodies) == 5
    for name, body in bodies.items():
        assert not list(create.iter_errors(body)), name
        assert not list(replace.iter_errors(body)), name
        # the create body's pipelineId is the only key the replace input does not define (the path carries it)
        assert set(body) - {"displayOrder", "label", "stages"} == {"pipelineId"}
        assert HUBSPOT_ID.match(body["pipelineId"])
        for stage in body["stages"]:
            assert HUBSPOT_ID.match(stage["stageId"])
            if "probability" in stage["metadata"]:
                assert not list(deal.iter_errors(stage["metadata"]))


def test_the_ids_are_the_journeyc_ids_in_snake_case(example, emit) -> None:
    body = _bodies(emit("hubspot", example)[0])["crm/hubspot/new-business--opportunities.json"]
    assert body["pipelineId"] == "new_business__opportunities"
    assert [s["stageId"] for s in body["stages"]] == [
        "new_business__discovery", "new_business__demo", "new_business__proposal", "new_business__negotiation",
        "new_business__closed_won", "new_business__closed_lost"]


def test_written_ids_win_and_a_relabel_or_reorder_keeps_every_id(emit, make_workspace) -> None:
    """Apply twice: the second build's body names the same pipeline and stages, so a replace updates them."""
    stages = [_stage("demo", probability=20, exits=[{"to": "proposal"}]),
              _stage("proposal", probability=40, crm={"hubspot": {"id": "contractsent"}}, exits=[{"to": "won"}]),
              _stage("won", outcome="won", terminal=True)]
    first = _bodies(emit("hubspot", make_workspace(_journey(None, *stages, crm={"hubspot": {"id": "default"}}),
                                                  name="first"))[0])["crm/hubspot/deals.json"]
    relabelled = [dict(stages[1], term="Quote"), dict(stages[0], exits=[{"to": "won"}]), stages[2]]
    second = _bodies(emit("hubspot", make_workspace(_journey(None, *relabelled, crm={"hubspot": {"id": "default"}}),
                                                   name="second"))[0])["crm/hubspot/deals.json"]
    assert first["pipelineId"] == second["pipelineId"] == "default"
    ids = {s["label"]: s["stageId"] for s in first["stages"]}
    assert ids == {"Demo": "deals__demo", "Proposal": "contractsent", "Won": "deals__won"}
    assert [(s["stageId"], s["label"], s["displayOrder"]) for s in second["stages"]] == [
        ("contractsent", "Quote", 0), ("deals__demo", "Demo", 1), ("deals__won", "Won", 2)]


def test_the_manifest_says_object_type_and_endpoints(example, emit) -> None:
    readme = emit("hubspot", example)[0][Path("crm/hubspot/README.md")].decode()
    for row in ("| `customer--onboarding.json` | `tickets` | `customer__onboarding` | 2 |",
                "| `customer--renewals.json` | `deals` | `customer__renewals` | 4 |",
                "| `new-business--leads.json` | `leads` | `new_business__leads` | 4 |",
                "| `new-business--opportunities.json` | `deals` | `new_business__opportunities` | 6 |"):
        assert row in readme
    assert "POST https://api.hubapi.com/crm/pipelines/2026-03/{objectType}" in readme
    assert ("PUT https://api.hubapi.com/crm/pipelines/2026-03/{objectType}/{pipelineId}"
            "?validateReferencesBeforeDelete=true&validateDealStageUsagesBeforeDelete=true") in readme


def test_deal_probabilities_are_strings_in_steps_of_a_tenth(emit, make_workspace) -> None:
    ws = make_workspace(_journey(
        None,
        _stage("nurture", probability=0, exits=[{"to": "demo"}]),     # open at 0: HubSpot would read closed lost
        _stage("demo", probability=25, exits=[{"to": "offer"}]),       # rounded half up, not half to even
        _stage("offer", exits=[{"to": "proposal"}]),                   # no probability: inherits 25%
        _stage("proposal", probability=100, exits=[{"to": "won"}]),   # open at 100: would read closed won
        _stage("won", outcome="won", terminal=True),
        _stage("lost", outcome="lost", terminal=True)))
    body = _bodies(emit("hubspot", ws)[0])["crm/hubspot/deals.json"]   # no `pipelines`: one deal pipeline
    assert body["label"] == "Deals" and body["displayOrder"] == 0
    assert [(s["label"], s["displayOrder"], s["metadata"]) for s in body["stages"]] == [
        ("Nurture", 0, {"probability": "0.1"}),
        ("Demo", 1, {"probability": "0.3"}),
        ("Offer", 2, {"probability": "0.3"}),
        ("Proposal", 3, {"probability": "0.9"}),
        ("Won", 4, {"probability": "1.0"}),
        ("Lost", 5, {"probability": "0.0"}),
    ]


@pytest.mark.parametrize("percent", range(10, 100, 10))
def test_probabilities_in_steps_of_ten_are_emitted_exactly(emit, make_workspace, percent: int) -> None:
    ws = make_workspace(_journey(None, _stage("demo", probability=percent, exits=[{"to": "won"}]),
                                 _stage("won", outcome="won", terminal=True)))
    files, _ = emit("hubspot", ws)
    assert _bodies(files)["crm/hubspot/deals.json"]["stages"][0]["metadata"] == {"probability": f"{percent / 100:.1f}"}


def test_ticket_and_lead_pipelines(emit, make_workspace) -> None:
    """HubSpot's pipelines guide lists Leads among the objects with pipelines: they are exported too."""
    pipelines = [{"id": "support", "name": "Support", "object": "ticket"},
                 {"id": "inbound", "name": "Inbound", "object": "lead"}]
    ws = make_workspace(_journey(
        pipelines,
        _stage("lead", pipeline="inbound", exits=[{"to": "open"}]),
        _stage("open", pipeline="support", exits=[{"to": "done"}, {"to": "parked"}]),
        _stage("done", pipeline="support", outcome="won", terminal=True),
        _stage("parked", pipeline="support", terminal=True)))
    files, notices = emit("hubspot", ws)
    bodies = _bodies(files)
    assert sorted(bodies) == ["crm/hubspot/deals--inbound.json", "crm/hubspot/deals--support.json"]
    assert [s["metadata"] for s in bodies["crm/hubspot/deals--support.json"]["stages"]] == [
        {"ticketState": "OPEN"}, {"ticketState": "CLOSED"}, {"ticketState": "CLOSED"}]
    assert bodies["crm/hubspot/deals--inbound.json"]["stages"] == [
        {"label": "Lead", "displayOrder": 0, "stageId": "deals__lead", "metadata": {}}]
    # displayOrder counts per object type: each is listed apart in HubSpot
    assert [b["displayOrder"] for b in bodies.values()] == [0, 0]
    assert notices == []


def test_pipeline_without_stages_is_skipped_with_a_notice(emit, make_workspace) -> None:
    ws = make_workspace(_journey([{"id": "empty", "object": "deal"}], _stage("solo", terminal=True, outcome="won")))
    files, notices = emit("hubspot", ws)
    assert sorted(map(str, files)) == ["crm/hubspot/README.md"]
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
