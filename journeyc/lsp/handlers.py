"""The requests: hover, definition, references, completion, code actions, document and workspace symbols."""

from __future__ import annotations

import os
import re

from lsprotocol import types
from pygls.uris import from_fs_path

from journeyc.lsp import complete, convert, navigate, outline, schemakeys
from journeyc.lsp.files import FileData
from journeyc.lsp.locate import Spot, spot_at
from journeyc.lsp.server import JourneycServer, server
from journeyc.lsp.session import Session
from journeyc.lsp.text import Text
from journeyc.workspace.edits import disjoint
from journeyc.workspace.model import Ref
from journeyc.workspace.sourcemap import node_span

_LSP_BREAK = re.compile("\r\n|\r|\n")
_ITEM_KINDS = {"team": types.CompletionItemKind.Reference, "term": types.CompletionItemKind.Text,
               "stage": types.CompletionItemKind.EnumMember, "signal": types.CompletionItemKind.Event,
               "pipeline": types.CompletionItemKind.Module, "value": types.CompletionItemKind.Value,
               "key": types.CompletionItemKind.Property}
_SYMBOL_KINDS = {"journey": types.SymbolKind.Class, "stage": types.SymbolKind.EnumMember,
                 "signal": types.SymbolKind.Event, "team": types.SymbolKind.Object, "term": types.SymbolKind.String}


def _where(ls: JourneycServer, uri: str, at: types.Position) -> tuple[Session, FileData, Text, Spot | None,
                                                                          tuple[int, int]] | None:
    path = ls.path(uri)
    found = ls.editor.file(path) if path else None
    if path is None or found is None:
        return None
    session, f = found
    text = ls.editor.text(path)
    line, column = text.from_editor(at.line, at.character)
    return session, f, text, spot_at(f, line, column), (line, column)


def _location(ls: JourneycServer, ref: Ref) -> types.Location:
    path = os.path.abspath(ref.file)
    return types.Location(from_fs_path(path) or path, convert.span_range(ls.editor.text(path), ref.position().span))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: JourneycServer, params: types.HoverParams) -> types.Hover | None:
    found = _where(ls, params.text_document.uri, params.position)
    if found is None or found[3] is None:
        return None
    session, f, text, spot, (line, column) = found
    assert spot is not None
    ws = session.workspace()
    if spot.key:
        value = schemakeys.describe(spot.doc.kind, spot.path)
    else:
        value = navigate.hover(spot, ws, navigate.value_offset(spot, line, column))
    if not value:
        return None
    span = spot.doc.smap.trim(node_span(spot.node))
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, value), convert.span_range(text, span))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: JourneycServer, params: types.DefinitionParams) -> types.Location | None:
    found = _where(ls, params.text_document.uri, params.position)
    if found is None or found[3] is None:
        return None
    ref = navigate.definition(found[3], found[0].workspace())
    return _location(ls, ref) if ref is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: JourneycServer, params: types.ReferenceParams) -> list[types.Location]:
    found = _where(ls, params.text_document.uri, params.position)
    if found is None or found[3] is None:
        return []
    refs = navigate.references(found[3], found[0].workspace(), declaration=params.context.include_declaration)
    return [_location(ls, r) for r in refs]


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " ", "[", ","]))
def completion(ls: JourneycServer, params: types.CompletionParams) -> types.CompletionList:
    path = ls.path(params.text_document.uri)
    session = ls.editor.session(path, create=False) if path else None
    if path is None or session is None or path not in ls.editor.texts:
        return types.CompletionList(is_incomplete=False, items=[])
    text = ls.editor.texts[path]
    lines = _LSP_BREAK.split(text.text)
    line = min(params.position.line, len(lines) - 1)
    column = text.offset(line, params.position.character) - text.lsp_starts[line]
    items = complete.complete(lines, line, column, session.workspace(), session.good.get(path))
    return types.CompletionList(is_incomplete=False, items=[_item(text, line, column, i) for i in items])


def _item(text: Text, line: int, column: int, item: complete.Item) -> types.CompletionItem:
    start = text.position(text.lsp_starts[line] + item.start)
    end = text.position(text.lsp_starts[line] + column)
    edit = types.TextEdit(types.Range(types.Position(*start), types.Position(*end)), item.insert or item.label)
    docs = types.MarkupContent(types.MarkupKind.Markdown, item.documentation) if item.documentation else None
    return types.CompletionItem(item.label, kind=_ITEM_KINDS[item.kind], detail=item.detail or None,
                                documentation=docs, text_edit=edit)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]))
def code_action(ls: JourneycServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    path = ls.path(params.text_document.uri)
    session = ls.editor.session(path, create=False) if path else None
    if path is None or session is None:
        return []
    text = ls.editor.text(path)
    uri = params.text_document.uri
    only = params.context.only
    out = []
    fixable = [d for d in session.results.get(path, []) if d.fix is not None and d.fix.edits]
    for d in fixable:
        item = convert.diagnostic(d, text)
        if (only and types.CodeActionKind.QuickFix not in only) or not convert.overlaps(item.range, params.range):
            continue
        assert d.fix is not None
        edit = types.WorkspaceEdit(changes={uri: convert.edits(text, d.fix.edits)})
        out.append(types.CodeAction(d.fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[item], edit=edit,
                                    is_preferred=True))
    every = disjoint(e for d in fixable if d.fix is not None for e in d.fix.edits)
    if every and (not only or any(k.startswith(types.CodeActionKind.Source) for k in only)):
        edit = types.WorkspaceEdit(changes={uri: convert.edits(text, every)})
        out.append(types.CodeAction("fix all journeyc problems with a safe fix",
                                    kind=types.CodeActionKind.SourceFixAll + ".journeyc", edit=edit))
    return out


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: JourneycServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    path = ls.path(params.text_document.uri)
    found = ls.editor.file(path) if path else None
    if path is None or found is None:
        return []
    session, f = found
    text = ls.editor.text(path)
    return [_symbol(text, e) for e in outline.outline(f, session.workspace())]


def _symbol(text: Text, entry: outline.Entry) -> types.DocumentSymbol:
    whole = convert.span_range(text, entry.ref.position().span)
    name = convert.span_range(text, entry.name_ref.position().span)
    return types.DocumentSymbol(entry.name, _SYMBOL_KINDS[entry.kind], whole, name, detail=entry.detail or None,
                                children=[_symbol(text, c) for c in entry.children] or None)


@server.feature(types.WORKSPACE_SYMBOL)
def workspace_symbol(ls: JourneycServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    out = []
    for session in ls.editor.sessions.values():
        for entry in outline.search(params.query, session.workspace()):
            path = os.path.abspath(entry.ref.file)
            line, _ = ls.editor.text(path).to_editor(entry.ref.line, 1)
            where = types.Location(from_fs_path(path) or path,
                                   types.Range(types.Position(line, 0), types.Position(line, 0)))
            out.append(types.SymbolInformation(location=where, name=entry.name, kind=_SYMBOL_KINDS[entry.kind],
                                               container_name=entry.detail or None))
    return out
