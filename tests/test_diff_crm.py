"""`journeyc diff` as a CRM admin reads it: the issue's scenarios on examples/acme-saas, `--fail-on`, unread sides.

Each scenario copies the example into BASE and HEAD, changes HEAD as a person would, and checks what the diff
says per CRM and what the next build writes: the same CRM objects after a relabel or a reorder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeyc.cli import main
from journeyc.emitters import EmitOptions, emitter
from journeyc.engine import load_workspace

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-saas"
NEW_BUSINESS = Path("journeys") / "new-business.yaml"


@pytest.fixture
def sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(EXAMPLE, base)
    shutil.copytree(EXAMPLE, head)
    monkeypatch.chdir(tmp_path)
    return base, head


def edit(root: Path, rel: Path, *pairs: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def diff(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", "base", "head", *args])
    return result.exit_code, result.output


def impact(*args: str) -> dict[str, Any]:
    code, out = diff("--format", "json", *args)
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)
    return data


def items(data: dict[str, Any], target: str) -> list[tuple[str, str]]:
    return [(i["level"], i["message"]) for i in data["impact"]["crm"][target]["items"]]


def hubspot_ids(root: Path, slug: str = "new-business--opportunities") -> list[tuple[str, str, int]]:
    files = emitter("hubspot")(load_workspace(root).workspace, EmitOptions(targets=("hubspot",)))
    body = json.loads(files[Path(f"crm/hubspot/{slug}.json")])  # type: ignore[index]
    return [(body["pipelineId"], s["stageId"], s["displayOrder"]) for s in body["stages"]]


RENAME = (("  - id: negotiation\n", "  - id: contract-negotiation\n"),
          ("{to: negotiation, when: proposal-accepted}", "{to: contract-negotiation, when: proposal-accepted}"))


def test_the_issues_rename_is_a_rename_safe_where_the_identity_stays(sides: tuple[Path, Path]) -> None:
    base, head = sides
    edit(head, NEW_BUSINESS, *RENAME)
    data = impact()
    (journey,) = data["journeys"]
    assert journey["stages"] == {"added": [], "removed": [], "changed": [], "reordered": None,
                                 "renamed": [{"from": "negotiation", "to": "contract-negotiation"}]}
    assert journey["exits"] == {"added": [], "removed": []}
    assert {t: v["level"] for t, v in data["impact"]["crm"].items()} == {
        "hubspot": "needs-migration", "salesforce": "safe", "pipedrive": "safe", "csv": "safe"}
    (hubspot,) = data["impact"]["crm"]["hubspot"]["items"]
    assert hubspot["message"] == (
        "stage negotiation renamed contract-negotiation (\"Negotiation\"): its HubSpot stageId changes"
        " \"new_business__negotiation\" → \"new_business__contract_negotiation\": open deals at the old one must move")
    assert hubspot["hint"] == ("to keep the HubSpot object and make this safe, pin its old identity on stage"
                               " contract-negotiation: `crm: {hubspot: {id: new_business__negotiation}}`")
    assert items(data, "salesforce") == [
        ("safe", "stage negotiation renamed contract-negotiation: its OpportunityStage value \"Negotiation\" stays"
                 " (records stay)")]
    assert items(data, "pipedrive") == [
        ("safe", "stage negotiation renamed contract-negotiation: its Pipedrive stage \"Negotiation\" stays"
                 " (records stay)")]
    assert data["summary"]["text"] == ("1 journey changed, 1 stage renamed; CRM impact: needs migration (HubSpot),"
                                       " safe (Salesforce, Pipedrive, CSV); 2 teams to review.")


def test_a_rename_with_the_old_id_pinned_is_safe_everywhere(sides: tuple[Path, Path]) -> None:
    base, head = sides
    pinned = "    pipeline: opportunities\n    crm: {hubspot: {id: new_business__negotiation}}\n    x-approval-matrix"
    edit(head, NEW_BUSINESS, *RENAME, ("    pipeline: opportunities\n    x-approval-matrix", pinned))
    data = impact()
    assert {t: v["level"] for t, v in data["impact"]["crm"].items()} == dict.fromkeys(
        ("hubspot", "salesforce", "pipedrive", "csv"), "safe")
    assert items(data, "hubspot") == [
        ("safe", "stage negotiation renamed contract-negotiation: its HubSpot stageId \"new_business__negotiation\""
                 " stays (records stay)")]
    assert hubspot_ids(base) == hubspot_ids(head)   # the next build replaces the same HubSpot stages


def test_a_relabel_updates_the_same_objects_except_salesforce_values(sides: tuple[Path, Path]) -> None:
    base, head = sides
    edit(head, NEW_BUSINESS, ("    term: Demo\n", "    term: Live demo\n"))
    edit(head, Path("vocabulary.yaml"), ("  - term: Demo\n", "  - term: Live demo\n"))
    data = impact()
    relabel = "stage demo relabelled \"Demo\" → \"Live demo\" (same stage, records stay)"
    assert items(data, "hubspot") == [("safe", relabel)]
    assert items(data, "pipedrive") == [("safe", relabel)]
    assert items(data, "csv") == [("safe", relabel)]
    found = data["impact"]["crm"]["salesforce"]
    assert found["level"] == "destructive"
    assert [(i["level"], i["message"], i["hint"]) for i in found["items"]] == [
        ("destructive", "OpportunityStage value \"Demo\" is deactivated: opportunities still at it keep an inactive"
                        " stage value", None),
        ("needs-migration", "stage demo (\"Live demo\"): its OpportunityStage value changes \"Demo\" → \"Live demo\":"
                            " open opportunities at the old one must move",
         "to keep the Salesforce object and make this safe, pin its old identity on stage demo:"
         " `crm: {salesforce: {value: Demo}}`")]
    assert hubspot_ids(base) == hubspot_ids(head)


def test_a_reorder_is_safe_and_said_and_keeps_every_id(sides: tuple[Path, Path]) -> None:
    base, head = sides
    text = (head / NEW_BUSINESS).read_text(encoding="utf-8")
    demo, proposal = text.index("  - id: demo\n"), text.index("  - id: proposal\n")
    negotiation = text.index("  - id: negotiation\n")
    (head / NEW_BUSINESS).write_text(text[:demo] + text[proposal:negotiation] + text[demo:proposal]
                                     + text[negotiation:], encoding="utf-8")
    data = impact()
    assert {t: v["level"] for t, v in data["impact"]["crm"].items()} == dict.fromkeys(
        ("hubspot", "salesforce", "pipedrive", "csv"), "safe")
    assert items(data, "hubspot")[-1] == (
        "safe", "stages of pipeline opportunities reordered: discovery, proposal, demo, negotiation, closed-won,"
                " closed-lost (same stages, new displayOrder)")
    assert items(data, "pipedrive")[-1][1].endswith("(API v2 cannot reorder stages: drag them in Pipedrive)")
    before, after = hubspot_ids(base), hubspot_ids(head)
    assert sorted(s for _, s, _ in before) == sorted(s for _, s, _ in after) and before != after


def test_a_one_space_indent_slip_in_head_is_not_a_removal(sides: tuple[Path, Path]) -> None:
    base, head = sides
    edit(head, NEW_BUSINESS, ("    term: MQL\n    owner: marketing\n", "    term: MQL\n   owner: marketing\n"))
    code, out = diff()
    assert code == 0
    assert out.splitlines()[1:] == [
        "warning: head (head) does not check clean: 1 error; not read as written, so left out on both sides:"
        " journeys/new-business.yaml (JC001 at line 91: `owner:` is indented less than the keys of its list item)",
        "warning: not compared (a side could not read them): journey new-business",
        "Nothing compared changed.",
    ]
    data = impact()
    assert (data["journeys"], data["skipped"]) == ([], [{"kind": "journey", "id": "new-business"}])
    assert data["unread"] == [{"side": "head", "file": "journeys/new-business.yaml", "code": "JC001", "line": 91,
                               "message": "`owner:` is indented less than the keys of its list item"}]
    assert {v["level"] for v in data["impact"]["crm"].values()} == {"none"}
    assert data["impact"]["reviewers"] == []
    # its impact is unknown: a gate fails rather than pass what it could not read
    assert diff("--fail-on", "destructive")[0] == 1


@pytest.mark.parametrize(("level", "code"), [("safe", 1), ("migration", 1), ("destructive", 0)])
def test_fail_on_a_rename(sides: tuple[Path, Path], level: str, code: int) -> None:
    edit(sides[1], NEW_BUSINESS, *RENAME)
    assert diff("--fail-on", level)[0] == code


@pytest.mark.parametrize(("level", "code"), [("safe", 0), ("migration", 0), ("destructive", 0)])
def test_fail_on_nothing_changed(sides: tuple[Path, Path], level: str, code: int) -> None:
    assert diff("--fail-on", level) == (code, "journeyc diff: base → head\nNo changes.\n")


def test_fail_on_a_removed_pipeline(sides: tuple[Path, Path]) -> None:
    edit(sides[1], Path("journeys/customer.yaml"), ("  - id: onboarding\n    name: Customer onboarding\n    object: "
                                                    "ticket               # worked as a ticket by Customer Success\n",
                                                    ""), ("    pipeline: onboarding\n", ""))
    assert diff("--fail-on", "destructive")[0] == 1
    assert diff("--fail-on", "destructive", "--format", "markdown")[0] == 1


def test_the_removed_stage_of_the_diagram_is_grey_whatever_its_risk(sides: tuple[Path, Path]) -> None:
    """A removed high-risk stage was styled red (high risk) instead of grey and dashed (removed)."""
    base, head = sides
    text = (head / NEW_BUSINESS).read_text(encoding="utf-8")
    start, end = text.index("  - id: proposal\n"), text.index("  - id: negotiation\n")
    edit(head, NEW_BUSINESS, (text[start:end], ""), ("{to: proposal, when: proposal-requested}",
                                                    "{to: negotiation, when: proposal-requested}"))
    code, out = diff("--format", "markdown")
    assert code == 0
    assert "  class s_proposal removed\n" in out
    assert "style s_proposal stroke:#B91C1C" not in out   # only the stage that stays is marked high risk
    assert "style s_negotiation stroke:#B91C1C" in out   # the high-risk colour of the diagrams


def test_exported_lists_what_each_target_receives_by_journeyc_ids() -> None:
    from journeyc.diff import exported

    ws = load_workspace(EXAMPLE).workspace
    assert sorted(exported(ws, "hubspot")) == [("customer", "onboarding"), ("customer", "renewals"),
                                               ("new-business", "leads"), ("new-business", "opportunities")]
    assert sorted(exported(ws, "pipedrive")) == [("customer", "renewals"), ("new-business", "opportunities")]
    _, _, stages = exported(ws, "pipedrive")[("customer", "renewals")]
    assert [s.id for s in stages] == ["expansion", "renewal"]   # won and lost are deal statuses in Pipedrive


def test_a_relabel_with_the_salesforce_value_pinned_is_safe_there_too(sides: tuple[Path, Path]) -> None:
    base, head = sides
    pin = ("    term: Demo\n", "    term: Demo\n    crm: {salesforce: {value: Demo}}\n")
    edit(base, NEW_BUSINESS, pin)
    edit(head, NEW_BUSINESS, pin, ("    term: Demo\n", "    term: Live demo\n"))
    edit(head, Path("vocabulary.yaml"), ("  - term: Demo\n", "  - term: Live demo\n"))
    data = impact()
    assert items(data, "salesforce") == [("safe", "stage demo relabelled \"Demo\" → \"Live demo\" (same stage,"
                                                  " records stay)")]


def test_a_side_the_salesforce_emitter_refuses_is_not_assessed(sides: tuple[Path, Path]) -> None:
    """Two pipelines that would be one record type (JC505): the impact says it was not assessed, never guesses."""
    renewals = "    name: Renewals and expansion\n    object: deal\n"
    pinned = renewals + "    crm: {salesforce: {record_type: New_Business_Opportunities}}\n"
    edit(sides[1], Path("journeys/customer.yaml"), (renewals, pinned))
    found = impact()["impact"]["crm"]["salesforce"]
    assert found == {"level": "needs-migration", "items": [{
        "level": "needs-migration", "journey": "", "pipeline": "", "stage": None, "to": [], "hint": None,
        "message": "not assessed: salesforce: pipelines customer/renewals and new-business/opportunities would both be"
                   " RecordType 'Opportunity.New_Business_Opportunities' (rule JC505: pin `crm: {salesforce: ...}` on"
                   " one of them)"}]}
