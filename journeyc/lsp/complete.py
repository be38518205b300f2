"""Completion: team ids after `owner:`, terms after `term:`, stage ids after `to:`, signal ids after `when:`,
and the keys a mapping may take, from the schema with their descriptions.

It reads the line being typed, not the parsed document: while someone types,
the file often does not parse. The journey around the cursor comes from the
last version of the file that did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeyc.lsp import schemakeys
from journeyc.lsp.files import FileData
from journeyc.lsp.navigate import stage_text, term_text
from journeyc.workspace.model import Journey, Workspace

#: `key: partial`, `key: [a, partial`, `{key: partial` at the end of what is typed
_VALUE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(?:\[(?:[^\]\[{}]*,)?\s*)?([^\s,\[\]{}#:'\"]*)$")
_ITEM = re.compile(r"^\s*-\s+([^\s,\[\]{}#:'\"]*)$")
_KEY = re.compile(r"^\s*(?:-\s+)*([\w-]*)$")


@dataclass(frozen=True)
class Item:
    label: str
    kind: str              # "team", "term", "stage", "signal", "pipeline", "value" or "key"
    detail: str = ""
    documentation: str = ""
    insert: str | None = None
    #: the column (0-based, characters) where the text this item replaces starts
    start: int = 0


def complete(lines: list[str], line: int, column: int, ws: Workspace, f: FileData | None) -> list[Item]:
    """What may be written at (0-based line, column in characters) of a document of the workspace."""
    prefix = lines[line][:column]
    kind = schemakeys.kind_of(lines, line) or ""
    item = _ITEM.match(prefix)
    value = _VALUE.search(prefix)
    if item is not None:
        path, _ = schemakeys.context(lines, line)
        key = path[-2] if len(path) >= 2 and path[-1] == schemakeys.ITEM else None
        return _values(kind, path[:-2], key, ws, f, line, column - len(item.group(1))) if key else []
    if value is not None:
        if _KEY.match(prefix[:value.start()]) is None and not re.search(r"[{,]\s*$", prefix[:value.start()]):
            return []
        path, _ = schemakeys.context(lines, line)
        return _values(kind, path, value.group(1), ws, f, line, column - len(value.group(2)))
    typed = _KEY.match(prefix)
    if typed is None:
        return []
    path, present = schemakeys.context(lines, line)
    start = column - len(typed.group(1))
    return [Item(k, "key", "", doc, f"{k}: ", start) for k, doc in schemakeys.keys(kind, path).items()
            if k not in present]


def _values(kind: str, path: list[str], key: str, ws: Workspace, f: FileData | None, line: int,
            start: int) -> list[Item]:
    if key == "owner":
        return [Item(t.id, "team", t.name, f"function: {t.function}" + (f"\n\ncontact: {t.contact}" if t.contact
                                                                          else ""), start=start) for t in ws.teams]
    if key in ("term", "see_also"):
        return [Item(t.label, "term", t.definition, term_text(t), start=start) for t in ws.terms]
    journey = journey_at(f, line) if kind == "Journey" else None
    if key in ("to", "start") and journey is not None:
        return [Item(s.id, "stage", s.label, stage_text(s), start=start) for s in journey.stages]
    if key == "when" and journey is not None:
        return [Item(s.id, "signal", s.source or "", s.description or "", start=start) for s in journey.signals]
    if key == "pipeline" and journey is not None:
        return [Item(p.id, "pipeline", p.name, f"object: {p.object}", start=start) for p in journey.pipelines]
    return [Item(v, "value", start=start) for v in schemakeys.values(kind, path, key)]


def journey_at(f: FileData | None, line: int) -> Journey | None:
    """The journey of the document the 0-based `line` is in (by the last version of the file that parsed)."""
    if f is None or not f.journeys:
        return None
    before = [j for j in f.journeys if j.ref.doc.smap.root.start_mark.line <= line]
    return before[-1] if before else f.journeys[0]
