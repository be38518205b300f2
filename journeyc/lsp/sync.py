"""The open documents kept in step with the editor: open, change, close, and files changed on disk."""

from __future__ import annotations

from lsprotocol import types

from journeyc.lsp.server import JourneycServer, frozen, server
from journeyc.lsp.text import Text


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: JourneycServer, params: types.DidOpenTextDocumentParams) -> None:
    path = ls.path(params.text_document.uri)
    if path is None:
        return
    ls.editor.texts[path] = Text(params.text_document.text, ls.editor.encoding)
    ls.versions[path] = params.text_document.version
    known = len(ls.editor.sessions)
    session = ls.editor.session(path)
    if session is not None:
        ls.publish(session.open(path, _bytes(ls.editor.texts[path])) | {path})
        ls.rerun()
        if len(ls.editor.sessions) != known:
            frozen()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: JourneycServer, params: types.DidChangeTextDocumentParams) -> None:
    path = ls.path(params.text_document.uri)
    if path is None or path not in ls.editor.texts:
        return
    text = ls.editor.texts[path]
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            r = change.range
            text.apply((r.start.line, r.start.character), (r.end.line, r.end.character), change.text)
        else:
            text.apply(None, None, change.text)
    ls.versions[path] = params.text_document.version
    session = ls.editor.session(path, create=False)
    if session is None:
        return
    session.buffers[path] = _bytes(text)
    if session.cheap(path):
        ls.publish(session.update(path) | {path})  # its new version, even when nothing changed
        ls.rerun()
    else:  # journeyc.yaml or the baseline: everything is read again, once typing pauses
        ls.later(path, lambda: session.update(path) | {path})


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: JourneycServer, params: types.DidCloseTextDocumentParams) -> None:
    path = ls.path(params.text_document.uri)
    if path is None:
        return
    ls.editor.texts.pop(path, None)
    ls.versions.pop(path, None)
    session = ls.editor.session(path, create=False)
    if session is not None:
        ls.publish(session.close(path) | ({path} if path not in session.files else set()))
        ls.rerun()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched(ls: JourneycServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = ls.path(change.uri)
        if path is None or path in ls.editor.texts:
            continue  # an open document's buffer is the truth, not the disk
        session = ls.editor.session(path, create=False)
        if session is not None:
            ls.publish(session.update(path) | ({path} if path not in session.files else set()))
    ls.rerun()


def _bytes(text: Text) -> bytes:
    return text.text.encode("utf-8", "surrogatepass")
