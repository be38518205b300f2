"""Salesforce: a deployable metadata source tree under `crm/salesforce/`.

Deal pipelines become OpportunityStage values, lead pipelines LeadStatus
values (one org-wide StandardValueSet each); every pipeline gets a
BusinessProcess (the subset of values it uses), a RecordType that selects it
and a PathAssistant whose steps carry the stage's owner, SLA, actions and
content as guidance. `package.xml` lists it all; `README.md` says, first and in
bold, that deploying a StandardValueSet deactivates every value it omits, and
`cumulusci-entries.yml` plus `package-without-value-sets.xml` give the merge
route. XML is built with ElementTree (never by string concatenation) in the
element order of the Metadata API WSDL, which is strict.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import PurePosixPath

from journeyc.crm import limits as lim
from journeyc.emitters import EmitOptions, Exported, Files, crm_pipelines, skipped_notice
from journeyc.workspace.model import Stage, Workspace

OUT = PurePosixPath("crm/salesforce")
API_VERSION = "60.0"
NS = "http://soap.sforce.com/2006/04/metadata"
MAX_DEVELOPER_NAME = 40


@dataclass(frozen=True)
class Entity:
    """What a journeyc pipeline object is in Salesforce."""

    name: str        # the sObject
    field: str       # its stage picklist
    value_set: str   # the StandardValueSet behind that picklist


ENTITIES = {"deal": Entity("Opportunity", "StageName", "OpportunityStage"),
            "lead": Entity("Lead", "Status", "LeadStatus")}


@dataclass
class Value:
    """One picklist value of the org-wide set (the first stage that names it wins)."""

    label: str
    percent: int
    outcome: str | None
    converted: bool
    description: str | None


@dataclass(frozen=True)
class Names:
    """Developer names of one pipeline's components."""

    process: str
    record_type: str
    path: str


def emit(ws: Workspace, options: EmitOptions) -> Files:
    exported = crm_pipelines(ws)
    taken = [e for e in exported if e.pipeline.object in ENTITIES and e.stages]
    names = developer_names(taken)
    values = {obj: picklist_values([e for e in taken if e.pipeline.object == obj]) for obj in ENTITIES}
    files: Files = {}
    for obj, vals in values.items():
        if vals:
            files[OUT / f"standardValueSets/{ENTITIES[obj].value_set}.standardValueSet-meta.xml"] = \
                value_set_xml(obj, vals)
    for e in taken:
        entity, n = ENTITIES[e.pipeline.object], names[e.slug]
        objects = OUT / "objects" / entity.name
        steps = _steps(e, values[e.pipeline.object])
        files[objects / f"businessProcesses/{n.process}.businessProcess-meta.xml"] = business_process_xml(e, n, steps)
        files[objects / f"recordTypes/{n.record_type}.recordType-meta.xml"] = record_type_xml(e, n)
        files[OUT / f"pathAssistants/{n.path}.pathAssistant-meta.xml"] = path_xml(ws, e, n, steps)
    members = package_members(taken, names, values)
    files[OUT / "package.xml"] = package_xml(members)
    files[OUT / "package-without-value-sets.xml"] = package_xml(
        {k: v for k, v in members.items() if k != "StandardValueSet"})
    files[OUT / "cumulusci-entries.yml"] = cumulusci_entries(values)
    files[OUT / "README.md"] = readme(taken, names, values)
    options.notices.extend(skipped_notice("salesforce", "Case support processes are not generated",
                                          [e for e in exported if e.pipeline.object not in ENTITIES]))
    options.notices.extend(skipped_notice("salesforce", "no stages",
                                          [e for e in exported if e.pipeline.object in ENTITIES and not e.stages]))
    for e in taken:
        if e.pipeline.object == "lead" and not any(_converted(e, s) for s in e.stages):
            options.notices.append(f"salesforce: lead pipeline {e.key} has no converted status (a won stage or"
                                   " a stage that exits to a deal pipeline): Salesforce cannot convert its leads")
    return files


