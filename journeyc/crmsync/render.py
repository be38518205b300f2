"""The text of the files an import writes: a journey per pipeline, the new terms, a config and an empty team list.

Written as text (not dumped) so the files read like hand-written ones: keys in
the order of the README's examples, one identity per line, comments that say
what is left for people. `owner:` is written empty on every stage: the slot a
person fills in (check reports each as JC301 until then).
"""

from __future__ import annotations

from journeyc.crmsync.plan import Journey, Stage
from journeyc.crmsync.terms import Term
from journeyc.crmsync.yamltext import comment, flow, flow_list, scalar
from journeyc.readers.config import CRM_NAMES

HEAD = "apiVersion: journeyc/v1\n"
NOT_SALES = "# journeyc: ignore[JC405] a support pipeline has no won outcome"


def journey_text(j: Journey, sources: tuple[str, ...]) -> str:
    lines = [f"# Imported by `journeyc import` from {CRM_NAMES[j.crm]} ({comment(', '.join(sources))[:300]}).",
             "# Left for people: the `owner:` of every stage, the signal (`when:`) of every exit, and",
             "# the exits the CRM does not know (only its linear order is written here).",
             HEAD.rstrip(), "kind: Journey"]
    tickets = all(p.source.object == "ticket" for p in j.pipelines)
    lines.append(f"id: {j.id}" + (f"  {NOT_SALES}" if tickets else ""))
    lines.append(f"name: {scalar(j.name)}")
    if j.implicit:
        lines += _crm(j.pipelines[0].crm, "")
    if j.start and j.start != [j.stages[0].id]:
        lines.append(f"start: [{', '.join(j.start)}]")
    if not j.implicit:
        lines.append("pipelines:")
        for p in j.pipelines:
            lines += [f"  - id: {p.id}", f"    name: {scalar(p.source.label)}", f"    object: {p.source.object}"]
            lines += _crm(p.crm, "    ")
    lines.append("stages:")
    for s in j.stages:
        lines += _stage(s)
    return "\n".join(lines) + "\n"


def _crm(crm: dict[str, dict[str, str | int]], indent: str) -> list[str]:
    out = [f"{indent}crm:"]
    for name, values in crm.items():
        out.append(f"{indent}  {name}: {flow(values)}" + ("  # the org-wide values: no business process"
                                                         if name == "salesforce" and not values else ""))
    return out


def _stage(s: Stage) -> list[str]:
    out = [f"  - id: {s.id}", f"    term: {scalar(s.label)}", "    owner:"]
    if s.description:
        out.append(f"    description: {scalar(s.description)}")
    if s.pipeline:
        out.append(f"    pipeline: {s.pipeline}")
    if s.probability is not None:
        out.append(f"    probability: {s.probability}")
    if s.sla_days is not None:
        out.append(f"    sla_days: {s.sla_days}")
    if s.outcome:
        out.append(f"    outcome: {s.outcome}")
    if s.terminal:
        out.append("    terminal: true")
    if s.crm:
        out += ["    crm:"] + [f"      {name}: {flow(values)}" for name, values in s.crm.items()]
    if s.exits:
        out += ["    exits:"] + [f"      - to: {target}" for target in s.exits]
    return out


def vocabulary_text(terms: list[Term], crms: list[str]) -> str:
    names = ", ".join(CRM_NAMES[c] for c in crms)
    lines = [f"# Terms for the stage labels imported from {names} by `journeyc import`.",
             "# Every term needs a `definition:` everybody agrees on: journeyc check lists each",
             "# missing one (JC004, missing required key 'definition').",
             HEAD.rstrip(), "kind: Vocabulary", "terms:"]
    for t in terms:
        lines.append(f"  - term: {scalar(t.label)}")
        if t.aliases:
            lines.append(f"    aliases: {flow_list(t.aliases)}")
    return "\n".join(lines) + "\n"


def config_text(crms: list[str]) -> str:
    targets = ["model", "diagrams", "docs", *[c for c in ("hubspot", "salesforce", "pipedrive") if c in crms], "csv"]
    return ("# The root of a journeyc workspace written by `journeyc import`. `journeyc check` lists\n"
            "# the decisions the CRM could not make (owners, definitions, signals, SLAs).\n"
            f"{HEAD}kind: Config\nbuild:\n  out: build/journeyc\n  targets: [{', '.join(targets)}]\n")


def teams_text() -> str:
    return ("# The teams that own the imported stages: the CRM does not know them. Add yours, then\n"
            "# set `owner:` on every stage (journeyc check lists each one, JC301). For example:\n"
            "#   teams:\n"
            "#     - id: sales\n"
            "#       name: Sales\n"
            "#       function: sales   # marketing | sales | customer-success | revops | product | support | other\n"
            f"{HEAD}kind: Teams\nteams: []\n")
