"""Salesforce source tree: golden files, every XML against the Metadata API types, mapping, escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from journeyc.emitters import Files
from journeyc.emitters.salesforce import API_VERSION, developer_name, guidance

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
DEVELOPER_NAME = re.compile(r"^[A-Za-z](?!.*__)[A-Za-z0-9_]*(?<!_)$")   # crm-formats.md §7.3

# Package (package.xml) and RecordType are not in the shared extract; these two types are copied
# from the same Metadata API WSDL (element names, order and cardinality), nothing added.
SUPPLEMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://soap.sforce.com/2006/04/metadata"
            elementFormDefault="qualified" targetNamespace="http://soap.sforce.com/2006/04/metadata">
  <xsd:complexType name="PackageTypeMembers">
    <xsd:sequence>
      <xsd:element name="members" minOccurs="0" maxOccurs="unbounded" type="xsd:string"/>
      <xsd:element name="name" type="xsd:string"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="Package">
    <xsd:sequence>
      <xsd:element name="fullName" minOccurs="0" type="xsd:string"/>
      <xsd:element name="description" minOccurs="0" type="xsd:string"/>
      <xsd:element name="types" minOccurs="0" maxOccurs="unbounded" type="tns:PackageTypeMembers"/>
      <xsd:element name="version" type="xsd:string"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="RecordType">
    <xsd:sequence>
      <xsd:element name="fullName" minOccurs="0" type="xsd:string"/>
      <xsd:element name="active" type="xsd:boolean"/>
      <xsd:element name="businessProcess" minOccurs="0" type="xsd:string"/>
      <xsd:element name="compactLayoutAssignment" minOccurs="0" type="xsd:string"/>
      <xsd:element name="description" minOccurs="0" type="xsd:string"/>
      <xsd:element name="label" type="xsd:string"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:element name="Package" type="tns:Package"/>
  <xsd:element name="RecordType" type="tns:RecordType"/>
</xsd:schema>
"""


@pytest.fixture(scope="module")
def schemas(specs: Path) -> dict[str, etree.XMLSchema]:
    shared = etree.XMLSchema(etree.parse(str(specs / "salesforce-metadata-subset-v47.xsd")))
    supplement = etree.XMLSchema(etree.fromstring(SUPPLEMENT))
    return {"StandardValueSet": shared, "BusinessProcess": shared, "PathAssistant": shared,
            "Package": supplement, "RecordType": supplement}


def _xml(files: Files) -> dict[str, Any]:
    return {str(p): etree.fromstring(b) for p, b in files.items() if str(p).endswith(".xml")}


def _texts(root: Any, xpath: str) -> list[str]:
    return [e.text for e in root.xpath(xpath, namespaces=NS)]


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("salesforce", example)
    golden("salesforce", files)


def test_every_xml_file_validates(example, emit, make_workspace, hostile, schemas) -> None:
    files = {**emit("salesforce", example)[0], **emit("salesforce", make_workspace(hostile))[0]}
    docs = _xml(files)
    assert len(docs) >= 12
    for name, root in docs.items():
        kind = etree.QName(root).localname
        schema = schemas[kind]
        assert schema.validate(root), f"{name}: {schema.error_log}"