# --- names and values ----------------------------------------------------------------


def developer_name(text: str, limit: int = MAX_DEVELOPER_NAME) -> str:
    """A Salesforce developer name: letters, digits and single underscores, starting with a letter.

    The rule (crm-formats.md §2.7): only alphanumerics and underscores, begins
    with a letter, no spaces, no trailing underscore, no two underscores in a row.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", plain) if w]
    name = "_".join(w[:1].upper() + w[1:] for w in words) or "Journey"
    if not name[0].isalpha():
        name = "J_" + name
    return name[:limit].rstrip("_")


def developer_names(taken: list[Exported]) -> dict[str, Names]:
    """Names from the ids (stable when a pipeline is renamed), made unique per object, ignoring case."""
    used: set[tuple[str, str]] = set()
    out = {}
    for e in taken:
        entity = ENTITIES[e.pipeline.object].name
        base = developer_name(e.journey.id if e.pipeline.implicit else f"{e.journey.id}-{e.pipeline.id}")
        name, n = base, 1
        while (entity, name.casefold()) in used:
            n += 1
            name = f"{base[:MAX_DEVELOPER_NAME - len(str(n)) - 1].rstrip('_')}_{n}"
        used.add((entity, name.casefold()))
        out[e.slug] = Names(name, name, f"{entity}_{name}")
    return out


def picklist_values(taken: list[Exported]) -> list[Value]:
    """The org-wide values: open ones in order of first use, then won, then lost."""
    seen: dict[str, Value] = {}
    for e in taken:
        for stage, percent in zip(e.stages, lim.inherited_percents(e.stages), strict=True):
            key = stage.label.casefold()
            if key in seen:
                seen[key].converted = seen[key].converted or _converted(e, stage)
                continue
            seen[key] = Value(stage.label, percent, stage.outcome, _converted(e, stage), stage.description)
    rank = {None: 0, "won": 1, "lost": 2}
    return sorted(seen.values(), key=lambda v: rank.get(v.outcome, 0))


def _steps(e: Exported, values: list[Value]) -> dict[str, Stage]:
    """The pipeline's values (as the org-wide set spells them) -> the first stage that uses each."""
    canonical = {v.label.casefold(): v.label for v in values}
    out: dict[str, Stage] = {}
    for stage in e.stages:
        out.setdefault(canonical[stage.label.casefold()], stage)
    return out


def _converted(e: Exported, stage: Stage) -> bool:
    """A lead status is `converted` when the lead is won, or moves on into a deal pipeline."""
    if e.pipeline.object != "lead":
        return False
    if stage.outcome == "won":
        return True
    deal_ids = {p.id for p in e.journey.pipelines if p.object == "deal"}
    return any((t := e.journey.stage(x.to)) is not None and t.pipeline in deal_ids for x in stage.exits)


def forecast_category(value: Value) -> str:
    """ForecastCategories enum: Closed when won, Omitted when lost or at 0%, else by probability."""
    if value.outcome == "won":
        return "Closed"
    if value.outcome == "lost" or value.percent == 0:
        return "Omitted"
    if value.percent >= 90:
        return "Forecast"   # shown as "Commit" in the Salesforce UI
    return "BestCase" if value.percent >= 60 else "Pipeline"


# --- XML -----------------------------------------------------------------------------

# XML 1.0 cannot hold these at all, even escaped: dropped rather than written as a broken file
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _truncate(text: str, limit: int) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _add(parent: ET.Element, tag: str, text: str | bool | int | None) -> None:
    if text is None:
        return
    child = ET.SubElement(parent, tag)
    child.text = ("true" if text else "false") if isinstance(text, bool) else _clean(str(text))


def _xml(root: ET.Element, comment: str | None = None) -> bytes:
    root.set("xmlns", NS)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    head = f"<!-- {comment} -->\n" if comment else ""   # journeyc's own text only: no `--` in it
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + head + body + "\n").encode("utf-8")


