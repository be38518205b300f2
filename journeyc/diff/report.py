"""The `journeyc diff` reports: text for a terminal, JSON for tools, Markdown for a pull-request comment.

Kept out of `journeyc/formatters/` on purpose: those format check diagnostics
and may import nothing but `journeyc.diagnostics`, while a diff report reads
the model (and the Mermaid emitter for its diagrams).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from journeyc.diff import (
    TARGET_NAMES,
    Delta,
    ExitEdge,
    FieldChange,
    JourneyDiff,
    Level,
    WorkspaceDiff,
    counts,
)
from journeyc.diff.sources import DiffRun, Side
from journeyc.formatters.text import printable
from journeyc.wording import plural
from journeyc.workspace.model import Exit, Journey, Stage

#: first line of the Markdown report: CI finds (and updates) its own pull-request comment by it
MARKER = "<!-- journeyc-diff -->"
#: tables longer than this are collapsed in <details>
LONG = 12
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: fields whose values are ids (shown bare, or as code in Markdown); others are free text
ID_FIELDS = frozenset({"owner", "pipeline", "outcome", "risk", "start", "object", "function"})


# --- shared --------------------------------------------------------------------


def summary(diff: WorkspaceDiff) -> str:
    """One line: what changed, the worst CRM impact per target and how many teams should review."""
    if not diff.changed:
        return "No changes."
    parts = []
    for kind, found in counts(diff).items():
        for status, n in found.items():
            if n and status != "reordered":
                verb = "redefined" if kind == "terms" and status == "changed" else status
                parts.append(f"{n} {_noun(kind, n)} {verb}")
        if found.get("reordered"):
            parts.append(f"stages reordered in {plural(found['reordered'], 'journey')}")
    text = ", ".join(parts)
    worst = _impact_line(diff)
    if worst:
        text += f"; CRM impact: {worst}"
    if diff.reviewers:
        text += f"; {plural(len(diff.reviewers), 'team')} to review"
    return text + "."


def _impact_line(diff: WorkspaceDiff) -> str:
    """The CRM targets grouped by level, worst first."""
    by_level: dict[Level, list[str]] = {}
    for t in diff.crm:
        if t.level > Level.NONE:
            by_level.setdefault(t.level, []).append(TARGET_NAMES[t.target])
    return ", ".join(f"{level.label} ({', '.join(names)})" for level, names in
                     sorted(by_level.items(), reverse=True))


def _noun(kind: str, n: int) -> str:
    word = {"journeys": "journey", "stages": "stage", "exits": "exit", "signals": "signal", "terms": "term",
            "teams": "team"}[kind]
    return word if n == 1 else kind



def _label(text: str) -> str:
    """A side as the user named it (a revision, a directory): as typed unless it holds control characters."""
    return text if text.isprintable() else json.dumps(text)


def _unclean_lines(run: DiffRun, label: Callable[[str], str] = _label) -> list[str]:
    """One line per side that `journeyc check` would fail: the diff still runs, and says so."""
    return [f"{which} ({label(side.label)}) does not check clean: {plural(side.errors, 'error')}; the diff"
            " compares what could be loaded (run `journeyc check` for details)"
            for which, side in (("base", run.base), ("head", run.head)) if side.errors]


def value_text(value: Any, ident: bool = False) -> str:
    """A value on one line: ids (`ident`) bare, other text quoted with control characters escaped."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(value_text(v, ident) for v in value) + "]"
    if ident and isinstance(value, str) and _ID.match(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _change_text(c: FieldChange) -> str:
    ident = c.field in ID_FIELDS
    return f"{c.field}: {value_text(c.old, ident)} → {value_text(c.new, ident)}"


def _journey(side: Side, jid: str) -> Journey | None:
    return next((j for j in side.loaded.workspace.complete_journeys() if j.id == jid), None)


def _stage_detail(stage: Stage, show: Callable[[Any, bool], str]) -> str:
    """What a reviewer wants to know of a new stage: its label, owner and where it leads."""
    parts = [f"{name} {show(value, name == 'owner')}" for name, value in (("term", stage.term),
                                                                          ("owner", stage.owner))
             if value is not None]
    if stage.exits:
        parts.append("exits to " + ", ".join(show(e.to, True) + (f" when {show(e.when, True)}" if e.when else "")
                                             for e in stage.exits))
    return "; ".join(parts)


# --- JSON ----------------------------------------------------------------------


def render_json(run: DiffRun) -> str:
    return json.dumps(as_data(run), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_data(run: DiffRun) -> dict[str, Any]:
    """The JSON report (DESIGN §3), every list sorted so that output is stable."""
    diff = run.diff
    return {
        "base": run.base.label, "head": run.head.label,
        "base_errors": run.base.errors, "head_errors": run.head.errors,
        "journeys": [_journey_data(j) for j in sorted(diff.journeys, key=lambda j: j.id)],
        "terms": _delta_data(diff.terms, "term", key=str.casefold),
        "teams": _delta_data(diff.teams, "id"),
        "impact": {
            "crm": {t.target: {"level": t.level.key, "items": sorted(
                ({"level": i.level.key, "journey": i.journey, "pipeline": i.pipeline, "stage": i.stage,
                  "message": i.message, "to": list(i.to)} for i in t.items),
                key=lambda d: (d["journey"], d["pipeline"], d["stage"] or "", d["message"]))} for t in diff.crm},
            "reviewers": [{"team": r.team, "name": r.name, "contact": r.contact, "reasons": sorted(r.reasons)}
                          for r in diff.reviewers],
        },
        "summary": {"changed": diff.changed, "text": summary(diff), **counts(diff)},
    }


def _journey_data(j: JourneyDiff) -> dict[str, Any]:
    stages = _delta_data(j.stages, "id")
    stages["reordered"] = {"from": list(j.reordered[0]), "to": list(j.reordered[1])} if j.reordered else None
    return {
        "id": j.id, "status": j.status, "name": j.name, "changes": _changes_data(j.changes),
        "stages": stages,
        "exits": {"added": _exits_data(j.exits_added), "removed": _exits_data(j.exits_removed)},
        "signals": _delta_data(j.signals, "id"),
        "pipelines": _delta_data(j.pipelines, "id"),
    }


def _delta_data(d: Delta, name: str, key: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
    return {"added": sorted(d.added, key=key), "removed": sorted(d.removed, key=key),
            "changed": [{name: c.id, "changes": _changes_data(c.changes)}
                        for c in sorted(d.changed, key=lambda c: key(c.id))]}


def _changes_data(changes: tuple[FieldChange, ...]) -> dict[str, Any]:
    return {c.field: {"from": _plain(c.old), "to": _plain(c.new)} for c in changes}


def _exits_data(edges: tuple[ExitEdge, ...]) -> list[dict[str, Any]]:
    return [{"from": e.source, "to": e.to, "when": e.when}
            for e in sorted(edges, key=lambda e: (e.source, e.to, e.when or ""))]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# --- text ----------------------------------------------------------------------


def render_text(run: DiffRun) -> str:
    diff = run.diff
    lines = [f"journeyc diff: {_label(run.base.label)} → {_label(run.head.label)}"]
    lines += [f"warning: {line}" for line in _unclean_lines(run)]
    for j in diff.journeys:
        lines.append(f"journey {j.id} {value_text(j.name)} ({j.status})")
        lines += ["  " + line for line in _journey_text(j, _journey(run.head, j.id))]
    lines += _delta_text(diff.terms, "term", redefined=True)
    lines += _delta_text(diff.teams, "team")
    if any(t.items for t in diff.crm):
        lines.append("CRM impact:")
        for t in diff.crm:
            lines.append(f"  {TARGET_NAMES[t.target]}: {t.level.label}")
            lines += [f"    {i.level.label}: {i.journey}/{i.pipeline}: {i.message}" for i in t.items]
    if diff.reviewers:
        lines.append("Reviewers:")
        for r in diff.reviewers:
            who = ", ".join(value_text(x) for x in (r.name, r.contact) if x)
            lines.append(f"  {r.team}" + (f" ({who})" if who else "") + ": " + "; ".join(r.reasons))
    lines.append(summary(diff))
    # ids of a side that does not check clean, CRM messages and JSON's raw DEL, C1 and bidi characters:
    # nothing from YAML may drive the terminal
    return "\n".join(printable(line) for line in lines) + "\n"


def _journey_text(j: JourneyDiff, head: Journey | None) -> Iterator[str]:
    yield from (_change_text(c) for c in j.changes)
    for line in _delta_text(j.stages, "stage"):
        sid = line.removeprefix("stage added: ")
        stage = head.stage(sid) if head and line.startswith("stage added: ") else None
        yield line + (f" ({_stage_detail(stage, value_text)})" if stage else "")
    if j.reordered:
        yield f"stages reordered: {', '.join(j.reordered[0])} → {', '.join(j.reordered[1])}"
    added, removed = j.rewired()
    yield from (f"exit added: {e.text}" for e in added)
    yield from (f"exit removed: {e.text}" for e in removed)
    yield from _delta_text(j.signals, "signal")
    yield from _delta_text(j.pipelines, "pipeline")


def _delta_text(d: Delta, kind: str, *, redefined: bool = False) -> list[str]:
    ident = not redefined  # term labels are free text; stage, signal, pipeline and team ids are ids
    out = [f"{kind} added: {value_text(x, ident)}" for x in d.added]
    out += [f"{kind} removed: {value_text(x, ident)}" for x in d.removed]
    for c in d.changed:
        out.append(f"{kind} {'redefined' if redefined else 'changed'}: {value_text(c.id, ident)}")
        out += [f"  {_change_text(f)}" for f in c.changes]
    return out


# --- Markdown ------------------------------------------------------------------

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
    for line in _unclean_lines(run, md_code):
        out += ["> [!WARNING]", f"> {line}", ""]
    draw = diagrams if diagrams is not None else mermaid_diagram
    for j in diff.journeys:
        out += [f"#### Journey {md_code(j.id)}: {md_text(j.name)} ({j.status})", ""]
        rows = list(_journey_rows(j, _journey(run.head, j.id)))
        out += _md_table(["Item", "Id", "Change"], rows, f"{len(rows)} changes in {md_text(j.id)}")
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
    yield from _delta_rows(j.stages, "stage", lambda sid: _md_stage_detail(head, sid))
    if j.reordered:
        yield ["stages", "", "reordered: " + ", ".join(map(md_code, j.reordered[0])) + " → "
               + ", ".join(map(md_code, j.reordered[1]))]
    for verb, edges in zip(("added", "removed"), j.rewired(), strict=True):
        yield from (["exit", md_code(e.text), f"**{verb}**"] for e in edges)
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
    return f": {_stage_detail(stage, md_value)}" if stage else ""


def _md_impact(diff: WorkspaceDiff) -> list[str]:
    if not diff.changed:
        return []
    out = ["#### Impact", ""]
    if diff.crm:
        rows = [[TARGET_NAMES[t.target], f"**{t.level.label}**" if t.level >= Level.MIGRATION else t.level.label,
                 "<br>".join(f"{i.level.label}: {md_text(i.message)}" for i in t.items) or "nothing exported changes"]
                for t in diff.crm]
        out += _md_table(["CRM", "Impact", "What it means"], rows, "CRM impact")
    if diff.reviewers:
        out += ["**Who should review**", ""]
        rows = [[md_code(r.team) + (f" {md_text(r.name)}" if r.name else ""), md_code(r.contact) if r.contact else "",
                 "<br>".join(md_text(x) for x in r.reasons)] for r in diff.reviewers]
        out += _md_table(["Team", "Contact", "Why"], rows, f"{len(rows)} teams")
    return out


def mermaid_diagram(run: DiffRun, j: JourneyDiff) -> str | None:
    """The changed journey drawn by the compiler's Mermaid emitter, with what the diff says marked on it.

    Added stages and exits are highlighted, removed ones (from the base) drawn
    dashed, changed stages marked; an exit whose signal changed is one changed
    edge (the emitter keys edge classes by (from, to), not by signal).
    """
    from journeyc.emitters.mermaid import flowchart

    old, new = _journey(run.base, j.id), _journey(run.head, j.id)
    if new is None:
        if old is None:
            return None
        edges = {(s.id, e.to): "removed" for s in old.stages for e in s.exits}
        chart = flowchart(run.base.loaded.workspace, old, node_classes={s.id: "removed" for s in old.stages},
                          edge_classes=edges)
    else:
        nodes = {**{sid: "added" for sid in j.stages.added}, **{c.id: "changed" for c in j.stages.changed}}
        gone = [s for sid in j.stages.removed if old is not None and (s := old.stage(sid)) is not None]
        added = {(e.source, e.to) for e in j.exits_added}
        removed = {(e.source, e.to) for e in j.exits_removed}
        edges = {pair: "changed" if pair in removed else "added" for pair in added}
        extra = [(e.source, x) for e in j.exits_removed if (e.source, e.to) not in added
                 and (x := _base_exit(old, e)) is not None]
        chart = flowchart(run.head.loaded.workspace, new, node_classes=nodes, edge_classes=edges,
                          extra_stages=gone, extra_exits=extra)
    legend = "<sub>green: added · grey, dashed: removed · amber: changed</sub>"
    return f"```mermaid\n{chart}```\n{legend}"


def _base_exit(old: Journey | None, edge: ExitEdge) -> Exit | None:
    stage = old.stage(edge.source) if old else None
    return next((e for e in stage.exits if (e.to, e.when) == (edge.to, edge.when)), None) if stage else None


RENDERERS: dict[str, Callable[[DiffRun], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
