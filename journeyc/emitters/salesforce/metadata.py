"""The Salesforce metadata files, built with ElementTree in the element order of the Metadata API WSDL (65.0).

The WSDL's sequences are strict: each function adds elements in the order of
its type (StandardValueSet, BusinessProcess, RecordType, PathAssistant,
PathAssistantSettings, Package). Text is XML-escaped by ElementTree; the
characters XML 1.0 cannot hold at all are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from journeyc.crm import limits as lim
from journeyc.crm.pipelines import Exported
from journeyc.crm.salesforce import Value
from journeyc.emitters.salesforce.names import Names

NS = "http://soap.sforce.com/2006/04/metadata"
# XML 1.0 cannot hold these at all, even escaped: dropped rather than written as a broken file
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
WARNING = ("Deploying a StandardValueSet DEACTIVATES every value of the org that it does not list:"
           " merge with the org's values first (README.md)")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def truncate(text: str, limit: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def process_value_name(name: str) -> str:
    """A picklist value's name as a BusinessProcess `<values><fullName>` holds it.

    Salesforce writes these names URL-encoded (`Proposal%2FPrice Quote`) but
    leaves spaces as they are; `%` goes first so that a literal `%2F` in a
    name survives the decoding. The evidence is cited in
    tests/emitters/test_salesforce.py.
    """
    return name.replace("%", "%25").replace("/", "%2F").replace("&", "%26")


def _add(parent: ET.Element, tag: str, text: str | bool | int | None) -> None:
    if text is None:
        return
    child = ET.SubElement(parent, tag)
    child.text = ("true" if text else "false") if isinstance(text, bool) else clean(str(text))


def _xml(root: ET.Element, comment: str | None = None) -> bytes:
    root.set("xmlns", NS)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    head = f"<!-- {comment} -->\n" if comment else ""   # journeyc's own text only: no `--` in it
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + head + body + "\n").encode("utf-8")


def forecast_category(value: Value) -> str:
    """`crm.salesforce.forecast_category` when written; else Closed when won, Omitted when lost or 0%, else by %."""
    if value.forecast is not None:
        return value.forecast
    if value.outcome == "won":
        return "Closed"
    if value.outcome == "lost" or value.percent == 0:
        return "Omitted"
    if value.percent >= 90:
        return "Forecast"   # shown as "Commit" in the Salesforce UI
    return "BestCase" if value.percent >= 60 else "Pipeline"


def value_set_xml(obj: str, values: list[Value]) -> bytes:
    root = ET.Element("StandardValueSet")
    _add(root, "sorted", False)
    for index, v in enumerate(values):
        sv = ET.SubElement(root, "standardValue")
        _add(sv, "fullName", v.name)
        _add(sv, "default", obj != "deal" and index == 0)  # new leads and cases need a status; opportunities not
        description = v.stage.description
        _add(sv, "description", truncate(description, lim.SALESFORCE_MAX_DESCRIPTION) if description else None)
        _add(sv, "label", v.label)
        if obj == "deal":
            _add(sv, "closed", v.outcome is not None)
            _add(sv, "forecastCategory", forecast_category(v))
            _add(sv, "probability", v.percent)
            _add(sv, "won", v.outcome == "won")
        elif obj == "lead":
            _add(sv, "converted", v.converted)
        else:
            _add(sv, "closed", v.closed)
    return _xml(root, WARNING)


def business_process_xml(e: Exported, n: Names, values: list[Value]) -> bytes:
    root = ET.Element("BusinessProcess")
    _add(root, "fullName", n.process)
    description = e.journey.description
    _add(root, "description", truncate(description, lim.SALESFORCE_MAX_DESCRIPTION) if description else None)
    _add(root, "isActive", True)
    for index, v in enumerate(values):
        value = ET.SubElement(root, "values")
        _add(value, "fullName", process_value_name(v.name))
        _add(value, "default", e.pipeline.object != "deal" and index == 0)
    return _xml(root)


def record_type_xml(e: Exported, n: Names) -> bytes:
    root = ET.Element("RecordType")
    _add(root, "fullName", n.record_type)
    _add(root, "active", True)
    _add(root, "businessProcess", n.process)
    _add(root, "description", truncate(f"journeyc: {e.journey.name} ({e.key})", lim.SALESFORCE_MAX_DESCRIPTION))
    _add(root, "label", truncate(e.pipeline.name, lim.SALESFORCE_MAX_LABEL))
    return _xml(root)


def path_xml(e: Exported, n: Names, steps: list[tuple[Value, str]]) -> bytes:
    root = ET.Element("PathAssistant")
    _add(root, "active", True)
    _add(root, "entityName", n.entity.name)
    _add(root, "fieldName", n.entity.field)
    _add(root, "masterLabel", truncate(e.pipeline.name, lim.SALESFORCE_MAX_LABEL))
    for value, info in steps:
        step = ET.SubElement(root, "pathAssistantSteps")
        _add(step, "info", info)
        _add(step, "picklistValueName", value.name)   # not encoded: Path names the value as the value set does
    _add(root, "recordTypeName", n.record_type)
    return _xml(root)


def path_settings_xml() -> bytes:
    """Path on for the org (PathAssistantSettings): the Paths above are not shown without it."""
    root = ET.Element("PathAssistantSettings")
    _add(root, "pathAssistantEnabled", True)
    return _xml(root)


def package_xml(members: Mapping[str, list[str]], version: str) -> bytes:
    root = ET.Element("Package")
    for type_name in sorted(members):
        types = ET.SubElement(root, "types")
        for member in sorted(members[type_name]):
            _add(types, "members", member)
        _add(types, "name", type_name)
    _add(root, "version", version)
    return _xml(root)
