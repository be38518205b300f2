"""journeys.json: the resolved workspace, with sources, extensions, stable bytes and safe text."""

from __future__ import annotations

import io
import json
from pathlib import Path, PurePosixPath
from typing import Any

from journeyc.emitters import EmitOptions
from journeyc.emitters.model_json import Locator, emit, stream
from journeyc.engine import load_workspace

PATH = PurePosixPath("journeys.json")


def _model(root: Path) -> dict[str, Any]:
    files = emit(load_workspace(root).workspace, EmitOptions())
    assert list(files) == [PATH]
    data: dict[str, Any] = json.loads(files[PATH])
    return data


def _journey(**extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "deals", "name": "Deals", "owner": "sales",
        "x-dashboard": {"url": "https://example.test", "since": 2024},
        "signals": [{"id": "go", "description": "it moves", "source": "CRM"}],
        "stages": [
            {"id": "lead", "term": "Lead", "owner": "marketing", "sla_days": 3, "probability": 10,
             "exits": [{"to": "won", "when": "go"}], "x-colour": "blue"},
            {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True},
        ],
        **extra,
    }


def test_example_matches_golden(example, golden) -> None:
    golden("model", emit(example, EmitOptions()))


def test_model_resolves_the_workspace(make_workspace) -> None:
    data = _model(make_workspace(_journey()))
    assert (data["apiVersion"], data["kind"]) == ("journeyc/v1", "Model")
    assert [t["id"] for t in data["teams"]] == ["cs", "marketing", "sales"]          # sorted
    assert [t["term"] for t in data["terms"]] == ["Closed won", "Lead"]
    assert data["terms"][1]["used_by"] == [{"journey": "deals", "stage": "lead"}]
    (journey,) = data["journeys"]
    assert journey["start"] == ["lead"]
    assert [s["id"] for s in journey["stages"]] == ["lead", "won"]                  # journey order
    lead, won = journey["stages"]
    (exit_,) = lead["exits"]
    assert (exit_["to"], exit_["when"], exit_["handoff"]) == ("won", "go", True)
    assert exit_["location"]["file"] == "journeys/deals.yaml" and exit_["location"]["line"] > 1
    assert (lead["label"], lead["term_label"], lead["sla_days"], lead["probability"]) == ("Lead", "Lead", 3, 10)
    assert (won["outcome"], won["terminal"]) == ("won", True)
    assert journey["pipelines"] == [{"id": "deals", "name": "Deals", "object": "deal", "implicit": True,
                                     "stages": ["lead", "won"], "location": journey["location"], "extensions": {},
                                     "crm": {"hubspot": {"id": "deals", "object_type": "deals"},
                                             "salesforce": {"object": "Opportunity", "record_type": "Deals",
                                                            "process": "Deals_Process"},
                                             "pipedrive": {"id": None}}}]
    assert journey["signals"][0]["source"] == "CRM"


def test_crm_identities_written_or_derived(make_workspace) -> None:
    """What the CRM files call each stage and pipeline: for `journeyc import`, drift and funnel to match on."""
    journey = _journey(pipelines=[{"id": "sales", "object": "deal", "crm": {"pipedrive": {"id": 4}}},
                                  {"id": "support", "object": "ticket"}])
    journey["stages"][0].update(pipeline="sales", crm={"hubspot": {"id": "appointmentscheduled"},
                                                       "salesforce": {"value": "Prospecting"}})
    journey["stages"][1]["pipeline"] = "sales"
    journey["stages"].append({"id": "parked", "owner": "sales", "terminal": True})   # in no pipeline
    (data,) = _model(make_workspace(journey))["journeys"]
    lead, won, parked = data["stages"]
    assert lead["crm"] == {"hubspot": {"id": "appointmentscheduled"}, "salesforce": {"value": "Prospecting"},
                           "pipedrive": {"id": None}}
    assert won["crm"] == {"hubspot": {"id": "deals__won"}, "salesforce": {"value": "Closed won"},
                          "pipedrive": {"id": None}}
    assert parked["crm"] is None
    sales, support = (p["crm"] for p in data["pipelines"])
    assert sales == {"hubspot": {"id": "deals__sales", "object_type": "deals"}, "pipedrive": {"id": 4},
                     "salesforce": {"object": "Opportunity", "record_type": "Deals_Sales",
                                    "process": "Deals_Sales_Process"}}
    assert support == {"hubspot": {"id": "deals__support", "object_type": "tickets"}, "pipedrive": None,
                       "salesforce": {"object": "Case", "record_type": "Deals_Support",
                                      "process": "Deals_Support_Process"}}