def value_set_xml(obj: str, values: list[Value]) -> bytes:
    root = ET.Element("StandardValueSet")
    _add(root, "sorted", False)
    for index, v in enumerate(values):
        sv = ET.SubElement(root, "standardValue")
        _add(sv, "fullName", v.label)
        _add(sv, "default", obj == "lead" and index == 0)  # new leads need a status; opportunities do not
        _add(sv, "description", _truncate(v.description, lim.SALESFORCE_MAX_DESCRIPTION) if v.description else None)
        _add(sv, "label", v.label)
        if obj == "deal":
            _add(sv, "closed", v.outcome is not None)
            _add(sv, "forecastCategory", forecast_category(v))
            _add(sv, "probability", v.percent)
            _add(sv, "won", v.outcome == "won")
        else:
            _add(sv, "converted", v.converted)
    return _xml(root, WARNING)


def business_process_xml(e: Exported, n: Names, steps: dict[str, Stage]) -> bytes:
    root = ET.Element("BusinessProcess")
    _add(root, "fullName", n.process)
    description = e.journey.description
    _add(root, "description", _truncate(description, lim.SALESFORCE_MAX_DESCRIPTION) if description else None)
    _add(root, "isActive", True)
    for index, label in enumerate(steps):
        value = ET.SubElement(root, "values")
        _add(value, "fullName", label)
        _add(value, "default", e.pipeline.object == "lead" and index == 0)
    return _xml(root)


def record_type_xml(e: Exported, n: Names) -> bytes:
    root = ET.Element("RecordType")
    _add(root, "fullName", n.record_type)
    _add(root, "active", True)
    _add(root, "businessProcess", n.process)
    _add(root, "description", _truncate(f"journeyc: {e.journey.name} ({e.key})", lim.SALESFORCE_MAX_DESCRIPTION))
    _add(root, "label", _truncate(e.pipeline.name, lim.SALESFORCE_MAX_PROCESS_NAME))
    return _xml(root)


def path_xml(ws: Workspace, e: Exported, n: Names, steps: dict[str, Stage]) -> bytes:
    entity = ENTITIES[e.pipeline.object]
    root = ET.Element("PathAssistant")
    _add(root, "active", True)
    _add(root, "entityName", entity.name)
    _add(root, "fieldName", entity.field)
    _add(root, "masterLabel", _truncate(e.pipeline.name, lim.SALESFORCE_MAX_PROCESS_NAME))
    for label, stage in steps.items():
        step = ET.SubElement(root, "pathAssistantSteps")
        _add(step, "info", guidance(ws, stage))
        _add(step, "picklistValueName", label)
    _add(root, "recordTypeName", n.record_type)
    return _xml(root)


def _esc(text: str) -> str:
    return html.escape(_clean(text), quote=False)  # element text, never an attribute


def guidance(ws: Workspace, stage: Stage, limit: int = lim.SALESFORCE_MAX_GUIDANCE) -> str:
    """Path guidance: rich text (HTML, escaped here; ElementTree escapes it again for XML).

    Owner and SLA first, then the playbook, then the description; whatever
    would pass the guidance limit is left out whole, so the HTML stays valid.
    """
    team = ws.team(stage.owner)
    out = f"<p><b>Owner:</b> {_esc(team.name if team else stage.owner or '')}</p>"
    if stage.sla_days is not None:
        out += f"<p><b>SLA:</b> at most {stage.sla_days} days in this stage</p>"
    for title, items in (("Actions", stage.actions), ("Content", stage.content)):
        head, tail = f"<p><b>{title}</b></p><ul>", "</ul>"
        budget, chosen = limit - len(out) - len(head) - len(tail), []
        for item in (f"<li>{_esc(i)}</li>" for i in items):
            if len(item) > budget:
                break
            chosen.append(item)
            budget -= len(item)
        if chosen:
            out += head + "".join(chosen) + tail
    if stage.description and len(out) + len(para := f"<p>{_esc(stage.description)}</p>") <= limit:
        out += para
    return out