def test_layout_and_package_lists_every_component(example, emit) -> None:
    files, _ = emit("salesforce", example)
    names = sorted(str(p).removeprefix("crm/salesforce/") for p in files)
    assert names == [
        "README.md", "cumulusci-entries.yml",
        "objects/Lead/businessProcesses/New_Business_Leads.businessProcess-meta.xml",
        "objects/Lead/recordTypes/New_Business_Leads.recordType-meta.xml",
        "objects/Opportunity/businessProcesses/Customer_Renewals.businessProcess-meta.xml",
        "objects/Opportunity/businessProcesses/New_Business_Opportunities.businessProcess-meta.xml",
        "objects/Opportunity/recordTypes/Customer_Renewals.recordType-meta.xml",
        "objects/Opportunity/recordTypes/New_Business_Opportunities.recordType-meta.xml",
        "package-without-value-sets.xml", "package.xml",
        "pathAssistants/Lead_New_Business_Leads.pathAssistant-meta.xml",
        "pathAssistants/Opportunity_Customer_Renewals.pathAssistant-meta.xml",
        "pathAssistants/Opportunity_New_Business_Opportunities.pathAssistant-meta.xml",
        "standardValueSets/LeadStatus.standardValueSet-meta.xml",
        "standardValueSets/OpportunityStage.standardValueSet-meta.xml",
    ]
    package = _xml(files)["crm/salesforce/package.xml"]
    assert _texts(package, "m:version") == [API_VERSION]
    listed = {(t.findtext("m:name", namespaces=NS), m.text) for t in package.findall("m:types", NS)
              for m in t.findall("m:members", NS)}
    expected = set()
    for name in names:
        parts = name.split("/")
        stem = parts[-1].split(".")[0]
        kind = {"standardValueSets": "StandardValueSet", "pathAssistants": "PathAssistant"}.get(parts[0])
        if kind:
            expected.add((kind, stem))
        elif parts[0] == "objects":
            expected.add(({"businessProcesses": "BusinessProcess", "recordTypes": "RecordType"}[parts[2]],
                          f"{parts[1]}.{stem}"))
    assert listed == expected
    without = _xml(files)["crm/salesforce/package-without-value-sets.xml"]
    assert "StandardValueSet" not in _texts(without, "m:types/m:name")


