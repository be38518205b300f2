"""What the server knows of the editor: its open documents, and a session per workspace root.

No protocol here: paths, journeyc's positions and `Text`s. A document that no
journeyc.yaml governs belongs to no session and gets nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from journeyc.errors import JourneycError
from journeyc.lsp.files import FileData
from journeyc.lsp.session import Session
from journeyc.lsp.text import Text
from journeyc.workspace.load import find_root


class Editor:
    def __init__(self, encoding: str = "utf-16") -> None:
        self.encoding = encoding
        self.sessions: dict[Path, Session] = {}
        #: open documents by absolute path
        self.texts: dict[str, Text] = {}
        #: the text of files that are not open, by absolute path, with the source they were made from
        self._disk: dict[str, tuple[object, Text]] = {}

    def session(self, path: str, *, create: bool = True) -> Session | None:
        """The session of the workspace `path` is in (started when `create`), or None outside any workspace."""
        try:
            root = find_root(Path(path))
        except (JourneycError, OSError):
            return None
        if root not in self.sessions and create:
            self.sessions[root] = Session(root, {p: t.text.encode("utf-8", "surrogatepass")
                                                 for p, t in self.texts.items() if _below(p, root)})
        return self.sessions.get(root)

    def start(self, folder: str) -> Session | None:
        """A session for a workspace folder: the one around it, or the one it holds at its top."""
        return self.session(os.path.join(folder, "journeyc.yaml") if os.path.isdir(folder) else folder)

    def file(self, path: str) -> tuple[Session, FileData] | None:
        session = self.session(path, create=False)
        if session is None or path not in session.files:
            return None
        return session, session.files[path]

    def text(self, path: str) -> Text:
        """The text positions in `path` refer to: the open document's, else the file as the session read it."""
        if path in self.texts:
            return self.texts[path]
        found = self.file(path)
        source = found[1].source if found is not None else None
        cached = self._disk.get(path)
        if cached is not None and cached[0] is source:
            return cached[1]
        if source is not None:
            text = source.text
        else:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
        made = Text(text, self.encoding)
        self._disk[path] = (source, made)
        return made


def _below(path: str, root: Path) -> bool:
    return not os.path.relpath(path, root).startswith("..")
