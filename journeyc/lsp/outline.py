"""Document symbols (the outline: journeys with their stages and signals, teams, terms) and workspace symbols."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from journeyc.lsp.files import FileData
from journeyc.workspace.model import Ref, Workspace

#: a workspace symbol search answers at most this many (the editor asks again as the query grows)
MOST = 200


@dataclass
class Entry:
    name: str
    kind: str                  # "journey", "stage", "signal", "team", "term"
    ref: Ref                   # the object (its whole mapping)
    detail: str = ""
    children: list[Entry] = field(default_factory=list)

    @property
    def name_ref(self) -> Ref:
        return self.ref.at("term") if self.kind == "term" else self.ref.at("id")


def outline(f: FileData, ws: Workspace) -> list[Entry]:
    """One entry per journey (stages and signals below it), team and term of the file."""
    out: list[Entry] = []
    docs = {id(d) for d in f.documents}
    for j in f.journeys:
        entry = Entry(j.id, "journey", j.ref, j.name)
        entry.children += [Entry(s.id, "stage", s.ref, s.label) for s in j.stages]
        entry.children += [Entry(s.id, "signal", s.ref, s.description or "") for s in j.signals]
        out.append(entry)
    out += [Entry(t.id, "team", t.ref, t.name) for t in ws.teams if id(t.ref.doc) in docs]
    out += [Entry(t.label, "term", t.ref, t.definition[:80]) for t in ws.terms if id(t.ref.doc) in docs]
    return out


def search(query: str, ws: Workspace) -> list[Entry]:
    """Journeys, stages, signals, teams and terms whose name holds the query's letters in order."""
    wanted = query.casefold()
    out = []
    for entry in _everything(ws):
        if _matches(wanted, entry.name.casefold()):
            out.append(entry)
            if len(out) >= MOST:
                break
    return out


def _everything(ws: Workspace) -> Iterator[Entry]:
    for j in ws.journeys:
        yield Entry(j.id, "journey", j.ref, j.name)
        yield from (Entry(f"{j.id}/{s.id}", "stage", s.ref, s.label) for s in j.stages)
        yield from (Entry(f"{j.id}/{s.id}", "signal", s.ref, s.description or "") for s in j.signals)
    yield from (Entry(t.id, "team", t.ref, t.name) for t in ws.teams)
    yield from (Entry(t.label, "term", t.ref, t.definition[:80]) for t in ws.terms)


def _matches(query: str, name: str) -> bool:
    """Every character of the query, in order (what editors call fuzzy matching)."""
    at = 0
    for char in query:
        at = name.find(char, at) + 1
        if at == 0:
            return False
    return True
