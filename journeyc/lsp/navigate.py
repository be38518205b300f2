"""Go to definition, find references and hover, across the workspace's files.

Answers are refs into the model (a document and a path); the server turns
them into editor positions. Terms are found by label or alias, as the rules
find them (case-insensitively).
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyc.lsp.locate import Spot, Symbol, symbol_of
from journeyc.rules.vocabulary import AvoidedWords
from journeyc.workspace import textspan
from journeyc.workspace.model import Journey, Ref, Signal, Stage, Team, Term, Workspace


def definition(spot: Spot, ws: Workspace) -> Ref | None:
    """Where the team, term, stage or signal under the cursor is declared."""
    symbol = symbol_of(spot, ws)
    found = _declared(symbol, ws) if symbol is not None else None
    if found is None:
        return None
    return found.ref.at("term") if isinstance(found, Term) else found.ref.at("id")


def _declared(symbol: Symbol, ws: Workspace) -> Team | Term | Stage | Signal | None:
    if symbol.kind == "team":
        return ws.team(symbol.name)
    if symbol.kind == "term":
        return ws.term(symbol.name)
    if symbol.journey is None:
        return None
    return symbol.journey.stage(symbol.name) if symbol.kind == "stage" else symbol.journey.signal(symbol.name)


def references(spot: Spot, ws: Workspace, *, declaration: bool = True) -> list[Ref]:
    """Every place that names what is under the cursor (its declaration too, when asked)."""
    symbol = symbol_of(spot, ws)
    if symbol is None:
        return []
    found = list(_uses(symbol, ws, _declared(symbol, ws)))
    decl = definition(spot, ws)
    return [r for r in found if declaration or r != decl]


def _uses(symbol: Symbol, ws: Workspace, target: object) -> Iterator[Ref]:
    name = symbol.name
    if symbol.kind == "team":
        yield from (t.ref.at("id") for t in ws.teams if t.id == name)
        yield from (t.ref.at("owner") for t in ws.terms if t.owner == name)
        for j in ws.journeys:
            if j.owner == name:
                yield j.ref.at("owner")
            yield from (s.ref.at("owner") for s in j.stages if s.owner == name)
    elif symbol.kind == "term":
        term = ws.term(name)
        if term is None:
            return
        yield term.ref.at("term")
        for t in ws.terms:
            yield from (t.ref.at("see_also", i) for i, w in enumerate(t.see_also) if ws.term(w) is term)
        for j in ws.journeys:
            yield from (s.ref.at("term") for s in j.stages if s.term and ws.term(s.term) is term)
    elif symbol.journey is not None:
        yield from _journey_uses(symbol.kind, name, symbol.journey)


def _journey_uses(kind: str, name: str, j: Journey) -> Iterator[Ref]:
    if kind == "stage":
        yield from (s.ref.at("id") for s in j.stages if s.id == name)
        yield from (j.ref.at("start", i) for i, s in enumerate(j.start) if s == name)
        yield from (e.ref.at("to") for s in j.stages for e in s.exits if e.to == name)
    else:
        yield from (s.ref.at("id") for s in j.signals if s.id == name)
        yield from (e.ref.at("when") for s in j.stages for e in s.exits if e.when == name)


def hover(spot: Spot, ws: Workspace, column_offset: int | None = None) -> str | None:
    """Markdown about what is under the cursor; `column_offset`: the cursor's place in the scalar's value."""
    symbol = symbol_of(spot, ws)
    target = _declared(symbol, ws) if symbol is not None else None
    if isinstance(target, Team):
        contact = f"\n\ncontact: {target.contact}" if target.contact else ""
        return f"**{target.name}** (team `{target.id}`)\n\nfunction: {target.function}{contact}"
    if isinstance(target, Term):
        return term_text(target)
    if isinstance(target, Stage):
        return stage_text(target)
    if isinstance(target, Signal):
        source = f"\n\nsource: {target.source}" if target.source else ""
        return f"**signal `{target.id}`**\n\n{target.description or '(no description)'}{source}"
    if column_offset is not None:
        term = avoided_at(spot, ws, column_offset)
        if term is not None:
            return f"a word to avoid: write **{term.label}**\n\n{term_text(term)}"
    return None


def term_text(term: Term) -> str:
    lines = [f"**{term.label}** (term)", "", term.definition or "(no definition)"]
    if term.owner:
        lines += ["", f"owner: `{term.owner}`"]
    if term.aliases:
        lines += ["", "aliases: " + ", ".join(term.aliases)]
    if term.avoid:
        lines += ["", "avoid: " + ", ".join(term.avoid)]
    return "\n".join(lines)


def stage_text(stage: Stage) -> str:
    facts = [("term", stage.term), ("owner", stage.owner), ("sla_days", stage.sla_days),
             ("probability", stage.probability), ("outcome", stage.outcome)]
    lines = [f"**stage `{stage.id}`**: {stage.label}", ""]
    lines += [f"{stage.description}", ""] if stage.description else []
    lines += [" · ".join(f"{k}: {v}" for k, v in facts if v is not None)]
    return "\n".join(lines).rstrip()


def avoided_at(spot: Spot, ws: Workspace, offset: int) -> Term | None:
    """The term whose avoided word the cursor is on, inside a text value."""
    text = spot.node.value
    if not isinstance(text, str) or spot.key:
        return None
    for start, end, entry in AvoidedWords(ws.terms).find(text):
        if start <= offset <= end:
            return entry.term
    return None


def value_offset(spot: Spot, line: int, column: int) -> int | None:
    """The cursor's place in the scalar's value (None when it is not on a character of it)."""
    columns = textspan.source_columns(spot.node, spot.doc.source.lines)
    if not columns:
        return None
    for i, place in enumerate(columns):
        if place >= (line, column):
            return i if place == (line, column) else max(i - 1, 0)
    return len(columns)
