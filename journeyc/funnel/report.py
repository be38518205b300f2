"""The funnel for people and tools: text for a terminal, JSON, and Markdown for an issue or a wiki.

Each leads with the bottleneck sentence. Text from YAML or from the CRM export
(stage labels, unmapped labels) is escaped for Markdown here; the command line
makes the text format printable on a terminal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from journeyc.funnel import overlay
from journeyc.funnel.result import FunnelResult, PipelineFlow, StageFlow, Transition, clean, sentence, to_json
from journeyc.wording import plural
from journeyc.workspace.model import Workspace

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|~>])")  # `<` and `&` become entities
COLUMNS = ("stage", "entered", "open", "stuck", "converted", "conversion", "median d", "p90 d", "SLA d")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


def cells(s: StageFlow) -> list[str]:
    return [s.label, str(s.entered), str(s.open), str(s.stuck), str(s.converted), _pct(s.conversion),
            _num(s.median_days), _num(s.p90_days), "—" if s.sla_days is None else str(s.sla_days)]


def missing_exit(t: Transition) -> str:
    """The YAML that declares an exit the records take but the map lacks."""
    return f"exits:\n  - to: {t.target}"


def notes(result: FunnelResult, p: PipelineFlow) -> list[str]:
    """What the numbers leave out or had to decide: each a counted, reported fact."""
    out = []
    if p.started_elsewhere:
        out.append(f"{plural(p.started_elsewhere, p.object)} entered the pipeline elsewhere than at its start")
    if p.closed_without_outcome:
        out.append(f"{plural(p.closed_without_outcome, p.object)} left an open stage with no later stage"
                   " (closed without won or lost): counted as left, not converted")
    if p.duplicates:
        out.append(f"{plural(p.duplicates, 'duplicate row')} read once")
    if p.repeated_entries:
        out.append(f"{plural(p.repeated_entries, 'row')} repeating the stage the record was already in,"
                   " read as one stay")
    return out


def skipped_notes(result: FunnelResult) -> list[str]:
    sk, out = result.skipped, []
    for label, n in sk.unknown_pipelines:
        out.append(f"{plural(n, 'row')} of pipeline {label!r} skipped: the workspace has no such pipeline"
                   if label else f"{plural(n, 'row')} without a pipeline skipped: pass --pipeline JOURNEY/PIPELINE")
    for label, n in sk.ambiguous_pipelines:
        out.append(f"{plural(n, 'row')} of pipeline {label!r} skipped: several pipelines have that name;"
                   " name it journey/pipeline")
    if sk.incomplete:
        out.append(f"{plural(sk.incomplete, 'row')} without a record id, stage or entry date skipped")
    if sk.after_as_of:
        out.append(f"{plural(sk.after_as_of, 'row')} entered after {result.as_of} ignored (--as-of)")
    if sk.exit_before_entry:
        out.append(f"{plural(sk.exit_before_entry, 'exit date')} earlier than the entry ignored")
    return out


def text(result: FunnelResult, ws: Workspace) -> str:
    lines: list[str] = []
    for p in result.pipelines:
        lines += [f"{p.journey}/{p.pipeline} ({p.journey_name}): {plural(p.records, p.object)}, as of {result.as_of}",
                  sentence(p) + ".", ""]
        rows = [list(COLUMNS)] + [cells(s) for s in p.stages]
        widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
        for r in rows:
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                       strict=True))))
        undeclared = [t for t in p.transitions if not t.declared]
        if undeclared:
            lines += ["", "Moves the map lacks (add the exit to the stage in the journey's YAML):"]
            lines += [f"  {t.source} -> {t.target}: {plural(t.count, 'move')} ({plural(t.records, p.object)});"
                      f" under stage {t.source}: exits: [{{to: {t.target}}}]" for t in undeclared]
        if p.unmapped:
            lines += ["", "CRM stages that match no stage of the journey: "
                      + ", ".join(f"{label!r} ({plural(n, 'row')})" for label, n in p.unmapped)]
        lines += [f"note: {n}" for n in notes(result, p)] + [""]
    lines += [f"note: {n}" for n in skipped_notes(result)]
    return "\n".join(lines).rstrip("\n") + "\n"


def json_text(result: FunnelResult, ws: Workspace) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"


def md(value: object) -> str:
    """Text from YAML or an export, inert in Markdown and in a table cell."""
    one = clean(str(value)).replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", one)


def markdown(result: FunnelResult, ws: Workspace) -> str:
    out = [f"# Funnel as of {result.as_of}", ""]
    for p in result.pipelines:
        out += pipeline_markdown(result, ws, p, level=2)
    out += [f"- {md(n)}" for n in skipped_notes(result)]
    return "\n".join(out).rstrip("\n") + "\n"


def pipeline_markdown(result: FunnelResult, ws: Workspace, p: PipelineFlow, level: int = 1) -> list[str]:
    """One pipeline's section: the sentence, the stage table, the moves, the overlay diagram, the notes."""
    h = "#" * level
    out = [f"{h} {md(p.journey_name)} — {md(p.pipeline)}", "", f"**{md(sentence(p))}.**", "",
           f"{plural(p.records, p.object)}, {plural(p.rows, 'history row')}, as of {result.as_of}.", "",
           "| " + " | ".join(COLUMNS) + " |", "|" + "---|" + "---:|" * (len(COLUMNS) - 1)]
    out += ["| " + " | ".join([md(s.label), *cells(s)[1:]]) + " |" for s in p.stages]
    if p.transitions:
        out += ["", f"{h}# Moves", "", "| from | to | moves | in the map |", "|---|---|---:|---|"]
        out += [f"| {md(t.source)} | {md(t.target)} | {t.count} | {'yes' if t.declared else '**no**'} |"
                for t in p.transitions]
    undeclared = [t for t in p.transitions if not t.declared]
    if undeclared:
        out += ["", "The map lacks these exits; add them to the journey:", ""]
        for t in undeclared:
            out += [f"Stage {md(t.source)}:", "", "```yaml", missing_exit(t), "```", ""]
    if p.unmapped:
        out += ["CRM stages that match no stage of the journey: "
                + ", ".join(f"{md(label)} ({plural(n, 'row')})" for label, n in p.unmapped) + "."]
    journey = next(j for j in ws.journeys if j.id == p.journey)
    out += ["", "```mermaid", overlay.mermaid(journey, p).rstrip("\n"), "```", ""]
    out += [f"- {md(n)}" for n in notes(result, p)]
    return out + [""]


RENDERERS: dict[str, Callable[[FunnelResult, Workspace], str]] = {
    "text": text, "json": json_text, "markdown": markdown,
}
