"""`journeyc lsp`: the protocol's messages wired to the sessions (pygls, over stdio).

A keystroke is checked at once and its file's diagnostics published; what
the change may have moved elsewhere (the cross-journey rules, or every rule
after a Teams or Vocabulary edit) runs again once typing pauses (`PAUSE`), in
a worker thread, and every file whose diagnostics changed is published
again. An edit of journeyc.yaml or the baseline reloads the workspace once
typing pauses.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from journeyc import __version__
from journeyc.lsp import convert
from journeyc.lsp.editor import Editor
from journeyc.lsp.scope import Hit
from journeyc.lsp.session import Session

#: seconds of quiet before the work a keystroke does not need at once
PAUSE = 0.2


class JourneycServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("journeyc", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.editor = Editor()
        self._later: dict[str, asyncio.TimerHandle] = {}
        #: the version of each open document, published with its diagnostics
        self.versions: dict[str, int] = {}
        #: the rules a change may have moved elsewhere run again here, one workspace at a time
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journeyc-crossing")
        self._running: set[Path] = set()

    def path(self, uri: str) -> str | None:
        path = to_fs_path(uri)
        return os.path.abspath(path) if path else None

    def publish(self, paths: Iterable[str]) -> None:
        for path in sorted(paths):
            found = self.editor.session(path, create=False)
            if found is None:
                continue
            text = self.editor.text(path)
            items = [convert.diagnostic(d, text) for d in found.results.get(path, [])]
            uri = from_fs_path(path) or path
            version = self.versions.get(path)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, items, version))

    def later(self, key: str, work: Callable[[], Iterable[str]]) -> None:
        """Run `work` once nothing else happened for PAUSE seconds, then publish what it changed."""
        old = self._later.pop(key, None)
        if old is not None:
            old.cancel()

        def run() -> None:
            self._later.pop(key, None)
            self.publish(work())
            self.rerun()
            frozen()

        self._later[key] = asyncio.get_running_loop().call_later(PAUSE, run)

    def rerun(self) -> None:
        """Once typing pauses, run again the rules a change may have moved in other files."""
        for root, session in self.editor.sessions.items():
            if session.stale and root not in self._running:
                self.later(f"rerun:{root}", lambda s=session: self._rerun(s))  # type: ignore[misc]

    def _rerun(self, session: Session) -> set[str]:
        """Run them in a worker thread, so that keystrokes meanwhile are not kept waiting; their findings are
        taken in only if no change came in since."""
        generation, ws, codes = session.generation, session.workspace(), session.stale
        self._running.add(session.root)
        future = asyncio.get_running_loop().run_in_executor(self._worker, session.rerun, ws, codes)

        def done(f: asyncio.Future[list[Hit]]) -> None:
            self._running.discard(session.root)
            if f.cancelled() or f.exception() is not None:
                return
            changed = session.take(generation, codes, f.result())
            if changed is not None:
                self.publish(changed)
            self.rerun()  # a change came in meanwhile: again, once typing pauses

        future.add_done_callback(done)
        return set()


server = JourneycServer()


@server.feature(types.INITIALIZE)
def initialize(ls: JourneycServer, params: types.InitializeParams) -> None:
    chosen = ls.workspace.position_encoding
    name = getattr(chosen, "value", chosen)  # an enum member, or the text the client sent
    ls.editor.encoding = name if name in ("utf-8", "utf-32") else "utf-16"


@server.feature(types.INITIALIZED)
def initialized(ls: JourneycServer, params: types.InitializedParams) -> None:
    folders = [f.uri for f in ls.workspace.folders.values()] or ([ls.workspace.root_uri] if ls.workspace.root_uri
                                                                  else [])
    first = ls.path(folders[0]) if folders else None
    if first and os.path.isdir(first):
        os.chdir(first)  # diagnostics name files as `journeyc check` run in the workspace folder names them
    for uri in folders:
        path = ls.path(uri)
        session = ls.editor.start(path) if path else None
        if session is not None:
            ls.publish(p for p, found in session.results.items() if found)
    frozen()
    watch = ls.client_capabilities.workspace
    if watch and watch.did_change_watched_files and watch.did_change_watched_files.dynamic_registration:
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/*.{yaml,yml,json}")])
        ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
            id="journeyc-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))


def frozen() -> None:
    """Keep the loaded workspace out of the garbage collector's sight.

    A workspace is millions of long-lived, acyclic objects: a full collection
    would walk them all again (200 ms on 1,000 journeys) at some keystroke.
    Frozen, they are never scanned; reference counting still frees them.
    """
    gc.freeze()


def serve() -> None:
    """Serve on stdin and stdout until the editor says exit."""
    from journeyc.lsp import handlers, sync  # noqa: F401 - they register the messages they answer

    server.start_io()
