"""`journeyc import`: the workspace it writes, the decisions `check` then lists, refusals and merges."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from crm_helpers import FIX, SOURCES, fill_in

from journeyc.cli import main

SALES_PIPELINE = """\
# Imported by `journeyc import` from HubSpot (deals.json, tickets.json).
# Left for people: the `owner:` of every stage, the signal (`when:`) of every exit, and
# the exits the CRM does not know (only its linear order is written here).
apiVersion: journeyc/v1
kind: Journey
id: sales-pipeline
name: Sales Pipeline
crm:
  hubspot: {id: default}
stages:
  - id: appointment-scheduled
    term: Appointment Scheduled
    owner:
    probability: 20
    crm:
      hubspot: {id: appointmentscheduled}
    exits:
      - to: qualified-to-buy
"""


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def codes(run, path: str = "ws") -> collections.Counter[str]:
    result = run("check", path, "--format", "json")
    return collections.Counter(d["code"] for d in json.loads(result.output)["diagnostics"])


def test_hubspot_import_writes_a_workspace_and_leaves_the_decisions(run, tmp_path: Path) -> None:
    result = run("import", *SOURCES["hubspot"], "--into", "ws")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "journeyc import: 2 journeys from HubSpot into ws",
        "  wrote: journeyc.yaml", "  wrote: teams.yaml", "  wrote: vocabulary/hubspot.yaml",
        "  wrote: journeys/sales-pipeline.yaml", "  wrote: journeys/support-pipeline.yaml",
        "Left for people (journeyc check lists each one):",
        "  11 stage owners (JC301), 11 term definitions (JC004), 9 exit signals (JC604), 8 SLAs (JC601);",
        "  and the exits the CRM does not know: only its linear order was written (no rule reports missing"
        " exits: review each journey)",
        "Next: add your teams to teams.yaml, fill in `owner:` and `definition:`, then run journeyc check."]
    text = (tmp_path / "ws/journeys/sales-pipeline.yaml").read_text()
    assert text.startswith(SALES_PIPELINE)
    support = (tmp_path / "ws/journeys/support-pipeline.yaml").read_text()
    assert "id: support-pipeline  # journeyc: ignore[JC405] a support pipeline has no won outcome" in support
    assert "  - id: closed\n    term: Closed\n    owner:\n    pipeline: tickets\n    terminal: true\n" in support
    # each decision once: an owner per stage, a definition per term, a signal per exit, an SLA per open stage
    assert codes(run) == {"JC301": 11, "JC204": 11, "JC604": 9, "JC601": 8}
    result = json.loads(run("check", "ws", "--format", "json").output)["diagnostics"]
    owners = [d["message"].split("'")[1] for d in result if d["code"] == "JC301"]
    assert sorted(owners) == sorted(set(owners)) and len(owners) == 11
    fill_in(tmp_path / "ws")
    assert codes(run) == {"JC604": 9, "JC601": 8}


@pytest.mark.parametrize(("crm", "expected"), [
    ("pipedrive", {"JC301": 12, "JC204": 10, "JC604": 10, "JC601": 7, "JC506": 5}),
    ("salesforce", {"JC301": 18, "JC204": 18, "JC604": 15, "JC601": 14}),
])
def test_each_crm_imports_to_a_workspace_that_checks_once_filled_in(run, tmp_path: Path, crm: str,
                                                                    expected: dict[str, int]) -> None:
    assert run("import", *SOURCES[crm], "--into", "ws").exit_code == 0
    assert codes(run) == expected
    fill_in(tmp_path / "ws")
    filled = codes(run)
    # Pipedrive's sales pipeline has deal probability off: its stages carry none, and the warning that the
    # exports would get journeyc's derived probability (JC506) is a decision left to people
    assert {code for code in filled if code < "JC6"} == ({"JC506"} if crm == "pipedrive" else set())


def test_pipedrive_rotting_days_and_statuses(run, tmp_path: Path) -> None:
    assert run("import", *SOURCES["pipedrive"], "--into", "ws").exit_code == 0
    text = (tmp_path / "ws/journeys/partnerships.yaml").read_text()
    assert ("  - id: pilot\n    term: Pilot\n    owner:\n    probability: 50\n    sla_days: 14\n"
            "    crm:\n      pipedrive: {id: 7}\n    exits:\n      - to: contract\n") in text
    assert ("  - id: contract\n    term: Contract\n    owner:\n    probability: 80\n    crm:\n"
            "      pipedrive: {id: 8}\n    exits:\n      - to: won\n      - to: lost\n") in text
    assert "  - id: won\n    term: Won\n    owner:\n    outcome: won\n    terminal: true\n" in text
    # probability is off in "Sales pipeline": its 100s mean nothing and are not imported
    assert "probability" not in (tmp_path / "ws/journeys/sales-pipeline.yaml").read_text()


def test_salesforce_identity_and_forecast_categories(run, tmp_path: Path) -> None:
    assert run("import", *SOURCES["salesforce"], "--into", "ws").exit_code == 0
    text = (tmp_path / "ws/journeys/sales-process.yaml").read_text()
    assert "crm:\n  salesforce: {process: Sales Process, record_type: New_Business}\n" in text
    assert "    term: Proposal/Price Quote\n    owner:\n    probability: 75\n    crm:\n" \
           "      salesforce: {value: Proposal/Price Quote, forecast_category: Pipeline}\n" in text
    lead = (tmp_path / "ws/journeys/lead-statuses.yaml").read_text()
    assert "      salesforce: {}  # the org-wide values: no business process\n" in lead


def test_several_crms_merge_terms(run, tmp_path: Path) -> None:
    result = run("import", *SOURCES["hubspot"], *SOURCES["pipedrive"], "--into", "ws")
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if line.startswith("merged:")] == [
        "merged: term 'Closed Won' also names 'Won' (Pipedrive 'Sales pipeline'): the won stage of each pipeline",
        "merged: term 'Closed Lost' also names 'Lost' (Pipedrive 'Sales pipeline'): the lost stage of each"
        " pipeline"]
    vocabulary = (tmp_path / "ws/vocabulary/hubspot-pipedrive.yaml").read_text()
    assert "  - term: Closed Won\n    aliases: [Won]\n  - term: Closed Lost\n    aliases: [Lost]\n" in vocabulary
    assert sorted(p.name for p in (tmp_path / "ws/journeys").iterdir()) == [
        "partnerships.yaml", "sales-pipeline-2.yaml", "sales-pipeline.yaml", "support-pipeline.yaml"]


def test_nothing_is_written_when_an_input_is_bad(run, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"results": [{"id": "x", "label": "X", "stages": [')
    result = run("import", *SOURCES["hubspot"], "broken.json", "--into", "ws")
    assert (result.exit_code, result.output) == (2, "journeyc: error: broken.json:1:51: truncated JSON: the"
                                                    " document ends before it is complete (an interrupted"
                                                    " download?)\n")
    assert not (tmp_path / "ws").exists()


def test_existing_files_are_never_overwritten_without_force(run, tmp_path: Path) -> None:
    assert run("import", *SOURCES["hubspot"], "--into", "ws").exit_code == 0
    again = run("import", *SOURCES["hubspot"], "--into", "ws")
    assert again.exit_code == 0
    assert "  unchanged: journeys/sales-pipeline.yaml" in again.output.splitlines()
    fill_in(tmp_path / "ws")
    before = (tmp_path / "ws/journeys/sales-pipeline.yaml").read_text()
    refused = run("import", *SOURCES["hubspot"], "--into", "ws")
    assert refused.exit_code == 2
    assert "--- a/journeys/sales-pipeline.yaml\n+++ b/journeys/sales-pipeline.yaml\n" in refused.output
    assert "-    owner: sales\n+    owner:\n" in refused.output
    assert refused.output.endswith("journeyc: error: 2 existing file(s) would change (diff above): nothing"
                                   " written; use --force to overwrite\n")
    assert (tmp_path / "ws/journeys/sales-pipeline.yaml").read_text() == before
    forced = run("import", *SOURCES["hubspot"], "--into", "ws", "--force")
    assert forced.exit_code == 0
    assert "  wrote (replaced): journeys/sales-pipeline.yaml" in forced.output.splitlines()
    assert "    owner:\n" in (tmp_path / "ws/journeys/sales-pipeline.yaml").read_text()


def test_dry_run_writes_nothing(run, tmp_path: Path) -> None:
    result = run("import", *SOURCES["pipedrive"], "--into", "ws", "--dry-run")
    assert result.exit_code == 0 and "  would write: journeys/partnerships.yaml" in result.output.splitlines()
    assert not (tmp_path / "ws").exists()


def test_pipelines_grouped_into_one_journey(run, tmp_path: Path) -> None:
    result = run("import", *SOURCES["hubspot"], "--into", "ws", "--journey", "customer=default,hubspot:0")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "ws/journeys/customer.yaml").read_text()
    assert "start: [appointment-scheduled, new]\npipelines:\n  - id: deals\n    name: Sales Pipeline\n" in text
    assert codes(run)["JC401"] == 0
    bad = run("import", *SOURCES["hubspot"], "--into", "ws2", "--journey", "x=nothing")
    assert bad.output == ("journeyc: error: --journey x: 'nothing' names 0 pipelines (name one by its CRM id, or"
                          " prefix it with hubspot:, salesforce: or pipedrive:)\n")


def test_verbose_lists_unknown_vendor_fields(run, tmp_path: Path) -> None:
    data = json.loads((FIX / "hubspot/deals.json").read_text())
    data["results"][0]["stages"][0]["color"] = "red"
    (tmp_path / "deals.json").write_text(json.dumps(data))
    quiet = run("import", "deals.json", "--into", "a")
    assert "journeyc: 1 vendor field(s) journeyc does not know were ignored (--verbose lists them)\n" in quiet.output
    loud = run("import", "deals.json", "--into", "b", "--verbose")
    assert "journeyc: ignored unknown field: deals.json: /results/0/stages/0/color\n" in loud.output