def test_opportunity_stages_map_probability_closed_won_and_forecast(example, emit) -> None:
    root = _xml(emit("salesforce", example)[0])[
        "crm/salesforce/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
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
    root = _xml(emit("salesforce", example)[0])["crm/salesforce/standardValueSets/LeadStatus.standardValueSet-meta.xml"]
    names, flags = _texts(root, "m:standardValue/m:fullName"), _texts(root, "m:standardValue/m:converted")
    converted = dict(zip(names, flags, strict=True))
    assert converted == {"Lead": "false", "MQL": "false", "SQL": "true", "Disqualified": "false"}
    assert _texts(root, "m:standardValue/m:default").count("true") == 1


def test_business_process_record_type_and_path_point_at_each_other(example, emit) -> None:
    docs = _xml(emit("salesforce", example)[0])
    base = "crm/salesforce/objects/Opportunity"
    process = docs[f"{base}/businessProcesses/New_Business_Opportunities.businessProcess-meta.xml"]
    record = docs[f"{base}/recordTypes/New_Business_Opportunities.recordType-meta.xml"]
    path = docs["crm/salesforce/pathAssistants/Opportunity_New_Business_Opportunities.pathAssistant-meta.xml"]
    values = _texts(process, "m:values/m:fullName")
    assert values == ["Discovery", "Demo", "Proposal", "Negotiation", "Closed won", "Closed lost"]
    assert _texts(record, "m:businessProcess") == _texts(process, "m:fullName")
    assert _texts(path, "m:recordTypeName") == _texts(record, "m:fullName")
    assert _texts(path, "m:entityName") + _texts(path, "m:fieldName") == ["Opportunity", "StageName"]
    assert _texts(path, "m:pathAssistantSteps/m:picklistValueName") == values
    proposal = _texts(path, "m:pathAssistantSteps/m:info")[2]
    assert "<li>Review the proposal live with the Champion rather than by email</li>" in proposal
    assert "<li>ROI calculator</li>" in proposal and "<b>SLA:</b> at most 14 days" in proposal


def test_readme_warns_first_and_in_bold(example, emit) -> None:
    readme = emit("salesforce", example)[0][Path("crm/salesforce/README.md")].decode()
    first = readme.split("\n\n")[1]
    assert first.startswith("**WARNING") and first.endswith("**") and "DEACTIVATES" in first
    assert "sf project retrieve start --metadata StandardValueSet:OpportunityStage" in readme
    assert "add_standard_value_set_entries" in readme


def test_value_set_files_carry_the_warning_too(example, emit) -> None:
    files, _ = emit("salesforce", example)
    for name, data in files.items():
        if "standardValueSets/" in str(name):
            assert b"DEACTIVATES" in data.split(b"<StandardValueSet")[0]


def test_cumulusci_entries_have_what_the_task_requires(example, emit) -> None:
    data = yaml.safe_load(emit("salesforce", example)[0][Path("crm/salesforce/cumulusci-entries.yml")])
    stages = data["tasks"]["journeyc_opportunity_stages"]
    assert stages["class_path"] == "cumulusci.tasks.metadata_etl.AddValueSetEntries"
    assert stages["options"]["api_names"] == ["OpportunityStage"]
    for entry in stages["options"]["entries"]:
        assert {"fullName", "label", "closed", "won", "probability", "forecastCategory"} <= set(entry)
    for entry in data["tasks"]["journeyc_lead_statuses"]["options"]["entries"]:
        assert {"fullName", "label", "converted"} <= set(entry)


@pytest.mark.parametrize(("text", "name"), [
    ("new-business", "New_Business"), ("new-business-deals", "New_Business_Deals"),
    ("Élan & co__x_", "Elan_Co_X"), ("42-go", "J_42_Go"), ("", "Journey"), ("---", "Journey"),
    ("a" * 60, "A" + "a" * 39),
])
def test_developer_names_follow_the_rule(text: str, name: str) -> None:
    assert developer_name(text) == name
    assert DEVELOPER_NAME.match(name)


def test_developer_names_are_unique_even_when_ids_collide(make_workspace, emit) -> None:
    def journey(jid: str, pid: str) -> dict[str, Any]:
        return {"apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": jid,
                "pipelines": [{"id": pid, "object": "deal"}],
                "stages": [{"id": "won", "term": "Won", "owner": "sales", "outcome": "won", "terminal": True,
                            "pipeline": pid}]}

    files, _ = emit("salesforce", make_workspace(journey("a-b", "c"), journey("a", "b-c")))
    paths = sorted(str(p).rsplit("/", 1)[1] for p in files if "recordTypes/" in str(p))
    assert paths == ["A_B_C.recordType-meta.xml", "A_B_C_2.recordType-meta.xml"]
    for p in files:
        stem = str(p).rsplit("/", 1)[1].split(".")[0]
        if str(p).endswith("-meta.xml"):
            assert DEVELOPER_NAME.match(stem), stem


def test_hostile_text_is_escaped_and_round_trips(make_workspace, emit, hostile) -> None:
    files, _ = emit("salesforce", make_workspace(hostile))
    docs = _xml(files)   # parsing is the well-formedness test
    stages = docs["crm/salesforce/standardValueSets/OpportunityStage.standardValueSet-meta.xml"]
    labels = [hostile["stages"][0]["term"], hostile["stages"][1]["term"]]
    assert _texts(stages, "m:standardValue/m:label")[:2] == labels
    assert "\x01" not in _texts(stages, "m:standardValue/m:description")[1]   # XML 1.0 cannot hold it
    raw = b"".join(data for name, data in files.items() if str(name).endswith(".xml"))
    assert b"<script>" not in raw and b"<img" not in raw
    entries = yaml.safe_load(files[Path("crm/salesforce/cumulusci-entries.yml")])
    labels = [e["label"] for e in entries["tasks"]["journeyc_opportunity_stages"]["options"]["entries"]]
    assert labels[:2] == [hostile["stages"][0]["term"], hostile["stages"][1]["term"]]   # YAML-escaped, not mangled
    path = next(v for k, v in docs.items() if "pathAssistants/" in k)
    info = _texts(path, "m:pathAssistantSteps/m:info")[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in info   # the guidance HTML shows it as text


def test_guidance_stays_within_the_limit_and_well_formed(make_workspace) -> None:
    from journeyc.engine import load_workspace

    long_actions = [f"Action {i} " + "x" * 150 for i in range(12)]
    ws = load_workspace(make_workspace({
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "long", "name": "Long",
        "stages": [{"id": "won", "owner": "sales", "outcome": "won", "terminal": True, "actions": long_actions,
                    "description": "d" * 2000}]})).workspace
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


def test_ticket_pipelines_are_skipped_with_a_notice(example, emit) -> None:
    _, notices = emit("salesforce", example)
    assert notices == ["salesforce: not exported (Case support processes are not generated): ticket pipeline"
                       " customer/onboarding"]


def test_two_emits_are_byte_identical(example, emit) -> None:
    assert emit("salesforce", example)[0] == emit("salesforce", example)[0]