def package_xml(members: dict[str, list[str]]) -> bytes:
    root = ET.Element("Package")
    for type_name in sorted(members):
        types = ET.SubElement(root, "types")
        for member in sorted(members[type_name]):
            _add(types, "members", member)
        _add(types, "name", type_name)
    _add(root, "version", API_VERSION)
    return _xml(root)


def package_members(taken: list[Exported], names: dict[str, Names],
                    values: dict[str, list[Value]]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {"BusinessProcess": [], "RecordType": [], "PathAssistant": []}
    for e in taken:
        entity, n = ENTITIES[e.pipeline.object].name, names[e.slug]
        members["BusinessProcess"].append(f"{entity}.{n.process}")
        members["RecordType"].append(f"{entity}.{n.record_type}")
        members["PathAssistant"].append(n.path)
    value_sets = [ENTITIES[obj].value_set for obj, vals in values.items() if vals]
    if value_sets:
        members["StandardValueSet"] = value_sets
    return {k: v for k, v in members.items() if v}


# --- the merge route and the README ------------------------------------------------------

WARNING = ("Deploying a StandardValueSet DEACTIVATES every value of the org that it does not list:"
           " merge with the org's values first (README.md)")


def cumulusci_entries(values: dict[str, list[Value]]) -> bytes:
    """The values as CumulusCI AddValueSetEntries tasks: retrieve, add what is missing, deploy back."""
    import yaml

    tasks = {}
    for obj, task in (("deal", "journeyc_opportunity_stages"), ("lead", "journeyc_lead_statuses")):
        if not values[obj]:
            continue
        entries = []
        for v in values[obj]:
            entry: dict[str, object] = {"fullName": v.label, "label": v.label}
            if obj == "deal":
                entry.update(closed=v.outcome is not None, won=v.outcome == "won", probability=v.percent,
                             forecastCategory=forecast_category(v))
            else:
                entry["converted"] = v.converted
            entries.append(entry)
        tasks[task] = {"description": f"Add journeyc's {ENTITIES[obj].value_set} values (never deactivates others)",
                       "class_path": "cumulusci.tasks.metadata_etl.AddValueSetEntries",
                       "options": {"api_names": [ENTITIES[obj].value_set], "entries": entries}}
    head = ("# Generated by journeyc build: the merge route for the stage values (see README.md).\n"
            "# Copy these tasks into your cumulusci.yml, then run for example:\n"
            "#   cci task run journeyc_opportunity_stages --org dev\n"
            "# CumulusCI retrieves the value set, adds the entries it lacks and deploys it back,\n"
            "# so the org's other values stay active. Existing values are left as they are.\n")
    if not tasks:
        return (head + "# (no deal or lead pipeline is exported: nothing to add)\n").encode("utf-8")
    body = yaml.safe_dump({"tasks": tasks}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return (head + body).encode("utf-8")


def readme(taken: list[Exported], names: dict[str, Names], values: dict[str, list[Value]]) -> bytes:
    """The generated tree's README: the deactivation warning first, then how to deploy or merge."""
    rows = "\n".join(f"| `{e.key}` | {ENTITIES[e.pipeline.object].name} | `{names[e.slug].process}` |"
                     f" `{names[e.slug].record_type}` | `{names[e.slug].path}` |" for e in taken)
    counts = {obj: len(vals) for obj, vals in values.items()}
    return _README.format(version=API_VERSION, deals=counts["deal"], leads=counts["lead"],
                          rows=rows or "| (none) | | | | |").encode("utf-8")


_README = """\
# Salesforce metadata generated by journeyc

**WARNING: deploying `standardValueSets/OpportunityStage.standardValueSet-meta.xml` or
`standardValueSets/LeadStatus.standardValueSet-meta.xml` DEACTIVATES every Opportunity
stage or Lead status of the org that the file does not list. Salesforce reads a
StandardValueSet as the complete list of values. Deploy `package.xml` as it is only to an
org whose stages journeyc owns; otherwise merge with the org's existing values first
(see "Merge with the org's values" below).**

`journeyc build` wrote this directory from the journeys of the workspace; the next build
replaces it, so change the journeys, not these files.

## What is here

| file | what |
| --- | --- |
| `package.xml` | manifest of every component below (API version {version}) |
| `package-without-value-sets.xml` | the same without the StandardValueSets, for the merge route |
| `standardValueSets/OpportunityStage.standardValueSet-meta.xml` | {deals} stage values of the deal pipelines |
| `standardValueSets/LeadStatus.standardValueSet-meta.xml` | {leads} lead statuses of the lead pipelines |
| `objects/<Object>/businessProcesses/` | one sales process (or lead process) per pipeline: the values it uses |
| `objects/<Object>/recordTypes/` | one record type per pipeline, which selects its process |
| `pathAssistants/` | one Path per record type: owner, SLA, actions and content as guidance |
| `cumulusci-entries.yml` | the values as CumulusCI `add_standard_value_set_entries` tasks (merge route) |

A value set file is written only when some pipeline of its object is exported.

| journey/pipeline | object | business process | record type | path |
| --- | --- | --- | --- | --- |
{rows}

## Deploy (journeyc owns the values)

The files are in Salesforce DX source format. Copy the folders into a package directory
of your Salesforce DX project and deploy with the manifest:

    cp -R standardValueSets objects pathAssistants <project>/force-app/main/default/
    cd <project>
    sf project deploy start --manifest <this directory>/package.xml --target-org <alias>

Turn on Path in Setup (Path Settings) to see the guidance. Record types still need to be
assigned to profiles or permission sets.

## Merge with the org's values

With CumulusCI, which retrieves each value set, adds the entries it lacks and deploys it
back, so nothing is deactivated:

1. Copy the `tasks:` of `cumulusci-entries.yml` into your `cumulusci.yml`.
2. `cci task run journeyc_opportunity_stages --org <org>` (and `journeyc_lead_statuses`).
3. Copy only `objects` and `pathAssistants` into the project (not `standardValueSets`), then:
   `sf project deploy start --manifest <this directory>/package-without-value-sets.xml --target-org <alias>`

CumulusCI only adds: a value that already exists keeps its probability and category.

Or by hand with the sf CLI:

1. Retrieve the org's value sets into your project:
   `sf project retrieve start --metadata StandardValueSet:OpportunityStage --target-org <alias>`
   (and `StandardValueSet:LeadStatus`).
2. Add the `<standardValue>` entries of the generated files to the retrieved files, keeping
   every value of the org (the order of the entries is the order of the picklist).
3. Deploy the merged value sets, copy `objects` and `pathAssistants` into the project, then:
   `sf project deploy start --manifest <this directory>/package-without-value-sets.xml --target-org <alias>`.

## How a journey maps to Salesforce

- A stage's label (its vocabulary term) is the value's API name and label. The value sets
  are org-wide: a label used by several pipelines is one value (journeyc check, rule JC503,
  makes sure it has one probability). Open values come first, in journey order, then won,
  then lost.
- `probability` is the value's probability (a won stage 100, a lost one 0, an open stage
  without one takes the previous open stage's). Forecast category: won is `Closed`; lost,
  or 0%, is `Omitted`; 90% and more is `Forecast` (shown as "Commit"); 60% and more is
  `BestCase`; anything else `Pipeline`.
- A lead status is `converted` when its stage is won or exits into a deal pipeline.
- `sla_days` has no Salesforce field: it is in the Path guidance; enforce it with a report
  or a flow.
- Ticket pipelines are not generated (Case support processes are out of scope).
"""
