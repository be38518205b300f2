"""The text report of `journeyc diff`, for a terminal: nothing from YAML may drive it."""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.diff import TARGET_NAMES, Delta, JourneyDiff
from journeyc.diff.report.common import (
    change_text,
    exit_note,
    journey_of,
    side_label,
    stage_detail,
    summary,
    unclean_lines,
    value_text,
)
from journeyc.diff.sources import DiffRun
from journeyc.formatters.text import printable
from journeyc.workspace.model import Journey


def render_text(run: DiffRun) -> str:
    diff = run.diff
    lines = [f"journeyc diff: {side_label(run.base.label)} → {side_label(run.head.label)}"]
    lines += [f"warning: {line}" for line in unclean_lines(run)]
    for j in diff.journeys:
        lines.append(f"journey {j.id} {value_text(j.name)} ({j.status})")
        lines += ["  " + line for line in _journey_text(j, journey_of(run.head, j.id))]
    lines += _delta_text(diff.terms, "term", redefined=True)
    lines += _delta_text(diff.teams, "team")
    if any(t.items for t in diff.crm):
        lines.append("CRM impact:")
        for t in diff.crm:
            lines.append(f"  {TARGET_NAMES[t.target]}: {t.level.label}")
            for i in t.items:
                where = f"{i.journey}/{i.pipeline}: " if i.journey else ""
                lines.append(f"    {i.level.label}: {where}{i.message}")
                lines += [f"      hint: {i.hint}"] if i.hint else []
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
    yield from (change_text(c) for c in j.changes)
    yield from (f"stage renamed: {old} → {new}" for old, new in j.renamed)
    for line in _delta_text(j.stages, "stage"):
        sid = line.removeprefix("stage added: ")
        stage = head.stage(sid) if head and line.startswith("stage added: ") else None
        yield line + (f" ({stage_detail(stage, value_text)})" if stage else "")
    if j.reordered:
        yield f"stages reordered: {', '.join(j.reordered[0])} → {', '.join(j.reordered[1])}"
    yield from (f"exit added: {e.text}{exit_note(j, e)}" for e in j.exits_added)
    yield from (f"exit removed: {e.text}{exit_note(j, e)}" for e in j.exits_removed)
    yield from _delta_text(j.signals, "signal")
    yield from _delta_text(j.pipelines, "pipeline")


def _delta_text(d: Delta, kind: str, *, redefined: bool = False) -> list[str]:
    ident = not redefined  # term labels are free text; stage, signal, pipeline and team ids are ids
    out = [f"{kind} added: {value_text(x, ident)}" for x in d.added]
    out += [f"{kind} removed: {value_text(x, ident)}" for x in d.removed]
    for c in d.changed:
        out.append(f"{kind} {'redefined' if redefined else 'changed'}: {value_text(c.id, ident)}")
        out += [f"  {change_text(f)}" for f in c.changes]
    return out
