"""`journeyc lsp` completion and quick fixes through a real client."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from journeyc.diagnostics import Edit, Span
from journeyc.workspace.edits import apply_edits
from lsp.editing import Editor


async def complete(editor: Editor, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    found = await editor.client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(line, character)))
    assert isinstance(found, types.CompletionList)
    return list(found.items)


def labels(items: list[types.CompletionItem]) -> list[str]:
    return [i.label for i in items]


@pytest.mark.asyncio
async def test_completion_offers_the_names_that_fit_the_key(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    editor.type(uri, 19, 11, "", end=(19, 20))     # "    owner: " (marketing removed)
    assert labels(await complete(editor, uri, 19, 11)) == ["marketing", "sdr", "sales"]
    editor.type(uri, 18, 10, "", end=(18, 13))     # "    term: "
    terms = await complete(editor, uri, 18, 10)
    assert labels(terms) == ["MQL", "SQL", "Demo", "Proposal", "Closed won", "Closed lost"]
    assert terms[0].detail == "A lead with a fit score of 60 or more and an engagement signal in the last 30 days."
    # line 25 "      - {to: sql, when: demo-booked}": after `to: ` and after `when: `
    stages = await complete(editor, uri, 24, 13)
    assert labels(stages) == ["mql", "nurture", "sql", "demo", "proposal", "legal", "security-review", "won", "lost"]
    assert stages[2].text_edit is not None and stages[2].text_edit.range.start.character == 13
    assert labels(await complete(editor, uri, 24, 24))[:3] == ["demo-booked", "no-response", "re-engaged"]


@pytest.mark.asyncio
async def test_completion_of_keys_comes_from_the_schema(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    editor.type(uri, 35, 0, "    ri\n")       # a new key in stage `nurture`, after its exits
    items = await complete(editor, uri, 35, 6)
    names = labels(items)
    assert "risk" in names and "sla_days" not in names and "description" not in names and "id" not in names
    risk = next(i for i in items if i.label == "risk")
    assert risk.text_edit is not None and risk.text_edit.new_text == "risk: "
    assert isinstance(risk.documentation, types.MarkupContent) and risk.documentation.value
    editor.type(uri, 35, 4, "", end=(35, 6))
    editor.type(uri, 35, 4, "risk: ")
    assert labels(await complete(editor, uri, 35, 10)) == ["low", "medium", "high"]


@pytest.mark.asyncio
async def test_quick_fixes_are_the_fixes_of_journeyc_fix(editor: Editor, workspace: Path) -> None:
    uri = editor.open("journeys/inbound.yaml")
    found = await editor.diagnostics(uri, lambda d: len(d) == 15)
    avoided = next(d for d in found if d.code == "JC201" and d.range.start.line == 21)
    actions = await editor.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), avoided.range, types.CodeActionContext([avoided])))
    assert actions is not None
    quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
    assert [(a.title, a.is_preferred) for a in quick] == [("replace 'lead chaud' with 'MQL'", True)]
    assert quick[0].edit is not None and quick[0].edit.changes is not None
    assert [(e.range.start.line, e.range.start.character, e.range.end.character, e.new_text)
            for e in quick[0].edit.changes[uri]] == [(21, 46, 56, "MQL")]
    every = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == "source.fixAll.journeyc"]
    assert len(every) == 1 and every[0].edit is not None and every[0].edit.changes is not None
    # the fix-all edits, applied as an editor applies them, give what `journeyc fix` writes
    edits = [Edit(Span(e.range.start.line + 1, e.range.start.character + 1, e.range.end.line + 1,
                       e.range.end.character + 1), e.new_text) for e in every[0].edit.changes[uri]]
    from click.testing import CliRunner

    from journeyc.cli import main

    before = (workspace / "journeys" / "inbound.yaml").read_text(encoding="utf-8")
    fixed = apply_edits(before, edits)
    import os

    cwd = os.getcwd()
    os.chdir(workspace)
    try:
        assert CliRunner().invoke(main, ["fix"]).exit_code == 0
    finally:
        os.chdir(cwd)
    assert fixed == (workspace / "journeys" / "inbound.yaml").read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_an_unused_suppression_is_removed_by_its_quick_fix(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    found = await editor.diagnostics(uri, lambda d: len(d) == 15)
    unused = next(d for d in found if d.code == "JC006")
    actions = await editor.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), unused.range, types.CodeActionContext([unused],
                                                                             only=[types.CodeActionKind.QuickFix])))
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.edit is not None and action.edit.changes is not None
    assert action.title == "remove the suppression comment"
    edit = action.edit.changes[uri][0]
    # line 47 "    sla_days: 7                  # journeyc: ignore[JC601]": the spaces and the comment go
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character,
            edit.new_text) == (46, 15, 46, 58, "")
