"""From a path into the plain data back to a file:line:col span, through the YAML node tree.

The node tree is not kept after loading: a `SourceMap` composes it again from
the file's text on the first lookup, so the files without findings (nearly all
of them) never pay for positions. Aliases are composed as `AliasNode`s that
carry the alias's own marks, so a finding reached through `*anchor` is reported
where the alias was written, not at the anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeyc.diagnostics import Span

Path_ = tuple[str | int, ...]
MERGE = "tag:yaml.org,2002:merge"
#: what ends a line for YAML (and so for PyYAML's and libyaml's marks): CR LF, LF, a lone CR, NEL, LS, PS
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` counted as YAML counts them, so that a mark's line indexes this list."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return LINE_BREAK.split(text)
    return text.split("\n")  # the common case, several times faster than the regular expression


def clamp(span: Span, lines: list[str]) -> Span:
    """`span` pulled back inside the text: libyaml puts the end of a stream that lacks a final line
    break on a line of its own, one past the last line."""
    last = (len(lines), len(lines[-1]) + 1)
    if (span.end_line, span.end_column) <= last:
        return span
    line, column = min((span.line, span.column), last)
    return Span(line, column, *last)


class SourceFile:
    """A file as read: the path shown to the user and its decoded text.

    A check of a large workspace lets go of the texts of the files that need
    none (`forget`): a sixth of what a loaded workspace weighs, and only a file
    with a finding needs its text again (a position, the lines around it). Its
    `text` is then read again, by the function `forget` was given.
    """

    __slots__ = ("path", "_text", "_lines", "_again", "uncommented")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        #: known to hold no suppression comment (journeyc.workspace.suppress), without reading the text again
        self.uncommented = False
        self._text: str | None = text
        self._lines: list[str] | None = None
        self._again: Callable[[], str] | None = None

    @classmethod
    def later(cls, path: str, again: Callable[[], str]) -> SourceFile:
        """A file whose text `again` makes when it is first asked for (a cache's entry: most never are)."""
        source = cls(path, "")
        source.forget(again)
        return source

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._again is not None, "a text is forgotten with the way to read it again"
            self._text, self._again = self._again(), None
        return self._text

    @property
    def held(self) -> bool:
        """Whether the text is in memory (False once forgotten, until it is asked for again)."""
        return self._text is not None

    def forget(self, again: Callable[[], str]) -> None:
        """Let go of the text and its lines; `again` gives the same text back when it is asked for."""
        self._text, self._lines, self._again = None, None, again

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines


class AliasNode:
    """Where `*name` was written, standing for the anchored node it repeats.

    Not a `Node`: code that walks the tree unwraps it (`target`) and so cannot
    mistake the alias for a second, independent copy of the node.
    """

    __slots__ = ("target", "start_mark", "end_mark")

    def __init__(self, target: Node, start_mark: Any, end_mark: Any) -> None:
        self.target, self.start_mark, self.end_mark = target, start_mark, end_mark


AnyNode = Node | AliasNode


def unwrap(node: AnyNode) -> Node:
    return node.target if isinstance(node, AliasNode) else node


def node_span(node: AnyNode) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


Composer = Callable[[str], Iterator[Node]]


class SourceMap:
    """Turns a path into the plain data (e.g. ("stages", 2, "owner")) back into a span."""

    def __init__(self, source: SourceFile, index: int, compose: Composer, root: Node | None = None) -> None:
        self.source, self.index, self._compose, self._root = source, index, compose, root

    @property
    def root(self) -> Node:
        if self._root is None:
            for i, node in enumerate(self._compose(self.source.text)):
                if i == self.index:
                    self._root = node
                    break
        assert self._root is not None, "the document was loaded from this text"
        return self._root

    def node(self, path: Path_, *, key: bool = False) -> AnyNode:
        """The node at `path` (its key node with `key=True`), or the deepest one found.

        A path through an alias ends at the alias: the finding is about what was
        written there, and the alias is where it was written.
        """
        node: AnyNode = self.root
        key_node: AnyNode | None = None
        for part in path:
            found = _child(unwrap(node), part)
            if found is None:
                break
            key_node, child = found
            if isinstance(child, AliasNode):
                return key_node if key and key_node is not None else child
            node = child
        return key_node if key and key_node is not None else node

    def span(self, path: Path_, *, key: bool = False) -> Span:
        return self.trim(node_span(self.node(path, key=key)))

    def trim(self, span: Span) -> Span:
        """A block collection ends where the next token starts: end it on its own last line instead."""
        lines = self.source.lines
        span = clamp(span, lines)
        if span.end_line == span.line:
            return span
        if span.end_line > len(lines) or lines[span.end_line - 1][: span.end_column - 1].strip():
            return span
        end = span.end_line - 1
        while end > span.line and not lines[end - 1].strip():
            end -= 1
        return Span(span.line, span.column, end, len(lines[end - 1]) + 1)


def _child(node: Node, part: str | int) -> tuple[AnyNode | None, AnyNode] | None:
    if isinstance(node, SequenceNode) and isinstance(part, int):
        return (None, node.value[part]) if 0 <= part < len(node.value) else None
    if isinstance(node, MappingNode) and isinstance(part, str):
        merged: list[Node] = []
        found: tuple[AnyNode | None, AnyNode] | None = None
        for k, v in node.value:
            plain_key = unwrap(k)
            if plain_key.tag == MERGE:
                target = unwrap(v)
                merged.extend(unwrap(m) for m in target.value) if isinstance(target, SequenceNode) else \
                    merged.append(target)
            elif isinstance(plain_key, ScalarNode) and plain_key.value == part:
                found = (k, v)  # the last of duplicate keys, as YAML tools keep it
        if found is not None:
            return found
        for m in merged:
            if (inner := _child(m, part)) is not None:
                return inner
    return None