def test_every_object_says_where_it_was_written(make_workspace, monkeypatch) -> None:
    root = make_workspace(_journey())
    monkeypatch.chdir(root.parent)  # locations are relative to the workspace root, not to the cwd
    data = _model(root)
    lines = (root / "journeys" / "deals.yaml").read_text().splitlines()
    lead = data["journeys"][0]["stages"][0]
    assert lead["location"]["file"] == "journeys/deals.yaml"
    assert lines[lead["location"]["line"] - 1].strip() == "- id: lead"
    team = data["teams"][0]
    assert team["location"]["file"] == "teams.yaml" and team["location"]["line"] >= 1


def test_extensions_are_kept(make_workspace) -> None:
    data = _model(make_workspace(_journey()))
    journey = data["journeys"][0]
    assert journey["extensions"] == {"x-dashboard": {"url": "https://example.test", "since": 2024}}
    assert journey["stages"][0]["extensions"] == {"x-colour": "blue"}


def test_yaml_scalars_json_cannot_hold_become_text(make_workspace) -> None:
    root = make_workspace(_journey())
    path = root / "journeys" / "deals.yaml"
    path.write_text(path.read_text() + "x-when: 2024-05-01\nx-ratio: .nan\n")
    journey = _model(root)["journeys"][0]
    assert journey["extensions"]["x-when"] == "2024-05-01"
    assert journey["extensions"]["x-ratio"] == "nan"


def test_hostile_text_round_trips_through_json(make_workspace) -> None:
    evil = 'Evil "q" <script>x</script> & {b} | \\ ]]> \u202e \x01 end\\'
    journey = _journey(description=evil)
    journey["stages"][0]["actions"] = [evil, "line\nbreak"]
    data = _model(make_workspace(journey))
    assert data["journeys"][0]["description"] == evil   # JSON escapes it; consumers get the text as written
    assert data["journeys"][0]["stages"][0]["actions"] == [evil, "line\nbreak"]


def test_same_input_same_bytes(make_workspace) -> None:
    root = make_workspace(_journey(), _journey(id="other", name="Other"))
    outputs = {emit(load_workspace(root).workspace, EmitOptions())[PATH] for _ in range(2)}
    assert len(outputs) == 1
    assert next(iter(outputs)).endswith(b"\n")


def test_locations_match_the_source_map(example, make_workspace) -> None:
    """The fast event-based lines agree with the loader's source map, anchors and merge keys included."""
    root = make_workspace(_journey())
    (root / "journeys" / "more.yaml").write_text(
        "apiVersion: journeyc/v1\nkind: Journey\nid: first\nname: First\nstages:\n"
        "  - &base {id: a, owner: sales, term: Lead, terminal: true}\n---\n"
        "# a second document in the same file\napiVersion: journeyc/v1\nkind: Journey\nid: second\nname: Second\n"
        "stages:\n  - {? [complex, key] : 1, id: b, owner: sales, term: Lead, terminal: true}\n"
        "  - <<: {owner: sales}\n    id: c\n    term: Lead\n    terminal: true\n"
        "    exits:\n      - {to: b}\n")
    mixed = load_workspace(root).workspace
    assert sorted(j.id for j in mixed.journeys) == ["deals", "first", "second"]
    for ws in (example, mixed):
        locate = Locator(ws.root)
        refs = [t.ref for t in ws.teams] + [t.ref for t in ws.terms]
        for journey in ws.journeys:
            refs += [journey.ref, *(s.ref for s in journey.signals), *(p.ref for p in journey.pipelines)]
            refs += [r for s in journey.stages for r in (s.ref, *(e.ref for e in s.exits))]
        assert len(refs) > 10
        for ref in refs:
            assert locate(ref)["line"] == ref.line, ref.path


def _streamed(ws: Any) -> bytes:
    buffer = io.BytesIO()
    (written,) = stream(ws, EmitOptions()).values()
    written(buffer)
    return buffer.getvalue()


def test_streamed_journeys_json_is_the_emitted_one(example: Any) -> None:
    """The build writes journeys.json journey by journey (`stream`): the same bytes as `emit`."""
    assert _streamed(example) == emit(example, EmitOptions())[PATH]


def test_a_text_utf_8_cannot_say_starts_the_file_again_as_emit_writes_it(example: Any, monkeypatch: Any) -> None:
    """A lone surrogate (which UTF-8 cannot encode) is met halfway: the file is written again from the start,
    in ASCII, as `emit` writes it."""
    from journeyc.emitters import jsontext

    def halfway(data: Any, write: Any, **kw: Any) -> None:
        write("{\n  half of it")
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(jsontext, "dump", halfway)
    assert _streamed(example) == emit(example, EmitOptions())[PATH]
