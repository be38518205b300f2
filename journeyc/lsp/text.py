"""A document's text and its two ways of counting: the editor's and YAML's.

The protocol ends a line at `\\n`, `\\r\\n` or `\\r` and counts columns in
UTF-16 code units (or UTF-8 or UTF-32, as negotiated); journeyc counts lines
as YAML does (NEL, LS and PS end a line too) and columns in characters. Every
position goes through an offset into the text, so neither way is mistaken
for the other. Edits from the editor are applied here, not by pygls, whose
documents split lines as Python's `splitlines` does (a form feed would end
a line there).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from journeyc.workspace.sourcemap import LINE_BREAK

_LSP_BREAK = re.compile("\r\n|\r|\n")


def units(text: str, encoding: str) -> int:
    """The length of `text` in the negotiated code units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Text:
    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        self._lsp: list[int] | None = None
        self._yaml: list[int] | None = None

    @property
    def lsp_starts(self) -> list[int]:
        if self._lsp is None:
            self._lsp = [0] + [m.end() for m in _LSP_BREAK.finditer(self.text)]
        return self._lsp

    @property
    def yaml_starts(self) -> list[int]:
        if self._yaml is None:
            self._yaml = [0] + [m.end() for m in LINE_BREAK.finditer(self.text)]
        return self._yaml

    # --- the editor's positions (0-based line, code units) ----------------------------------------------

    def offset(self, line: int, character: int) -> int:
        """The offset of an editor position (clamped to the text, as the protocol asks)."""
        starts = self.lsp_starts
        if line >= len(starts):
            return len(self.text)
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        content = self.text[start:end].rstrip("\r\n")
        if self.encoding == "utf-32":
            return start + min(character, len(content))
        seen = 0
        for i, char in enumerate(content):
            if seen >= character:
                return start + i
            seen += units(char, self.encoding)
        return start + len(content)

    def position(self, offset: int) -> tuple[int, int]:
        """The editor position (0-based line, code units) of an offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.lsp_starts, offset) - 1
        return line, units(self.text[self.lsp_starts[line]:offset], self.encoding)

    def apply(self, start: tuple[int, int] | None, end: tuple[int, int] | None, new: str) -> None:
        """An edit from the editor: the text between two positions replaced (the whole text without them)."""
        if start is None or end is None:
            self.text = new
        else:
            a, b = self.offset(*start), self.offset(*end)
            self.text = self.text[:a] + new + self.text[max(a, b):]
        self._lsp = self._yaml = None

    # --- journeyc's positions (1-based line and column, characters, YAML's lines) -------------------------

    def yaml_offset(self, line: int, column: int) -> int:
        starts = self.yaml_starts
        if line > len(starts):
            return len(self.text)
        start = starts[max(line, 1) - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return min(start + max(column, 1) - 1, end, len(self.text))

    def to_editor(self, line: int, column: int) -> tuple[int, int]:
        return self.position(self.yaml_offset(line, column))

    def from_editor(self, line: int, character: int) -> tuple[int, int]:
        """journeyc's (line, column) of an editor position."""
        offset = self.offset(line, character)
        row = bisect_right(self.yaml_starts, offset) - 1
        return row + 1, offset - self.yaml_starts[row] + 1
