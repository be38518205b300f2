"""Salesforce: a Salesforce DX project under `crm/salesforce/` that `sf project deploy start` deploys as it is.

Deal pipelines become OpportunityStage values, lead pipelines LeadStatus
values, ticket pipelines CaseStatus values (one org-wide StandardValueSet each,
in one merged order: `journeyc.crm.salesforce`); every pipeline gets a record
type, the business process it selects (sales, lead or support process: the
values it uses) and a Path whose steps carry the stage's owner, SLA, actions
and content as guidance; PathAssistantSettings turns Path on. `sfdx-project.json`
makes the directory a project, `package.xml` lists it all; `README.md` says,
first and in bold, that deploying a StandardValueSet deactivates every value it
omits, and `cumulusci-entries.yml` plus `package-without-value-sets.xml` give
the merge route. The API version is `build.salesforce.api_version` of
journeyc.yaml (default 65.0).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from journeyc.crm.identity import developer_name
from journeyc.crm.objects import CrmPipeline, CrmStage, CrmView
from journeyc.crm.salesforce import Value, ValueSet, pipeline_order, value_key, value_sets
from journeyc.crm.settings import SALESFORCE_API_VERSION, salesforce_api_version
from journeyc.emitters import EmitOptions, Exported, Files, Split, by_journey, crm_pipelines, json_bytes, skipped_notice
from journeyc.emitters.salesforce import metadata as md
from journeyc.emitters.salesforce.guide import SOURCE, cumulusci_entries, guidance
from journeyc.emitters.salesforce.names import Names, all_names
from journeyc.emitters.salesforce.readme import readme
from journeyc.workspace.model import Journey, Stage, Workspace

OUT = PurePosixPath("crm/salesforce")
SRC = OUT / SOURCE
API_VERSION = SALESFORCE_API_VERSION   # the default; the build uses salesforce_api_version(ws)

__all__ = ["API_VERSION", "OUT", "developer_name", "emit", "guidance", "view"]


def taken(ws: Workspace) -> list[Exported]:
    return [e for e in crm_pipelines(ws) if e.stages]


def emit(ws: Workspace, options: EmitOptions) -> Files:
    return per_journey(ws, options).all(ws.journeys)


def per_journey(ws: Workspace, options: EmitOptions) -> Split:
    """The org-wide files (value sets, manifests, settings, README) for all, then each journey's record types,
    business processes and Paths: a build after one journey changed writes that journey's only (and, when the
    org-wide value sets change, every journey whose processes list them: see `inputs`)."""
    pipelines = taken(ws)
    names, sets = all_names(pipelines), _value_sets(ws)
    mine = by_journey(pipelines, lambda e: e)

    def journey(j: Journey) -> Files:
        files: Files = {}
        for e in mine.get(j.id, []):
            files.update(_pipeline_files(ws, e, names[e.slug], sets))
        return files

    return Split(lambda: _org_files(ws, options, pipelines, names, sets), journey)


def _org_files(ws: Workspace, options: EmitOptions, pipelines: list[Exported], names: dict[str, Names],
               sets: dict[str, ValueSet]) -> Files:
    version = salesforce_api_version(ws)
    files: Files = {}
    members: dict[str, list[str]] = {"BusinessProcess": [], "RecordType": [], "PathAssistant": []}
    for obj, value_set in sets.items():
        if value_set.values:
            name = value_set.entity.value_set
            files[SRC / f"standardValueSets/{name}.standardValueSet-meta.xml"] = md.value_set_xml(obj, value_set.values)
            members.setdefault("StandardValueSet", []).append(name)
    for e in pipelines:
        for kind, member in names[e.slug].members().items():
            members[kind].append(member)
    if pipelines:
        files[SRC / "settings/PathAssistant.settings-meta.xml"] = md.path_settings_xml()
        members["Settings"] = ["PathAssistant"]
    members = {k: v for k, v in members.items() if v}
    files[OUT / "sfdx-project.json"] = json_bytes(sfdx_project(version))
    files[OUT / "package.xml"] = md.package_xml(members, version)
    files[OUT / "package-without-value-sets.xml"] = md.package_xml(
        {k: v for k, v in members.items() if k != "StandardValueSet"}, version)
    files[OUT / "cumulusci-entries.yml"] = cumulusci_entries(sets)
    files[OUT / "README.md"] = readme(pipelines, names, sets, version)
    options.notices.extend(skipped_notice("salesforce", "no stages", [e for e in crm_pipelines(ws) if not e.stages]))
    options.notices.extend(_unconvertible(pipelines, sets))
    return files


def _value_sets(ws: Workspace) -> dict[str, ValueSet]:
    """The org-wide value sets of the pipelines Salesforce takes, made once per workspace (`inputs` of the
    incremental build and the files both read them)."""
    return ws.derived("salesforce_taken_value_sets", lambda w: value_sets(taken(w)))


def inputs(ws: Workspace) -> dict[str, str]:
    """What a journey's files are made from besides the journey: the org-wide value sets its processes take
    their values and order from (each value's fields, in the org's order)."""
    pipelines = taken(ws)
    sets = _value_sets(ws)
    text = {obj: "".join(f"{v.name}|{v.label}|{v.percent}|{v.outcome}|{v.closed}|{v.converted}|{v.forecast}\n"
                         for v in value_set.values) for obj, value_set in sets.items()}
    out: dict[str, str] = {}
    for e in pipelines:
        out[e.journey.id] = out.get(e.journey.id, "") + f"{e.slug} {e.pipeline.object}\n{text[e.pipeline.object]}"
    return out


def _pipeline_files(ws: Workspace, e: Exported, n: Names, sets: dict[str, ValueSet]) -> Files:
    """One pipeline's record type, business process and Path."""
    objects = SRC / "objects" / n.entity.name
    values = process_values(e, sets[e.pipeline.object])
    steps = [(v, guidance(ws, stage)) for v, stage in zip(values, _first_stages(e, sets), strict=True)]
    return {objects / f"recordTypes/{n.record_type}.recordType-meta.xml": md.record_type_xml(e, n),
            objects / f"businessProcesses/{n.process}.businessProcess-meta.xml": md.business_process_xml(e, n, values),
            SRC / f"pathAssistants/{n.path}.pathAssistant-meta.xml": md.path_xml(e, n, steps)}


