"""Salesforce: a retrieve (`sf project retrieve start`, source or metadata format) -> neutral configuration.

A pipeline is a business process (sales process on Opportunity, lead process
on Lead, support process on Case): its stages are the values of the org-wide
StandardValueSet (OpportunityStage, LeadStatus, CaseStatus) that it lists, in
the value set's order (the only place Salesforce keeps an order: retrieved
processes list their values alphabetically). An object with values but no
business process gets one pipeline for its whole value set (`master`). Source:
the Metadata API WSDL v65.0 (forcedotcom/wsdl: StandardValue, BusinessProcess,
PicklistValue, RecordType). BusinessProcess value names come back URL-encoded
(`Proposal%2FPrice Quote`) and are decoded with `urllib.parse.unquote` (not
`unquote_plus`: a literal `+` stays); StandardValueSet names are literal.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from journeyc.readers.config import Anchor, CrmConfig, CrmPipeline, CrmStage
from journeyc.readers.sfretrieve import Retrieve, scan
from journeyc.readers.xmldoc import FORECAST_CATEGORIES, Element

#: object -> (journeyc pipeline object, value set, label of a pipeline without process)
OBJECTS = {"Opportunity": ("deal", "OpportunityStage", "Opportunity stages"),
           "Lead": ("lead", "LeadStatus", "Lead statuses"),
           "Case": ("ticket", "CaseStatus", "Case statuses")}
_VALUE_SET = frozenset({"fullName", "module", "groupingStringEnum", "sorted", "standardValue"})
_VALUE = frozenset({"fullName", "module", "color", "default", "description", "isActive", "label", "allowEmail",
                    "closed", "converted", "cssExposed", "forecastCategory", "groupingString", "highPriority",
                    "probability", "reverseRole", "reviewed", "won"})
_PROCESS = frozenset({"fullName", "module", "description", "isActive", "values", "namespacePrefix"})
_PROCESS_VALUE = frozenset({"fullName", "color", "default", "description", "isActive", "allowEmail", "closed",
                            "controllingFieldValues", "converted", "cssExposed", "forecastCategory", "highPriority",
                            "probability", "reverseRole", "reviewed", "won"})
_RECORD_TYPE = frozenset({"fullName", "module", "active", "businessProcess", "compactLayoutAssignment",
                          "description", "label", "picklistValues"})


def read(root: Path) -> CrmConfig:
    found = scan(root)
    pipelines: list[CrmPipeline] = []
    for obj, (kind, set_name, master_label) in OBJECTS.items():
        values = _values(found, set_name, kind)
        processes = sorted(((_name(p, obj), p) for o, p in found.processes if o == obj), key=lambda t: t[0])
        if processes and values is None:
            raise processes[0][1].fail(f"the retrieve has no {set_name} values: retrieve StandardValueSet:{set_name}"
                                       " too (a business process names values, the value set orders and defines"
                                       " them)")
        if values is None:
            continue
        for name, process in processes:
            pipeline = _process(found, obj, kind, name, process, values)
            if pipeline is not None:
                pipelines.append(pipeline)
        if not processes and values:
            anchor = Anchor(found.value_sets[set_name].file, f"/StandardValueSet ({set_name})")
            pipelines.append(CrmPipeline("salesforce", kind, None, master_label, tuple(values.values()), master=True,
                                         anchor=anchor))
    for obj in sorted({o for o, _ in found.processes} - set(OBJECTS)):
        found.notes.append(f"{root}: business processes of {obj} left out (journeyc reads Opportunity, Lead, Case)")
    if found.paths:
        found.notes.append(f"{root}: {found.paths} Path file(s) read; their guidance is not imported")
    covered = tuple(kind for _, (kind, name, _) in OBJECTS.items() if name in found.value_sets)
    return CrmConfig("salesforce", tuple(pipelines), (str(root),), tuple(found.notes), tuple(found.unknown),
                     covered)


def _values(found: Retrieve, set_name: str, kind: str) -> dict[str, CrmStage] | None:
    top = found.value_sets.get(set_name)
    if top is None:
        return None
    top.known(_VALUE_SET)
    out: dict[str, CrmStage] = {}
    for v in top.children("standardValue"):
        v.known(_VALUE)
        full = v.text("fullName")
        if not full:
            raise v.fail("a value without <fullName>")
        if v.flag("isActive") is False:
            found.notes.append(f"{v.file}: inactive value {full!r} left out")
            continue
        out[full] = _stage(v, full, kind)
    return out


def _stage(v: Element, full: str, kind: str) -> CrmStage:
    closed, won = v.flag("closed"), v.flag("won")
    category = v.text("forecastCategory") or None
    if category is not None and category not in FORECAST_CATEGORIES:
        raise v.fail(f"<forecastCategory>: {category!r} is not one of {', '.join(FORECAST_CATEGORIES)}")
    probability = v.integer("probability")
    if probability is not None and not 0 <= probability <= 100:
        raise v.fail(f"<probability>: {probability} is outside 0..100")
    anchor = Anchor(v.file, v.path)
    label = v.text("label") or full
    description = v.text("description") or None
    if kind == "ticket":
        return CrmStage(full, label, ticket_state="CLOSED" if closed else "OPEN", description=description,
                        anchor=anchor)
    if kind == "lead":
        return CrmStage(full, label, converted=bool(v.flag("converted")), description=description, anchor=anchor)
    outcome = ("won" if won else "lost") if closed or won else None
    return CrmStage(full, label, probability, outcome, forecast_category=category, description=description,
                    anchor=anchor)


def _name(process: Element, obj: str) -> str:
    name = unquote(process.text("fullName") or "")
    if not name:
        raise process.fail("a business process without <fullName>")
    return name[len(obj) + 1:] if name.startswith(obj + ".") else name


def _process(found: Retrieve, obj: str, kind: str, name: str, process: Element,
             values: dict[str, CrmStage]) -> CrmPipeline | None:
    process.known(_PROCESS)
    if process.flag("isActive") is False:
        found.notes.append(f"{process.file}: inactive business process {name!r} left out")
        return None
    listed = set()
    for v in process.children("values"):
        v.known(_PROCESS_VALUE)
        value = unquote(v.text("fullName") or "")
        if value not in values:
            raise v.fail(f"value {value!r} is not an active value of {OBJECTS[obj][1]} in the retrieve")
        listed.add(value)
    stages = tuple(stage for full, stage in values.items() if full in listed)
    if not stages:
        found.notes.append(f"{process.file}: business process {name!r} has no values: left out")
        return None
    return CrmPipeline("salesforce", kind, name, name, stages, record_type=_record_type(found, obj, name),
                       anchor=Anchor(process.file, process.path))


def _record_type(found: Retrieve, obj: str, process: str) -> str | None:
    """The developer name of the active record type that selects the process (the first by name)."""
    names = []
    for o, rt in found.record_types:
        rt.known(_RECORD_TYPE)
        linked = rt.text("businessProcess")
        if o == obj and linked is not None and process in (linked, unquote(linked)) and rt.flag("active") is not False:
            names.append(rt.text("fullName") or "")
    names = sorted(n for n in names if n)
    if len(names) > 1:
        found.notes.append(f"business process {process!r} is selected by {len(names)} record types"
                           f" ({', '.join(names)}): {names[0]} is written as its identity")
    return names[0] if names else None
