"""Drift reports by name: text for a terminal, json for tools, markdown for an issue or a pull request, github.

The JSON shape is documented in the README ("Drift between the map and the
CRM"); every other format is made from the same `DriftResult`.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Callable, Iterator

from journeyc.crmsync.drift import Change, DriftResult, PipelineDrift, StageDrift
from journeyc.formatters.github import escape_data, escape_property
from journeyc.formatters.text import printable
from journeyc.readers.config import CRM_NAMES
from journeyc.wording import plural

MARKER = "<!-- journeyc-drift -->"
STATUS = {"missing_in_crm": "not in {crm}", "missing_in_map": "in {crm}, not in the map", "changed": "changed",
          "matched": "changed"}


def summary(result: DriftResult) -> dict[str, int]:
    stages = [s for p in result.pipelines for s in p.stages]
    return {"pipelines_compared": result.compared, "pipelines_with_drift": len(result.pipelines),
            "pipelines_missing_in_crm": sum(p.status == "missing_in_crm" for p in result.pipelines),
            "pipelines_missing_in_map": sum(p.status == "missing_in_map" for p in result.pipelines),
            "stages_changed": sum(s.status == "changed" for s in stages),
            "stages_missing_in_crm": sum(s.status == "missing_in_crm" for s in stages),
            "stages_missing_in_map": sum(s.status == "missing_in_map" for s in stages),
            "changes": sum(len(s.changes) for s in stages) + sum(len(p.changes) for p in result.pipelines)}


def render_json(result: DriftResult) -> str:
    data = {"drift": result.drift, "crms": result.crms, "sources": result.sources,
            "pipelines": [dataclasses.asdict(p) for p in result.pipelines], "notes": result.notes,
            "summary": summary(result)}
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _headline(result: DriftResult) -> str:
    n = summary(result)
    if not result.drift:
        return f"No drift: {plural(n['pipelines_compared'], 'pipeline')} match {_crms(result)}."
    parts = [plural(n["pipelines_with_drift"], "pipeline") + " with drift"]
    for key, words in (("pipelines_missing_in_crm", "pipeline not in the CRM"),
                       ("pipelines_missing_in_map", "pipeline not in the map"),
                       ("stages_changed", "stage changed"), ("stages_missing_in_crm", "stage not in the CRM"),
                       ("stages_missing_in_map", "stage not in the map")):
        if n[key]:
            head, _, tail = words.partition(" ")
            parts.append(f"{plural(n[key], head)} {tail}")
    return "Drift: " + ", ".join(parts) + "."


def _crms(result: DriftResult) -> str:
    return ", ".join(CRM_NAMES[c] for c in result.crms) or "the CRM"


def _title(p: PipelineDrift) -> str:
    journey = f" = journey {p.journey}" + (f"/{p.pipeline}" if p.pipeline and p.pipeline != p.journey else "") \
        if p.journey else ""
    ident = f" ({p.crm_id})" if p.crm_id else ""
    state = {"missing_in_crm": f": not in {CRM_NAMES[p.crm]}", "missing_in_map": ": not in the map"}.get(p.status, "")
    by = f" [matched by {p.matched_by}]" if p.matched_by not in (None, "identity") else ""
    label = json.dumps(p.label, ensure_ascii=False)
    return f"{CRM_NAMES[p.crm]} {p.object} pipeline {label}{ident}{journey}{state}{by}"


def _stage_title(s: StageDrift, crm: str) -> str:
    where = f"{s.file}:{s.line}: " if s.file else ""
    ident = f" ({s.crm_id})" if s.crm_id else ""
    name = f"stage {s.id} " if s.id else "stage "
    by = f" [matched by {s.matched_by}]" if s.matched_by not in (None, "identity") else ""
    state = STATUS[s.status].format(crm=CRM_NAMES[crm])
    return f"{where}{name}{json.dumps(s.label, ensure_ascii=False)}{ident}: {state}{by}"


def _change_text(c: Change, crm: str) -> str:
    return f"{c.field.replace('_', ' ')}: map {_value(c.map)}, {CRM_NAMES[crm]} {_value(c.crm)}"


def _value(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _fix(yaml: str | None, crm_action: str | None, indent: str) -> Iterator[str]:
    if yaml:
        first, *rest = yaml.split("\n")
        yield f"{indent}fix the map: {first}"
        yield from (f"{indent}    {line}" for line in rest)
    if crm_action:
        yield f"{indent}{crm_action}"


def render_text(result: DriftResult) -> str:
    lines = [f"journeyc drift: the map against {_crms(result)} ({', '.join(result.sources)})"]
    for p in result.pipelines:
        lines.append(_title(p))
        lines += list(_fix(p.yaml, p.crm_action, "  "))
        for c in p.changes:
            lines.append(f"  {_change_text(c, p.crm)}")
            lines += list(_fix(c.yaml, c.crm_action, "    "))
        for s in p.stages:
            lines.append(f"  {_stage_title(s, p.crm)}")
            lines += list(_fix(s.yaml, s.crm_action, "    "))
            for c in s.changes:
                lines.append(f"    {_change_text(c, p.crm)}")
                lines += list(_fix(c.yaml, c.crm_action, "      "))
    lines += [f"note: {n}" for n in result.notes]
    lines.append(_headline(result))
    return "".join(printable(line) + "\n" for line in lines)


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", "<br>").replace("`", "&#96;")


def _code(text: str | None) -> str:
    return f"<code>{_md(text)}</code>" if text else ""


def render_markdown(result: DriftResult) -> str:
    lines = [MARKER, "## journeyc drift", "", _md(_headline(result)), ""]
    for p in result.pipelines:
        lines += [f"### {_md(_title(p))}", ""]
        rows: list[tuple[str, str, str, str, str | None, str | None]] = [
            ("pipeline", c.field, _value(c.map), _value(c.crm), c.yaml, c.crm_action) for c in p.changes]
        if p.status != "matched":
            rows.append(("pipeline", STATUS[p.status].format(crm=CRM_NAMES[p.crm]), "", "", p.yaml, p.crm_action))
        for s in p.stages:
            name = f"{s.id or ''} {json.dumps(s.label, ensure_ascii=False)}".strip()
            if s.status != "changed":
                rows.append((name, STATUS[s.status].format(crm=CRM_NAMES[p.crm]), "", "", s.yaml, s.crm_action))
            rows += [(name, c.field, _value(c.map), _value(c.crm), c.yaml, c.crm_action) for c in s.changes]
        lines += ["| stage | difference | map | CRM | change the map | or change the CRM |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {_md(a)} | {_md(b)} | {_md(c)} | {_md(d)} | {_code(e)} | {_md(f or '')} |"
                  for a, b, c, d, e, f in rows]
        lines.append("")
    lines += [f"- note: {_md(n)}" for n in result.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_github(result: DriftResult) -> str:
    out = []
    for p in result.pipelines:
        items: list[tuple[str | None, int | None, str]] = []
        if p.status != "matched":
            items.append((p.file, p.line, f"{_title(p)}. {p.crm_action or ''}"))
        items += [(p.file, p.line, f"{_title(p)}: {_change_text(c, p.crm)}. {c.crm_action}") for c in p.changes]
        for s in p.stages:
            head = f"{_title(p)}: {_stage_title(s, p.crm)}"
            if s.status != "changed":
                items.append((s.file or p.file, s.line or p.line, f"{head}. {s.crm_action or ''}"))
            items += [(s.file, s.line, f"{head}: {_change_text(c, p.crm)}. Map: {c.yaml}. {c.crm_action}")
                      for c in s.changes]
        for file, line, message in items:
            props = ",".join(f"{k}={escape_property(str(v))}" for k, v in (("file", file), ("line", line),
                                                                          ("title", "journeyc drift")) if v)
            out.append(f"::warning {props}::{escape_data(message)}")
    out.append(escape_data(_headline(result)))
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[DriftResult], str]] = {"text": render_text, "json": render_json,
                                                       "markdown": render_markdown, "github": render_github}
