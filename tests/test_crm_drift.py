"""`journeyc drift`: matched by identity, each difference with map and CRM values and what to do, four formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from crm_helpers import FIX, SOURCES

from journeyc.cli import main


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["import", *SOURCES["hubspot"], *SOURCES["pipedrive"], *SOURCES["salesforce"],
                                "--into", "ws"]).exit_code == 0
    return lambda *args: runner.invoke(main, ["drift", "--path", "ws", *args])


def changed_hubspot(tmp_path: Path) -> str:
    data = json.loads((FIX / "hubspot/deals.json").read_text())
    stages = data["results"][0]["stages"]
    stages[1]["label"] = "Qualified to buy (SQL)"
    stages[2]["metadata"]["probability"] = "0.5"
    stages[3]["displayOrder"], stages[4]["displayOrder"] = 4, 3
    del stages[0]
    stages.append({"id": "legalreview", "label": "Legal review", "displayOrder": 7, "archived": False,
                   "metadata": {"isClosed": "false", "probability": "0.9"}, "createdAt": "1970-01-01T00:00:00Z",
                   "updatedAt": "1970-01-01T00:00:00Z"})
    path = tmp_path / "deals.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_an_untouched_import_has_no_drift(ws) -> None:
    for crm in ("hubspot", "pipedrive", "salesforce"):
        result = ws(*SOURCES[crm], "--exit-code")
        assert result.exit_code == 0
        assert result.output.splitlines()[-1] == {
            "hubspot": "No drift: 2 pipelines match HubSpot.", "pipedrive": "No drift: 2 pipelines match Pipedrive.",
            "salesforce": "No drift: 3 pipelines match Salesforce."}[crm]


def test_drift_json(ws, tmp_path: Path) -> None:
    result = ws(changed_hubspot(tmp_path), str(FIX / "hubspot/tickets.json"), "--format", "json", "--exit-code")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == {"pipelines_compared": 2, "pipelines_with_drift": 1, "pipelines_missing_in_crm": 0,
                               "pipelines_missing_in_map": 0, "stages_changed": 3, "stages_missing_in_crm": 1,
                               "stages_missing_in_map": 1, "changes": 3}
    # the Pipedrive "Sales pipeline" carries only Pipedrive's identity: not HubSpot's business
    [sales] = data["pipelines"]
    assert (sales["status"], sales["journey"], sales["crm_id"], sales["matched_by"]) == \
           ("matched", "sales-pipeline", "default", "identity")
    stages = {(s["status"], s["label"]): s for s in sales["stages"]}
    assert [(c["field"], c["map"], c["crm"]) for c in stages["changed", "Qualified To Buy"]["changes"]] == \
           [("label", "Qualified To Buy", "Qualified to buy (SQL)")]
    probability = stages["changed", "Presentation Scheduled"]["changes"][0]
    assert probability == {
        "field": "probability", "map": 60, "crm": 50,
        "yaml": "in ws/journeys/sales-pipeline.yaml, stage `presentation-scheduled` of journey `sales-pipeline`:"
                " probability: 50",
        "crm_action": "or set the probability of the HubSpot stage 'Presentation Scheduled' to 60"
                      " (`journeyc build` writes it)"}
    assert stages["changed", "Presentation Scheduled"]["line"] == 27
    order = stages["changed", "Decision Maker Bought-In"]["changes"][0]
    assert (order["field"], order["map"], order["crm"]) == ("order", 3, 4)
    assert "move the stage right after stage `contract-sent`" in order["yaml"]
    assert stages["missing_in_crm", "Appointment Scheduled"]["crm_action"] == \
           "or create the stage 'Appointment Scheduled' in HubSpot (`journeyc build` writes it)"
    assert stages["missing_in_map", "Legal review"]["yaml"] == (
        "in ws/journeys/sales-pipeline.yaml, journey `sales-pipeline`, add to `stages:` (and a vocabulary term for"
        " Legal review):\n- id: legal-review\n  term: Legal review\n  owner:\n  probability: 90\n  crm:\n"
        "    hubspot: {id: legalreview}")


def test_drift_is_matched_by_identity_then_by_label(ws, tmp_path: Path) -> None:
    data = json.loads((FIX / "pipedrive/stages.json").read_text())
    data["data"][6]["id"] = 70              # Pilot recreated by hand: a new id, the same name
    data["data"][6]["days_to_rotten"] = 21
    (tmp_path / "stages.json").write_text(json.dumps(data))
    result = ws(str(FIX / "pipedrive/pipelines.json"), str(tmp_path / "stages.json"))
    assert result.output.splitlines()[1:] == [
        'Pipedrive deal pipeline "Partnerships" (2) = journey partnerships',
        '  ws/journeys/partnerships.yaml:19: stage pilot "Pilot" (70): changed [matched by label]',
        "    rotting days: map 14, Pipedrive 21",
        "      fix the map: in ws/journeys/partnerships.yaml, stage `pilot` of journey `partnerships`: sla_days: 21",
        "      or set the rotting days of the Pipedrive stage 'Pilot' to 14 (`journeyc build` writes it)",
        '    identity: map "7", Pipedrive "70"',
        "      fix the map: in ws/journeys/partnerships.yaml, stage `pilot` of journey `partnerships`: crm:",
        "            pipedrive: {id: 70}",
        "      or give the Pipedrive stage the identity 7",
        "Drift: 1 pipeline with drift, 1 stage changed."]


def test_forecast_category_and_closed_state(ws, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "retrieve"
    shutil.copytree(FIX / "salesforce/retrieve", copy)
    values = copy / "force-app/main/default/standardValueSets/OpportunityStage.standardValueSet-meta.xml"
    text = values.read_text().replace(
        "<probability>90</probability>", "<probability>90</probability>").replace(
        "<forecastCategory>Pipeline</forecastCategory>\n        <probability>90",
        "<forecastCategory>Forecast</forecastCategory>\n        <probability>90")
    values.write_text(text)
    result = ws(str(copy), "--format", "json")
    [p] = json.loads(result.output)["pipelines"]
    [stage] = p["stages"]
    assert (stage["label"], [(c["field"], c["map"], c["crm"]) for c in stage["changes"]]) == \
           ("Negotiation/Review", [("forecast_category", "Pipeline", "Forecast")])
    assert stage["changes"][0]["yaml"].endswith("crm:\n  salesforce: {value: Negotiation/Review,"
                                                " forecast_category: Forecast}")


def test_markdown_and_github_formats(ws, tmp_path: Path) -> None:
    source = changed_hubspot(tmp_path)
    markdown = ws(source, "--format", "markdown", "--only-mapped").output
    assert markdown.startswith("<!-- journeyc-drift -->\n## journeyc drift\n\nDrift: 1 pipeline with drift,")
    assert ("| presentation-scheduled \"Presentation Scheduled\" | probability | 60 | 50 | <code>in"
            " ws/journeys/sales-pipeline.yaml, stage &#96;presentation-scheduled&#96; of journey"
            " &#96;sales-pipeline&#96;: probability: 50</code> |") in markdown
    github = ws(source, "--format", "github").output.splitlines()
    assert github[0].startswith("::warning file=ws/journeys/sales-pipeline.yaml,line=19,title=journeyc drift::"
                                'HubSpot deal pipeline "Sales Pipeline" (default) = journey sales-pipeline: ')


def test_live_fetch_needs_a_source_or_a_token(ws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBSPOT_TOKEN", raising=False)
    monkeypatch.delenv("PIPEDRIVE_API_TOKEN", raising=False)
    result = ws()
    assert (result.exit_code, result.output) == (2, "journeyc: error: give a SOURCE or --fetch, or set"
                                                    " HUBSPOT_TOKEN or PIPEDRIVE_API_TOKEN (see 'journeyc drift"
                                                    " --help')\n")
