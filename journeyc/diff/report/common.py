"""What the three diff reports say alike: the summary line, the warnings about unclean sides, values on one line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from journeyc.diff import TARGET_NAMES, ExitEdge, FieldChange, JourneyDiff, Level, WorkspaceDiff, counts
from journeyc.diff.sources import DiffRun, Side
from journeyc.wording import plural
from journeyc.workspace.model import Journey, Stage

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: fields whose values are ids (shown bare, or as code in Markdown); others are free text
ID_FIELDS = frozenset({"owner", "pipeline", "outcome", "risk", "start", "object", "function"})
_NOUNS = {"journeys": "journey", "stages": "stage", "exits": "exit", "signals": "signal", "terms": "term",
          "teams": "team"}


def summary(diff: WorkspaceDiff) -> str:
    """One line: what changed, the worst CRM impact per target and how many teams should review."""
    if not diff.changed:
        return "Nothing compared changed." if diff.skipped else "No changes."
    parts = []
    for kind, found in counts(diff).items():
        for status, n in found.items():
            if n and status != "reordered":
                verb = "redefined" if kind == "terms" and status == "changed" else status
                parts.append(f"{n} {_NOUNS[kind] if n == 1 else kind} {verb}")
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


def side_label(text: str) -> str:
    """A side as the user named it (a revision, a directory): as typed unless it holds control characters."""
    return text if text.isprintable() else json.dumps(text)


def unclean_lines(run: DiffRun, label: Callable[[str], str] = side_label,
                  text: Callable[[str], str] = lambda t: t) -> list[str]:
    """One line per side that `journeyc check` would fail, and one for what the diff could not compare.

    `label` shows a side's name, `text` any other text that comes from the workspace (file names, messages).
    """
    out = []
    for which, side in (("base", run.base), ("head", run.head)):
        unread = [u for u in run.diff.unread if u.side == which]
        if unread:
            files = "; ".join(f"{text(u.file)} ({u.code} at line {u.line}: {text(u.message)})" for u in unread)
            out.append(f"{which} ({label(side.label)}) does not check clean: {plural(side.errors, 'error')}; not"
                       f" read as written, so left out on both sides: {files}")
        elif side.errors:
            out.append(f"{which} ({label(side.label)}) does not check clean: {plural(side.errors, 'error')}; the"
                       " diff compares it as loaded (run `journeyc check` for details)")
    if run.diff.skipped:
        out.append("not compared (a side could not read them): "
                   + ", ".join(f"{kind} {text(value_text(name, kind != 'term'))}" for kind, name in run.diff.skipped))
    return out


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


def change_text(c: FieldChange) -> str:
    ident = c.field in ID_FIELDS
    return f"{c.field}: {value_text(c.old, ident)} → {value_text(c.new, ident)}"


def exit_note(j: JourneyDiff, e: ExitEdge) -> str:
    """` (with stage X)` for an exit that comes or goes with an added or removed stage."""
    sid = j.with_stage(e)
    return f" (with stage {sid})" if sid else ""


def journey_of(side: Side, jid: str) -> Journey | None:
    return next((j for j in side.loaded.workspace.journeys if j.id == jid), None)


def stage_detail(stage: Stage, show: Callable[[Any, bool], str]) -> str:
    """What a reviewer wants to know of a new stage: its label, owner and where it leads."""
    parts = [f"{name} {show(value, name == 'owner')}" for name, value in (("term", stage.term),
                                                                          ("owner", stage.owner))
             if value is not None]
    if stage.exits:
        parts.append("exits to " + ", ".join(show(e.to, True) + (f" when {show(e.when, True)}" if e.when else "")
                                             for e in stage.exits))
    return "; ".join(parts)