def sfdx_project(version: str) -> dict[str, object]:
    """The smallest project the sf CLI deploys from (forcedotcom/schemas sfdx-project.schema.json)."""
    return {"name": "journeyc", "namespace": "", "packageDirectories": [{"path": "force-app", "default": True}],
            "sourceApiVersion": version}


def process_values(e: Exported, value_set: ValueSet) -> list[Value]:
    """The pipeline's values, as the org-wide set holds them, in the org-wide order."""
    used = set(e.value_keys)
    return [v for v in value_set.values if v.key in used]


def _first_stages(e: Exported, sets: dict[str, ValueSet]) -> list[Stage]:
    """For each value of the pipeline's process, the pipeline's own (first) stage that uses it: its guidance."""
    mine = {value_key(s): s for s in pipeline_order(e)}
    return [mine[v.key] for v in process_values(e, sets[e.pipeline.object])]


def _unconvertible(pipelines: list[Exported], sets: dict[str, ValueSet]) -> list[str]:
    """Lead processes without a converted status and support processes without a closed one: said, not fixed."""
    out = []
    for e in pipelines:
        values = process_values(e, sets[e.pipeline.object])
        if e.pipeline.object == "lead" and not any(v.converted for v in values):
            out.append(f"salesforce: lead pipeline {e.key} has no converted status (a won stage or a stage that exits"
                       " to a deal pipeline): Salesforce cannot convert its leads")
        if e.pipeline.object == "ticket" and not any(v.closed for v in values):
            out.append(f"salesforce: ticket pipeline {e.key} has no closed status (a stage with an outcome, or a"
                       " terminal one): its cases cannot be closed in its support process")
    return out


def view(ws: Workspace) -> CrmView:
    """Salesforce after the build: record types (with their process) and the picklist values each uses."""
    pipelines = taken(ws)
    names = all_names(pipelines)
    sets = _value_sets(ws)
    out = []
    for e in pipelines:
        n: Names = names[e.slug]
        values = process_values(e, sets[e.pipeline.object])
        stages = tuple(CrmStage((f"{n.entity.value_set}/{v.key}",), v.name, v.label, stage.id, _closed(v),
                                v.percent if e.pipeline.object == "deal" else None,
                                _fields(ws, v, stage, e.pipeline.object))
                       for v, stage in zip(values, _first_stages(e, sets), strict=True))
        out.append(CrmPipeline((f"{n.entity.name}/{n.record_type.casefold()}",), n.record_type, e.pipeline.name,
                               e.pipeline.object, e.journey.id, e.pipeline.id, stages,
                               (("business process", n.process),)))
    return CrmView("salesforce", tuple(out))


def _closed(v: Value) -> str | None:
    return v.outcome or ("closed" if v.closed and v.pipeline.pipeline.object == "ticket" else None)


def _fields(ws: Workspace, v: Value, stage: Stage, obj: str) -> tuple[tuple[str, object], ...]:
    extra: tuple[tuple[str, object], ...] = (("Path guidance", guidance(ws, stage)),)
    if obj == "deal":
        return (("forecast category", md.forecast_category(v)), *extra)
    if obj == "lead":
        return (("converted", v.converted), *extra)
    return extra
