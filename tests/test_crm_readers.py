"""The CRM readers: vendor files -> neutral configuration, and one-line errors for every malformed input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from journeyc.readers import hubspot, pipedrive, salesforce
from journeyc.readers.config import ReadError
from journeyc.readers.sources import read_sources

FIX = Path(__file__).parent / "fixtures" / "crm"
HUBSPOT, PIPEDRIVE, RETRIEVE = FIX / "hubspot", FIX / "pipedrive", FIX / "salesforce" / "retrieve"


def rows(config):
    return [(p.object, p.key, p.label, [(s.key, s.label, s.probability, s.outcome, s.ticket_state, s.rotting_days,
                                         s.forecast_category, s.converted) for s in p.stages])
            for p in config.pipelines]


def test_hubspot_default_pipelines() -> None:
    [config] = read_sources([str(HUBSPOT / "deals.json"), str(HUBSPOT / "tickets.json")])
    assert rows(config) == [
        ("deal", "default", "Sales Pipeline", [
            ("appointmentscheduled", "Appointment Scheduled", 20, None, None, None, None, None),
            ("qualifiedtobuy", "Qualified To Buy", 40, None, None, None, None, None),
            ("presentationscheduled", "Presentation Scheduled", 60, None, None, None, None, None),
            ("decisionmakerboughtin", "Decision Maker Bought-In", 80, None, None, None, None, None),
            ("contractsent", "Contract Sent", 90, None, None, None, None, None),
            ("closedwon", "Closed Won", 100, "won", None, None, None, None),
            ("closedlost", "Closed Lost", 0, "lost", None, None, None, None)]),
        ("ticket", "0", "Support Pipeline", [
            ("1", "New", None, None, "OPEN", None, None, None),
            ("2", "Waiting on contact", None, None, "OPEN", None, None, None),
            ("3", "Waiting on us", None, None, "OPEN", None, None, None),
            ("4", "Closed", None, None, "CLOSED", None, None, None)])]
    assert config.unknown == () and config.notes == ()


def test_pipedrive_pipelines_and_stages_in_any_order() -> None:
    [config] = read_sources([str(PIPEDRIVE / "stages.json"), str(PIPEDRIVE / "pipelines.json")])
    assert rows(config) == [
        ("deal", "1", "Sales pipeline", [(str(i), name, None, None, None, 0, None, None) for i, name in enumerate(
            ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"], 1)]),
        ("deal", "2", "Partnerships", [("6", "Intro Call", 20, None, None, 0, None, None),
                                       ("7", "Pilot", 50, None, None, 14, None, None),
                                       ("8", "Contract", 80, None, None, 0, None, None)])]
    assert [p.probability_enabled for p in config.pipelines] == [False, True]


def test_salesforce_retrieve() -> None:
    config = salesforce.read(RETRIEVE)
    opp = [("Prospecting", 10, "Pipeline"), ("Qualification", 10, "Pipeline"), ("Needs Analysis", 20, "Pipeline"),
           ("Value Proposition", 50, "Pipeline"), ("Id. Decision Makers", 60, "Pipeline"),
           ("Perception Analysis", 70, "Pipeline"), ("Proposal/Price Quote", 75, "Pipeline"),
           ("Negotiation/Review", 90, "Pipeline")]
    assert rows(config) == [
        ("deal", "Sales Process", "Sales Process",
         [(n, n, p, None, None, None, c, None) for n, p, c in opp]
         + [("Closed Won", "Closed Won", 100, "won", None, None, "Closed", None),
            ("Closed Lost", "Closed Lost", 0, "lost", None, None, "Omitted", None)]),
        ("lead", None, "Lead statuses", [(n, n, None, None, None, None, None, c) for n, c in (
            ("Open - Not Contacted", False), ("Working - Contacted", False), ("Closed - Converted", True),
            ("Closed - Not Converted", False))]),
        ("ticket", None, "Case statuses", [(n, n, None, None, s, None, None, None) for n, s in (
            ("New", "OPEN"), ("Working", "OPEN"), ("Escalated", "OPEN"), ("Closed", "CLOSED"))])]
    assert [(p.record_type, p.master) for p in config.pipelines] == [("New_Business", False), (None, True),
                                                                      (None, True)]
    assert config.notes == (f"{RETRIEVE}: 1 Path file(s) read; their guidance is not imported",)


@pytest.mark.parametrize(("name", "schema"), [("hubspot/deals.json", "hubspot-pipelines-response"),
                                              ("hubspot/tickets.json", "hubspot-pipelines-response"),
                                              ("pipedrive/pipelines.json", "pipedrive-v2-read#getPipelinesResponse"),
                                              ("pipedrive/stages.json", "pipedrive-v2-read#getStagesResponse")])
def test_fixtures_follow_the_vendor_definitions(name: str, schema: str) -> None:
    """Contract: HubSpot CRM Pipelines OpenAPI v3 (spec-collection @ fda1346f) and the v2 models of
    pipedrive/client-nodejs, as derived in tests/fixtures/crm/schemas (each names its source and commit)."""
    file, _, part = schema.partition("#")
    document = json.loads((FIX / "schemas" / f"{file}.schema.json").read_text())
    target = {"$ref": f"#/$defs/{part}", "$defs": document["$defs"]} if part else document
    jsonschema.validate(json.loads((FIX / name).read_text()), target, format_checker=jsonschema.FormatChecker())


def bad(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def error(sources: list[str]) -> str:
    with pytest.raises(ReadError) as caught:
        read_sources(sources)
    return str(caught.value)


def test_truncated_json(tmp_path: Path) -> None:
    text = (HUBSPOT / "deals.json").read_text()[:500]
    path = bad(tmp_path, "deals.json", text)
    line = text.count("\n") + 1
    assert error([path]) == (f"{path}:{line}:{len(text.splitlines()[-1]) + 1}: truncated JSON: the document ends"
                             " before it is complete (an interrupted download?)")


def test_html_saved_as_json(tmp_path: Path) -> None:
    path = bad(tmp_path, "deals.json", "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head></html>")
    assert error([path]) == (f"{path}: an HTML page, not JSON: an error page (login, rate limit, Cloudflare) saved"
                             " instead of the API response?")


def test_wrong_object_type(tmp_path: Path) -> None:
    assert error([f"hubspot-deals:{PIPEDRIVE / 'pipelines.json'}"]) == (
        f"{PIPEDRIVE / 'pipelines.json'}: (top level): a Pipedrive response, not HubSpot pipelines"
        " (GET /crm/v3/pipelines/{objectType})")
    records = bad(tmp_path, "objects.json", '{"results": [{"id": "1", "properties": {"dealname": "x"}}]}')
    assert error([records]) == f"{records}: /results/0: not a HubSpot pipeline: no 'stages' (the response of" \
                               " another endpoint?)"
    other = bad(tmp_path, "list.json", "[1, 2]")
    assert error([other]) == (f"{other}: (top level): not a CRM response: expected HubSpot pipelines"
                              ' ({"results": [...]}) or a Pipedrive response ({"success", "data"}), found a JSON list')


def test_error_bodies_saved_as_responses(tmp_path: Path) -> None:
    hub = bad(tmp_path, "h.json", '{"status":"error","message":"Authentication credentials not found.",'
                                  '"category":"INVALID_AUTHENTICATION"}')
    assert error([hub]) == f"{hub}: (top level): a HubSpot error response, not pipelines: Authentication" \
                           " credentials not found."
    pd = bad(tmp_path, "p.json", '{"success": false, "error": "unauthorized access", "errorCode": 401}')
    assert error([pd]) == f"{pd}: (top level): a Pipedrive error response, not data: unauthorized access"


def test_a_wrong_value_is_named_by_its_place(tmp_path: Path) -> None:
    data = json.loads((HUBSPOT / "deals.json").read_text())
    data["results"][0]["stages"][2]["metadata"]["probability"] = "sixty"
    path = bad(tmp_path, "deals.json", json.dumps(data))
    assert error([path]) == (f'{path}: /results/0/stages/2/metadata/probability: expected a probability between'
                             " \"0.0\" and \"1.0\", found 'sixty'")
    data["results"][0]["stages"][2]["label"] = None
    path = bad(tmp_path, "deals.json", json.dumps(data))
    assert error([path]) == f"{path}: /results/0/stages/2: 'label' is null"


def test_unknown_vendor_fields_are_ignored_and_listed(tmp_path: Path) -> None:
    data = json.loads((HUBSPOT / "deals.json").read_text())
    data["results"][0]["pipelineColor"] = "red"
    data["results"][0]["stages"][0]["metadata"]["requiredProperties"] = "amount"
    path = bad(tmp_path, "deals.json", json.dumps(data))
    [config] = read_sources([path])
    assert config.unknown == (f"{path}: /results/0/pipelineColor",
                              f"{path}: /results/0/stages/0/metadata/requiredProperties")
    assert rows(config) == rows(read_sources([str(HUBSPOT / "deals.json")])[0])


def test_pipedrive_needs_both_responses_and_every_page(tmp_path: Path) -> None:
    assert error([f"pipedrive:{PIPEDRIVE / 'stages.json'}"]) == (
        f"{PIPEDRIVE / 'stages.json'}: /data/0: stages without their pipelines: give the GET /api/v2/pipelines"
        " response too")
    data = json.loads((PIPEDRIVE / "stages.json").read_text())
    data["additional_data"]["next_cursor"] = "eyJpZCI6NX0"
    page = bad(tmp_path, "stages.json", json.dumps(data))
    assert error([str(PIPEDRIVE / "pipelines.json"), page]) == (
        f"{page}: /data/0: more pages follow (additional_data.next_cursor is set): save every page of"
        " GET /api/v2/stages, or fetch live")


def _retrieve(tmp_path: Path) -> Path:
    copy = tmp_path / "retrieve"
    shutil.copytree(RETRIEVE, copy)
    return copy


VALUE_SET = "force-app/main/default/standardValueSets/OpportunityStage.standardValueSet-meta.xml"


def test_xml_with_a_dtd_or_entities_is_refused(tmp_path: Path) -> None:
    copy = _retrieve(tmp_path)
    target = copy / VALUE_SET
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
              '<StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata"><sorted>&lol2;</sorted>'
              "</StandardValueSet>\n")
    target.write_text(laughs)
    assert error([str(copy)]) == (f"{target}: XML with a DTD refused (a DTD can define entities that expand"
                                  " without bound; Salesforce never writes one)")


def test_malformed_xml_and_wrong_root(tmp_path: Path) -> None:
    copy = _retrieve(tmp_path)
    target = copy / VALUE_SET
    target.write_text('<?xml version="1.0"?>\n<StandardValueSet>\n  <sorted>false</sorted>\n')
    assert error([str(copy)]) == f"{target}:4:1: not well-formed XML (no element found)"
    target.write_text('<?xml version="1.0"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata"/>\n')
    assert error([str(copy)]) == (f"{target}:1: expected a StandardValueSet (Salesforce metadata), found"
                                  " <{http://soap.sforce.com/2006/04/metadata}Package>")


def test_a_folder_that_is_not_a_retrieve(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.txt").write_text("hello")
    assert error([str(folder)]) == (
        f"{folder}: not a Salesforce retrieve: no standardValueSets/*.standardValueSet-meta.xml and no"
        " objects/*/businessProcesses (retrieve with `sf project retrieve start --metadata"
        " StandardValueSet:OpportunityStage --metadata BusinessProcess ...`)")


def test_a_process_naming_a_value_the_retrieve_lacks(tmp_path: Path) -> None:
    copy = _retrieve(tmp_path)
    process = copy / "force-app/main/default/objects/Opportunity/businessProcesses" \
        / "Sales Process.businessProcess-meta.xml"
    process.write_text(process.read_text().replace("Prospecting", "Prospection"))
    assert error([str(copy)]) == (f"{process}: /BusinessProcess/values[8]: value 'Prospection' is not an active"
                                  " value of OpportunityStage in the retrieve")
    (copy / VALUE_SET).unlink()
    assert error([str(copy)]) == (
        f"{process}: /BusinessProcess: the retrieve has no OpportunityStage values: retrieve"
        " StandardValueSet:OpportunityStage too (a business process names values, the value set orders and"
        " defines them)")


def test_metadata_format_object_file(tmp_path: Path) -> None:
    """mdapi: value sets as .standardValueSet, processes and record types inside objects/<Object>.object."""
    src = RETRIEVE / "force-app/main/default"
    mdapi = tmp_path / "unpackaged"
    (mdapi / "standardValueSets").mkdir(parents=True)
    shutil.copy(src / "standardValueSets/OpportunityStage.standardValueSet-meta.xml",
                mdapi / "standardValueSets/OpportunityStage.standardValueSet")
    process = (src / "objects/Opportunity/businessProcesses/Sales Process.businessProcess-meta.xml").read_text()
    body = process.split("<BusinessProcess", 1)[1].split(">", 1)[1].rsplit("</BusinessProcess>", 1)[0]
    (mdapi / "objects").mkdir()
    (mdapi / "objects/Opportunity.object").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        f"<businessProcesses>{body}</businessProcesses>\n</CustomObject>\n")
    (mdapi / "package.xml").write_text("<Package/>")
    assert rows(salesforce.read(mdapi)) == rows(salesforce.read(RETRIEVE))[:1]


def test_build_bodies_read_back() -> None:
    body = {"label": "Sales", "displayOrder": 0, "stages": [
        {"label": "Demo", "displayOrder": 0, "metadata": {"probability": "0.3"}, "stageId": "sales__demo"},
        {"label": "Won", "displayOrder": 1, "metadata": {"probability": "1.0"}}], "pipelineId": "sales"}
    [p] = hubspot.read(json.dumps(body).encode(), "sales.json", body=True).pipelines
    assert [(p.key, p.label, p.object)] == [("sales", "Sales", "deal")]
    assert [(s.key, s.probability, s.outcome) for s in p.stages] == [("sales__demo", 30, None), (None, 100, "won")]
    v1 = {"pipeline": {"name": "Sales", "deal_probability": 1}, "stages": [
        {"name": "Demo", "order_nr": 0, "deal_probability": 30, "rotten_flag": True, "rotten_days": 5}]}
    p = pipedrive.read_body(json.dumps(v1).encode(), "sales.json")
    assert [(s.key, s.label, s.probability, s.rotting_days) for s in p.stages] == [(None, "Demo", 30, 5)]
