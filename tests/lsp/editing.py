"""What a test does in an editor, said to `journeyc lsp` through a real client (pytest-lsp)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

Check = Callable[[Sequence[types.Diagnostic]], bool]


class Editor:
    """What a person does in an editor, said to the server through the client."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client, self.root = client, root
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def open(self, rel: str) -> str:
        uri = self.uri(rel)
        self.texts[uri] = (self.root / rel).read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "yaml", 1, self.texts[uri])))
        return uri

    def type(self, uri: str, line: int, character: int, text: str, end: tuple[int, int] | None = None) -> None:
        """Replace the range from (line, character) to `end` (nothing: insert) with `text`, unsaved."""
        self.versions[uri] += 1
        start = types.Position(line, character)
        stop = types.Position(*end) if end else start
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri),
            [types.TextDocumentContentChangePartial(types.Range(start, stop), text)]))

    def replace_all(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text)]))

    async def diagnostics(self, uri: str, until: Check = lambda found: True,
                          timeout: float = 15) -> list[types.Diagnostic]:
        """The document's diagnostics, once they satisfy `until` (the server publishes them when it likes)."""
        async def wait() -> None:
            while not (uri in self.client.diagnostics and until(self.client.diagnostics[uri])):
                await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

        try:
            await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            got = self.client.diagnostics.get(uri)
            raise AssertionError(f"no satisfying diagnostics for {uri} in {timeout} s; the last: {got}") from None
        return list(self.client.diagnostics[uri])


def brief(found: Sequence[types.Diagnostic]) -> list[tuple[int, int, int, int, object, str]]:
    """Diagnostics as rows: 0-based start line and character, end line and character, code, message."""
    return sorted((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code,
                   d.message) for d in found)
