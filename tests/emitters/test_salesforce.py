"""Salesforce DX project: golden files, every file against the Metadata API 65.0 types, mapping, encoding, escaping.

Every XML file is validated against tests/contracts/salesforce-metadata-65.xsd, derived from the Metadata API
WSDL (forcedotcom/wsdl resources/metadata.wsdl @ 5855538a, "Metadata API version 65.0"), and sfdx-project.json
against tests/contracts/sfdx-project.schema.json (forcedotcom/schemas @ 1c231dc1).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from lxml import etree

from journeyc.emitters import Files
from journeyc.emitters.salesforce import API_VERSION, developer_name, guidance
from journeyc.errors import JourneycError

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
DEVELOPER_NAME = re.compile(r"^[A-Za-z](?!.*__)[A-Za-z0-9_]*(?<!_)$")   # crm-formats.md §2.7
SRC = "crm/salesforce/force-app/main/default"
CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CONTRACTS / "salesforce-metadata-65.xsd")))


def _xml(files: Files) -> dict[str, Any]:
    return {str(p): etree.fromstring(b) for p, b in files.items() if str(p).endswith(".xml")}


def _texts(root: Any, xpath: str) -> list[str]:
    return [e.text for e in root.xpath(xpath, namespaces=NS)]


def _journey(jid: str, stages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": jid.capitalize(), "stages": stages,
            **extra}


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("salesforce", example)
    golden("salesforce", files)


def test_every_file_validates(example, emit, make_workspace, hostile, xsd, contract) -> None:
    files = {**emit("salesforce", example)[0], **emit("salesforce", make_workspace(hostile))[0]}
    docs = _xml(files)
    assert len(docs) == 21   # 18 of the example, and the hostile pipeline's value set, process, record type, Path
    for name, root in docs.items():
        assert xsd.validate(root), f"{name}: {xsd.error_log}"
    project = json.loads(files[PurePosixPath("crm/salesforce/sfdx-project.json")])
    assert not list(contract("sfdx-project.schema.json").iter_errors(project))


def test_a_deployable_project(example, emit) -> None:
    """`sf project deploy start` works from crm/salesforce: a project file, its package directory, source format."""
    files, _ = emit("salesforce", example)
    project = json.loads(files[PurePosixPath("crm/salesforce/sfdx-project.json")])
    assert project == {"name": "journeyc", "namespace": "", "sourceApiVersion": "65.0",
                       "packageDirectories": [{"path": "force-app", "default": True}]}
    names = sorted(str(p).removeprefix("crm/salesforce/") for p in files)
    source = "force-app/main/default"
    assert names == sorted([
        "README.md", "cumulusci-entries.yml", "package-without-value-sets.xml", "package.xml", "sfdx-project.json",
        f"{source}/objects/Case/businessProcesses/Customer_Onboarding_Process.businessProcess-meta.xml",
        f"{source}/objects/Case/recordTypes/Customer_Onboarding.recordType-meta.xml",
        f"{source}/objects/Lead/businessProcesses/New_Business_Leads_Process.businessProcess-meta.xml",
        f"{source}/objects/Lead/recordTypes/New_Business_Leads.recordType-meta.xml",
        f"{source}/objects/Opportunity/businessProcesses/Customer_Renewals_Process.businessProcess-meta.xml",
        f"{source}/objects/Opportunity/businessProcesses/New_Business_Opportunities_Process.businessProcess-meta.xml",
        f"{source}/objects/Opportunity/recordTypes/Customer_Renewals.recordType-meta.xml",
        f"{source}/objects/Opportunity/recordTypes/New_Business_Opportunities.recordType-meta.xml",
        f"{source}/pathAssistants/Case_Customer_Onboarding.pathAssistant-meta.xml",
        f"{source}/pathAssistants/Lead_New_Business_Leads.pathAssistant-meta.xml",
        f"{source}/pathAssistants/Opportunity_Customer_Renewals.pathAssistant-meta.xml",
        f"{source}/pathAssistants/Opportunity_New_Business_Opportunities.pathAssistant-meta.xml",
        f"{source}/settings/PathAssistant.settings-meta.xml",
        f"{source}/standardValueSets/CaseStatus.standardValueSet-meta.xml",
        f"{source}/standardValueSets/LeadStatus.standardValueSet-meta.xml",
        f"{source}/standardValueSets/OpportunityStage.standardValueSet-meta.xml",
    ])
    settings = _xml(files)[f"{SRC}/settings/PathAssistant.settings-meta.xml"]
    assert _texts(settings, "m:pathAssistantEnabled") == ["true"]


def test_package_lists_every_component(example, emit) -> None:
    files, _ = emit("salesforce", example)
    package = _xml(files)["crm/salesforce/package.xml"]
    assert _texts(package, "m:version") == [API_VERSION] == ["65.0"]
    listed = {(t.findtext("m:name", namespaces=NS), m.text) for t in package.findall("m:types", NS)
              for m in t.findall("m:members", NS)}
    expected = {("Settings", "PathAssistant")}
    for path in files:
        parts = PurePosixPath(path).relative_to(SRC).parts if str(path).startswith(SRC) else ()
        stem = parts[-1].split(".")[0] if parts else ""
        if parts and parts[0] in ("standardValueSets", "pathAssistants"):
            expected.add(({"standardValueSets": "StandardValueSet", "pathAssistants": "PathAssistant"}[parts[0]], stem))
        elif parts and parts[0] == "objects":
            kind = {"businessProcesses": "BusinessProcess", "recordTypes": "RecordType"}[parts[2]]
            expected.add((kind, f"{parts[1]}.{stem}"))
    assert listed == expected
    without = _xml(files)["crm/salesforce/package-without-value-sets.xml"]
    assert "StandardValueSet" not in _texts(without, "m:types/m:name")


def test_the_api_version_is_configurable(make_workspace, emit, example) -> None:
    ws = make_workspace(_journey("deals", [{"id": "won", "owner": "sales", "outcome": "won", "terminal": True}]),
                        build={"salesforce": {"api_version": "66.0"}})
    files, _ = emit("salesforce", ws)
    assert json.loads(files[PurePosixPath("crm/salesforce/sfdx-project.json")])["sourceApiVersion"] == "66.0"
    assert _texts(_xml(files)["crm/salesforce/package.xml"], "m:version") == ["66.0"]
    assert "Metadata API version 66.0" in files[PurePosixPath("crm/salesforce/README.md")].decode()


def test_opportunity_stages_map_probability_closed_won_and_forecast(example, emit) -> None:
    root = _xml(emit("salesforce", example)[0])[f"{SRC}/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    values = {v.findtext("m:fullName", namespaces=NS): {c.tag.split("}")[1]: c.text for c in v}
              for v in root.findall("m:standardValue", NS)}
    assert values["Discovery"]["probability"] == "10" and values["Discovery"]["forecastCategory"] == "Pipeline"
    assert values["Negotiation"]["forecastCategory"] == "BestCase"
    assert (values["Closed won"]["closed"], values["Closed won"]["won"], values["Closed won"]["probability"],
            values["Closed won"]["forecastCategory"]) == ("true", "true", "100", "Closed")
    assert (values["Closed lost"]["closed"], values["Closed lost"]["won"], values["Closed lost"]["probability"],
            values["Closed lost"]["forecastCategory"]) == ("true", "false", "0", "Omitted")
    for v in values.values():
        assert not (v["won"] == "true" and v["closed"] != "true")   # won implies closed
        assert v["default"] == "false"
    order = list(values)
    assert order.index("Closed won") > max(order.index(x) for x in ("Discovery", "Negotiation", "Renewal"))


def test_lead_status_has_converted_and_one_default(example, emit) -> None:
    root = _xml(emit("salesforce", example)[0])[f"{SRC}/standardValueSets/LeadStatus.standardValueSet-meta.xml"]
    names, flags = _texts(root, "m:standardValue/m:fullName"), _texts(root, "m:standardValue/m:converted")
    assert dict(zip(names, flags, strict=True)) == {"Lead": "false", "MQL": "false", "SQL": "true",
                                                    "Disqualified": "false"}
    assert _texts(root, "m:standardValue/m:default").count("true") == 1


def test_ticket_pipelines_are_case_support_processes(example, emit) -> None:
    docs = _xml(emit("salesforce", example)[0])
    statuses = docs[f"{SRC}/standardValueSets/CaseStatus.standardValueSet-meta.xml"]
    assert _texts(statuses, "m:standardValue/m:fullName") == ["Onboarding", "Adoption"]
    assert _texts(statuses, "m:standardValue/m:closed") == ["false", "false"]
    process = docs[f"{SRC}/objects/Case/businessProcesses/Customer_Onboarding_Process.businessProcess-meta.xml"]
    record = docs[f"{SRC}/objects/Case/recordTypes/Customer_Onboarding.recordType-meta.xml"]
    path = docs[f"{SRC}/pathAssistants/Case_Customer_Onboarding.pathAssistant-meta.xml"]
    assert _texts(record, "m:businessProcess") == _texts(process, "m:fullName") == ["Customer_Onboarding_Process"]
    assert _texts(path, "m:entityName") + _texts(path, "m:fieldName") == ["Case", "Status"]


def test_a_support_process_without_a_closed_status_is_said(example, emit) -> None:
    assert emit("salesforce", example)[1] == [
        "salesforce: ticket pipeline customer/onboarding has no closed status (a stage with an outcome, or a terminal"
        " one): its cases cannot be closed in its support process"]


def test_process_record_type_and_path_point_at_each_other(example, emit) -> None:
    docs = _xml(emit("salesforce", example)[0])
    base = f"{SRC}/objects/Opportunity"
    process = docs[f"{base}/businessProcesses/New_Business_Opportunities_Process.businessProcess-meta.xml"]
    record = docs[f"{base}/recordTypes/New_Business_Opportunities.recordType-meta.xml"]
    path = docs[f"{SRC}/pathAssistants/Opportunity_New_Business_Opportunities.pathAssistant-meta.xml"]
    values = _texts(process, "m:values/m:fullName")
    assert values == ["Discovery", "Demo", "Proposal", "Negotiation", "Closed won", "Closed lost"]
    # a record type and a process of the same name confuse the sf CLI (forcedotcom/cli#714): they differ
    assert _texts(record, "m:businessProcess") == _texts(process, "m:fullName") != _texts(record, "m:fullName")
    assert _texts(path, "m:recordTypeName") == _texts(record, "m:fullName")
    assert _texts(path, "m:entityName") + _texts(path, "m:fieldName") == ["Opportunity", "StageName"]
    assert _texts(path, "m:pathAssistantSteps/m:picklistValueName") == values
    proposal = _texts(path, "m:pathAssistantSteps/m:info")[2]
    assert "<li>Review the proposal live with the Champion rather than by email</li>" in proposal
    assert "<li>ROI calculator</li>" in proposal and "<b>SLA:</b> at most 14 days" in proposal


def test_special_characters_in_business_process_values(make_workspace, emit, xsd) -> None:
    """Business process values are URL-encoded as Salesforce retrieves them; value sets and Paths are not.

    Evidence: a retrieved `objects/Opportunity/businessProcesses/Sales Process.businessProcess-meta.xml`
    (karimabouelmagd/n26DeveloperTest @ b53f31f0) holds `<fullName>Negotiation%2FReview</fullName>` and
    `<fullName>Proposal%2FPrice Quote</fullName>`, while the org's OpportunityStage value set and Salesforce's
    own PathAssistant sample name the same values `Proposal/Price Quote` (spaces are never encoded).
    vakulkarni2208/CICD-Training @ dbe6b6a2 has `PO%2FOrder Received` beside `Closed - Program Canceled`. Salto's
    Salesforce adapter decodes these names with decodeURIComponent and notes that record type picklist values
    "return as encoded URI string. e.g. 'You %26 Me' instead of 'You & Me'". So `/` and `&` are encoded, and `%`
    first, so that a literal `%2F` survives the decoding. `<` has no evidence of URL-encoding: it is only
    XML-escaped (ElementTree), like every text.
    """
    stage = {"id": "quote", "term": "Proposal/Price Quote & Co <100%>", "owner": "sales", "probability": 50,
             "exits": [{"to": "won"}]}
    files, _ = emit("salesforce", make_workspace(_journey("deals", [stage, {
        "id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True}])))
    docs = _xml(files)
    process = docs[f"{SRC}/objects/Opportunity/businessProcesses/Deals_Process.businessProcess-meta.xml"]
    assert _texts(process, "m:values/m:fullName")[0] == "Proposal%2FPrice Quote %26 Co <100%25>"
    raw = files[PurePosixPath(f"{SRC}/objects/Opportunity/businessProcesses/Deals_Process.businessProcess-meta.xml")]
    assert b"<fullName>Proposal%2FPrice Quote %26 Co &lt;100%25&gt;</fullName>" in raw
    values = docs[f"{SRC}/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    assert _texts(values, "m:standardValue/m:fullName")[0] == "Proposal/Price Quote & Co <100%>"
    path = docs[f"{SRC}/pathAssistants/Opportunity_Deals.pathAssistant-meta.xml"]
    assert _texts(path, "m:pathAssistantSteps/m:picklistValueName")[0] == "Proposal/Price Quote & Co <100%>"
    assert all(xsd.validate(root) for root in docs.values())


def test_pinned_identities_and_forecast_category(make_workspace, emit) -> None:
    """`crm: {salesforce: ...}` names the value, the record type and the process; the label stays the stage's."""
    journey = _journey("deals", [
        {"id": "demo", "term": "Live demo", "owner": "sales", "probability": 40, "exits": [{"to": "won"}],
         "crm": {"salesforce": {"value": "Demo", "forecast_category": "MostLikely"}}},
        {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True}],
        crm={"salesforce": {"record_type": "Sales", "process": "Standard Sales Process"}})
    docs = _xml(emit("salesforce", make_workspace(journey))[0])
    values = docs[f"{SRC}/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    assert _texts(values, "m:standardValue/m:fullName") == ["Demo", "Closed won"]
    assert _texts(values, "m:standardValue/m:label") == ["Live demo", "Closed won"]
    assert _texts(values, "m:standardValue/m:forecastCategory") == ["MostLikely", "Closed"]
    process = docs[f"{SRC}/objects/Opportunity/businessProcesses/Standard Sales Process.businessProcess-meta.xml"]
    assert _texts(process, "m:fullName") == ["Standard Sales Process"]
    record = docs[f"{SRC}/objects/Opportunity/recordTypes/Sales.recordType-meta.xml"]
    assert _texts(record, "m:businessProcess") == ["Standard Sales Process"]


def test_the_org_wide_order_merges_every_pipeline(make_workspace, emit) -> None:
    def stage(sid: str, nxt: str, p: int) -> dict[str, Any]:
        return {"id": sid, "owner": "sales", "probability": p, "exits": [{"to": nxt}]}

    won = {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True}
    ws = make_workspace(_journey("a", [stage("discovery", "proposal", 10), stage("proposal", "won", 50), won]),
                        _journey("b", [stage("discovery", "demo", 10), stage("demo", "proposal", 30),
                                       stage("proposal", "won", 50), won]))
    values = _xml(emit("salesforce", ws)[0])[f"{SRC}/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    # first use would give Discovery, Proposal, Demo: the merge keeps both journeys' order
    assert _texts(values, "m:standardValue/m:fullName") == ["Discovery", "Demo", "Proposal", "Closed won"]


def test_readme_warns_first_and_lists_only_what_is_written(example, emit, make_workspace) -> None:
    readme = emit("salesforce", example)[0][PurePosixPath("crm/salesforce/README.md")].decode()
    first = readme.split("\n\n")[1]
    assert first.startswith("**WARNING") and first.endswith("**") and "DEACTIVATED" in first
    assert "sf project retrieve start --metadata StandardValueSet:OpportunityStage" in readme
    assert "cd <this directory>\n    sf project deploy start --target-org <alias>" in readme
    assert "With CumulusCI 3.40.0 or later" in readme and "add_standard_value_set_entries" in readme
    only_deals = make_workspace(_journey("deals", [{"id": "won", "owner": "sales", "outcome": "won",
                                                    "terminal": True}]))
    readme = emit("salesforce", only_deals)[0][PurePosixPath("crm/salesforce/README.md")].decode()
    assert "OpportunityStage.standardValueSet-meta.xml` | 1 Opportunity stage values" in readme
    assert "LeadStatus" not in readme.split("## Deploy")[0] and "CaseStatus" not in readme.split("## Deploy")[0]


def test_value_set_files_carry_the_warning_too(example, emit) -> None:
    files, _ = emit("salesforce", example)
    for name, data in files.items():
        if "standardValueSets/" in str(name):
            assert b"DEACTIVATES" in data.split(b"<StandardValueSet")[0]


def test_cumulusci_entries_have_what_the_task_requires(example, emit) -> None:
    data = yaml.safe_load(emit("salesforce", example)[0][PurePosixPath("crm/salesforce/cumulusci-entries.yml")])
    stages = data["tasks"]["journeyc_opportunity_stages"]
    assert stages["class_path"] == "cumulusci.tasks.metadata_etl.AddValueSetEntries"
    assert stages["options"]["api_names"] == ["OpportunityStage"]
    for entry in stages["options"]["entries"]:
        assert {"fullName", "label", "closed", "won", "probability", "forecastCategory"} <= set(entry)
    for entry in data["tasks"]["journeyc_lead_statuses"]["options"]["entries"]:
        assert {"fullName", "label", "converted"} <= set(entry)
    for entry in data["tasks"]["journeyc_case_statuses"]["options"]["entries"]:
        assert {"fullName", "label", "closed"} <= set(entry)


@pytest.mark.parametrize(("text", "name"), [
    ("new-business", "New_Business"), ("new-business-deals", "New_Business_Deals"),
    ("Élan & co__x_", "Elan_Co_X"), ("42-go", "J_42_Go"), ("", "Journey"), ("---", "Journey"),
    ("a" * 60, "A" + "a" * 39),
])
def test_developer_names_follow_the_rule(text: str, name: str) -> None:
    assert developer_name(text) == name
    assert DEVELOPER_NAME.match(name)


def test_colliding_names_stop_the_build_with_the_rule_to_read(make_workspace, emit) -> None:
    """Two pipelines that would be one record type: rule JC505 reports it; a build that ignores it stops."""
    def journey(jid: str, pid: str) -> dict[str, Any]:
        return _journey(jid, [{"id": "won", "term": "Won", "owner": "sales", "outcome": "won", "terminal": True,
                               "pipeline": pid}], pipelines=[{"id": pid, "name": f"{jid} {pid}", "object": "deal"}])

    with pytest.raises(JourneycError, match=r"pipelines a/b-c and a-b/c would both be RecordType 'Opportunity\.A_B_C'"
                       r" \(rule JC505"):
        emit("salesforce", make_workspace(journey("a-b", "c"), journey("a", "b-c")))


def test_hostile_text_is_escaped_and_round_trips(make_workspace, emit, hostile) -> None:
    files, _ = emit("salesforce", make_workspace(hostile))
    docs = _xml(files)   # parsing is the well-formedness test
    stages = docs[f"{SRC}/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    labels = [hostile["stages"][0]["term"], hostile["stages"][1]["term"]]
    assert _texts(stages, "m:standardValue/m:label")[:2] == labels
    assert "\x01" not in _texts(stages, "m:standardValue/m:description")[1]   # XML 1.0 cannot hold it
    raw = b"".join(data for name, data in files.items() if str(name).endswith(".xml"))
    assert b"<script>" not in raw and b"<img" not in raw
    entries = yaml.safe_load(files[PurePosixPath("crm/salesforce/cumulusci-entries.yml")])
    labels = [e["label"] for e in entries["tasks"]["journeyc_opportunity_stages"]["options"]["entries"]]
    assert labels[:2] == [hostile["stages"][0]["term"], hostile["stages"][1]["term"]]   # YAML-escaped, not mangled
    path = next(v for k, v in docs.items() if "pathAssistants/" in k)
    info = _texts(path, "m:pathAssistantSteps/m:info")[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in info   # the guidance HTML shows it as text


def test_guidance_stays_within_the_limit_and_well_formed(make_workspace) -> None:
    from journeyc.engine import load_workspace

    long_actions = [f"Action {i} " + "x" * 150 for i in range(12)]
    ws = load_workspace(make_workspace(_journey("long", [
        {"id": "won", "owner": "sales", "outcome": "won", "terminal": True, "actions": long_actions,
         "description": "d" * 2000}]))).workspace
    text = guidance(ws, ws.journeys[0].stages[0])
    assert len(text) <= 1000 and "Action 0" in text and "d" * 100 not in text

    class Balance(HTMLParser):
        stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack.pop() == tag

    parser = Balance()
    parser.feed(text)
    assert parser.stack == []


def test_two_emits_are_byte_identical(example, emit) -> None:
    assert emit("salesforce", example)[0] == emit("salesforce", example)[0]
