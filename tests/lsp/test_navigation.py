"""`journeyc lsp` hover, definition, references and symbols through a real client."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from lsprotocol import types

from lsp.editing import Editor


def at(line: int, character: int) -> types.Position:
    return types.Position(line, character)


def spans(found: Sequence[types.Location] | types.Location | None,
          root: Path) -> list[tuple[str, int, int, int, int]]:
    items = [found] if isinstance(found, types.Location) else list(found or [])
    return sorted((Path(types_path(x.uri)).relative_to(root).as_posix(), x.range.start.line, x.range.start.character,
                   x.range.end.line, x.range.end.character) for x in items)


def types_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) or uri


async def hover_text(editor: Editor, uri: str, line: int, character: int) -> str | None:
    found = await editor.client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                          at(line, character)))
    if found is None:
        return None
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


@pytest.mark.asyncio
async def test_hover_says_what_a_name_stands_for(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    assert await hover_text(editor, uri, 19, 12) == "**Marketing** (team `marketing`)\n\nfunction: marketing"
    assert await hover_text(editor, uri, 18, 11) == (
        "**MQL** (term)\n\nA lead with a fit score of 60 or more and an engagement signal in the last 30 days.\n\n"
        "owner: `marketing`\n\naliases: Marketing Qualified Lead\n\navoid: hot lead, lead chaud, warm lead")
    # line 25: "      - {to: sql, when: demo-booked}"
    assert await hover_text(editor, uri, 24, 13) == "**stage `sql`**: SQL\n\nterm: SQL · owner: sdr"
    assert await hover_text(editor, uri, 24, 26) == "**signal `demo-booked`**\n\nA demo is booked by an SDR."
    word = await hover_text(editor, uri, 21, 50)  # inside "lead chaud"
    assert word is not None and word.startswith("a word to avoid: write **MQL**\n\n**MQL** (term)")
    assert await hover_text(editor, uri, 22, 6) == "max days in stage before it stagnates"   # a key: the schema
    assert await hover_text(editor, uri, 2, 5) is None   # a comment


@pytest.mark.asyncio
async def test_definition_goes_to_the_declaration_in_any_file(editor: Editor, workspace: Path) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)

    async def definition(line: int, character: int) -> list[tuple[str, int, int, int, int]]:
        found = await editor.client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), at(line, character)))
        return spans(found, workspace)  # type: ignore[arg-type]

    assert await definition(24, 13) == [("journeys/inbound.yaml", 36, 8, 36, 11)]       # to: sql -> id: sql
    assert await definition(24, 26) == [("journeys/inbound.yaml", 9, 9, 9, 20)]        # when: demo-booked
    assert await definition(19, 12) == [("teams.yaml", 6, 8, 6, 17)]                   # owner: marketing
    assert await definition(18, 11) == [("vocabulary.yaml", 6, 10, 6, 13)]             # term: MQL
    assert await definition(21, 20) == []                                              # free text


@pytest.mark.asyncio
async def test_references_across_files(editor: Editor, workspace: Path) -> None:
    uri = editor.open("teams.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 1)
    found = await editor.client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True), text_document=types.TextDocumentIdentifier(uri),
        position=at(6, 10)))
    assert spans(found, workspace) == [
        ("journeys/inbound.yaml", 19, 11, 19, 20),   # stage mql
        ("teams.yaml", 6, 8, 6, 17),                  # the declaration
        ("vocabulary.yaml", 8, 11, 8, 20),            # term MQL's owner
    ]
    journey = editor.open("journeys/inbound.yaml")
    found = await editor.client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=False), text_document=types.TextDocumentIdentifier(journey),
        position=at(24, 13)))
    assert spans(found, workspace) == [("journeys/inbound.yaml", 24, 13, 24, 16)]


@pytest.mark.asyncio
async def test_document_symbols_are_the_outline(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    found = await editor.client.text_document_document_symbol_async(types.DocumentSymbolParams(
        types.TextDocumentIdentifier(uri)))
    assert found is not None and len(found) == 1
    journey = found[0]
    assert isinstance(journey, types.DocumentSymbol)
    assert (journey.name, journey.kind, journey.detail) == ("inbound", types.SymbolKind.Class, "Inbound")
    assert [(c.name, c.kind) for c in journey.children or []] == [
        *[(s, types.SymbolKind.EnumMember) for s in
          ("mql", "nurture", "sql", "demo", "proposal", "legal", "security-review", "won", "lost")],
        *[(s, types.SymbolKind.Event) for s in ("demo-booked", "no-response", "re-engaged", "proposal-sent",
                                                "legal-review", "contract-signed", "deal-lost")]]
    first = (journey.children or [])[0]
    assert (first.selection_range.start.line, first.selection_range.start.character) == (17, 8)
    assert (first.range.start.line, first.range.end.line) == (17, 26)


@pytest.mark.asyncio
async def test_workspace_symbols_find_stages_teams_and_terms(editor: Editor, workspace: Path) -> None:
    found = await editor.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="sql"))
    assert found is not None
    rows = sorted((s.name, s.kind, Path(types_path(s.location.uri)).relative_to(workspace).as_posix(),
                   s.location.range.start.line) for s in found if isinstance(s, types.SymbolInformation))
    assert rows == [("SQL", types.SymbolKind.String, "vocabulary.yaml", 11),
                    ("inbound/sql", types.SymbolKind.EnumMember, "journeys/inbound.yaml", 36)]
