"""The Markdown report of `journeyc diff`, made for a pull-request comment (with a Mermaid diagram per journey).

Every text from YAML is made inert: no markup, no HTML, no line break, no
stray table pipe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from journeyc.diff import TARGET_NAMES, Delta, FieldChange, JourneyDiff, Level, WorkspaceDiff
from journeyc.diff.report.common import (
    _ID,
    ID_FIELDS,
    exit_note,
    journey_of,
    stage_detail,
    summary,
    unclean_lines,
    value_text,
)
from journeyc.diff.report.diagram import mermaid_diagram
from journeyc.diff.sources import DiffRun
from journeyc.wording import plural
from journeyc.workspace.model import Journey

#: first line of the Markdown report: CI finds (and updates) its own pull-request comment by it
MARKER = "<!-- journeyc-diff -->"
#: tables longer than this are collapsed in <details>
LONG = 12
#: what could start markup inside a line; `$` is GitHub math. Line starts are never YAML text here.
#: Controls (C0 but tab and LF, DEL, C1), bidi embeddings/overrides/isolates and lone surrogates: never shown raw.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_text(text: str) -> str:
    """Text from YAML made inert in Markdown (and in a table cell): no markup, no HTML, no line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "<br>")


def md_code(text: str) -> str:
    """An inline code span holding `text` as is (a longer fence when the text has backticks)."""
    text = _CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " ")).replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or fence != "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_value(value: Any, ident: bool = False) -> str:
    """A value in a table cell: ids (`ident`) as code, text quoted and made inert, lists in brackets."""
    if isinstance(value, (tuple, list)):
        return "\\[" + ", ".join(md_value(v, ident) for v in value) + "\\]"
    if ident and isinstance(value, str) and _ID.match(value):
        return md_code(value)
    if isinstance(value, str):
        return f'"{md_text(value)}"'
    return md_text(value_text(value))


def _md_id(value: str) -> str:
    return md_value(value, True)


def _md_changes(changes: tuple[FieldChange, ...]) -> str:
    return "<br>".join(f"{md_text(c.field)}: {md_value(c.old, c.field in ID_FIELDS)} →"
                       f" {md_value(c.new, c.field in ID_FIELDS)}" for c in changes)


def _md_table(header: list[str], rows: list[list[str]], summary_text: str) -> list[str]:
    table = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    if len(rows) <= LONG:
        return table + [""]
    return ["<details>", f"<summary>{summary_text}</summary>", "", *table, "", "</details>", ""]


def render_markdown(run: DiffRun, diagrams: Callable[[DiffRun, JourneyDiff], str | None] | None = None) -> str:
    """The pull-request comment: summary, a table per journey (and its diagram), vocabulary, teams, impact."""
    diff = run.diff
    out = [MARKER, f"### journeyc diff: {md_code(run.base.label)} → {md_code(run.head.label)}", ""]
    out += [f"**Summary:** {md_text(summary(diff))}", ""]
    for line in unclean_lines(run, md_code, md_text):
        out += ["> [!WARNING]", f"> {line}", ""]
    draw = diagrams if diagrams is not None else mermaid_diagram
    for j in diff.journeys:
        out += [f"#### Journey {md_code(j.id)}: {md_text(j.name)} ({j.status})", ""]
        rows = list(_journey_rows(j, journey_of(run.head, j.id)))
        out += _md_table(["Item", "Id", "Change"], rows, f"{plural(len(rows), 'change')} in {md_text(j.id)}")
        chart = draw(run, j)
        if chart:
            out += [chart, ""]
    for title, delta, kind in (("Vocabulary", diff.terms, "term"), ("Teams", diff.teams, "team")):
        if delta:
            out += [f"#### {title}", ""]
            out += _md_table(["Item", "Id", "Change"], list(_delta_rows(delta, kind)), f"{delta.count} changes")
    out += _md_impact(diff)
    return "\n".join(out).rstrip("\n") + "\n"


def _journey_rows(j: JourneyDiff, head: Journey | None) -> Iterator[list[str]]:
    if j.changes:
        yield ["journey", md_code(j.id), _md_changes(j.changes)]
    yield from (["stage", f"{md_code(old)} → {md_code(new)}", "**renamed**"] for old, new in j.renamed)
    yield from _delta_rows(j.stages, "stage", lambda sid: _md_stage_detail(head, sid))
    if j.reordered:
        yield ["stages", "", "reordered: " + ", ".join(map(md_code, j.reordered[0])) + " → "
               + ", ".join(map(md_code, j.reordered[1]))]
    for verb, edges in (("added", j.exits_added), ("removed", j.exits_removed)):
        yield from (["exit", md_code(e.text), f"**{verb}**" + md_text(exit_note(j, e))] for e in edges)
    yield from _delta_rows(j.signals, "signal")
    yield from _delta_rows(j.pipelines, "pipeline")


def _delta_rows(d: Delta, kind: str, detail: Callable[[str], str] = lambda _: "") -> Iterator[list[str]]:
    name = md_text if kind == "term" else _md_id  # term labels are free text, the rest are ids
    yield from ([kind, name(x), "**added**" + detail(x)] for x in d.added)
    yield from ([kind, name(x), "**removed**"] for x in d.removed)
    verb = "redefined" if kind == "term" else "changed"
    yield from ([kind, name(c.id), f"{verb}: " + _md_changes(c.changes)] for c in d.changed)


def _md_stage_detail(head: Journey | None, sid: str) -> str:
    stage = head.stage(sid) if head else None
    return f": {stage_detail(stage, md_value)}" if stage else ""


def _md_impact(diff: WorkspaceDiff) -> list[str]:
    if not diff.changed:
        return []
    out = ["#### Impact", ""]
    if diff.crm:
        rows = [[TARGET_NAMES[t.target], f"**{t.level.label}**" if t.level >= Level.MIGRATION else t.level.label,
                 "<br>".join(f"{i.level.label}: {md_text(i.message)}" + (f"<br>↳ {md_text(i.hint)}" if i.hint else "")
                             for i in t.items) or "nothing exported changes"]
                for t in diff.crm]
        out += _md_table(["CRM", "Impact", "What it means"], rows, "CRM impact")
    if diff.reviewers:
        out += ["**Who should review**", ""]
        rows = [[md_code(r.team) + (f" {md_text(r.name)}" if r.name else ""), md_code(r.contact) if r.contact else "",
                 "<br>".join(md_text(x) for x in r.reasons)] for r in diff.reviewers]
        out += _md_table(["Team", "Contact", "Why"], rows, plural(len(rows), "team"))
    return out
