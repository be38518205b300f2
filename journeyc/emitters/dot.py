"""Graphviz DOT written as text: quoting of identifiers and attribute values, statements, HTML-like labels.

journeyc writes DOT itself instead of going through the `graphviz` package: the
grammar it needs is small (https://graphviz.org/doc/info/lang.html) and the
quoting below is the whole of it. Node and cluster names are journeyc's own
(ids or hex); text from YAML only ever reaches a value through `quote` (a
double-quoted string) or `html` (the text of an HTML-like label). Tests parse
what this writes with Graphviz's own parser (pygraphviz, `dot`).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Mapping
from functools import lru_cache

from journeyc.emitters.render import one_line

#: an identifier DOT reads without quotes (letters, digits, underscore; not starting with a digit)
_BARE = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
#: DOT keywords (case-insensitive) must be quoted to be read as names
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


class Html(str):
    """An HTML-like label built by journeyc (written between `<` and `>`, never quoted)."""

    __slots__ = ()


def html(text: str) -> str:
    """Text from YAML for inside an HTML-like label: one line, XML-escaped (quotes too)."""
    return _html.escape(one_line(text), quote=True)


def quote(value: str | int | float) -> str:
    """A DOT ID: bare when DOT reads it as is, else a double-quoted string.

    Inside quotes DOT only knows `\\"`; but Graphviz also expands escString
    sequences (`\\N`, `\\G`, `\\L`...) in labels and tooltips, even after a doubled
    backslash, so a backslash from YAML is replaced by a look-alike (U+29F5)
    rather than escaped. Newlines and other controls never reach here
    (`one_line`), so a value is always one line.
    """
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _quoted(str(value))


@lru_cache(maxsize=1 << 16)
def _quoted(text: str) -> str:
    """`quote` of a text (the same few colours, fonts and labels recur in every diagram: quoted once each)."""
    if _BARE.match(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + one_line(text).replace("\\", "\u29f5").replace('"', '\\"') + '"'


def attrs(values: Mapping[str, str | int | float | None]) -> str:
    """` [k=v, ...]` in the given order (None values left out), or "" when there are none."""
    items = [f"{key}={quote(value)}" for key, value in values.items() if value is not None]
    return f" [{', '.join(items)}]" if items else ""


class Writer:
    """Lines of a DOT graph, indented by nesting; `text()` closes what is open."""

    def __init__(self, name: str, **graph: str | int | float | None) -> None:
        self.lines = [f"digraph {quote(name)} {{"]
        self.depth = 1
        if graph:
            self.defaults("graph", **graph)

    def _put(self, line: str) -> None:
        self.lines.append("\t" * self.depth + line)

    def defaults(self, kind: str, **values: str | int | float | None) -> None:
        """`graph [...]`, `node [...]` or `edge [...]`: defaults for what follows in this (sub)graph."""
        self._put(kind + attrs(values))

    def node(self, name: str, **values: str | int | float | None) -> None:
        self._put(quote(name) + attrs(values))

    def edge(self, tail: str, head: str, **values: str | int | float | None) -> None:
        self._put(f"{quote(tail)} -> {quote(head)}" + attrs(values))

    def open(self, name: str = "") -> None:
        """`subgraph NAME {` (a cluster when the name starts with `cluster`), or an anonymous `{`."""
        self._put(f"subgraph {quote(name)} {{" if name else "{")
        self.depth += 1

    def close(self) -> None:
        self.depth -= 1
        self._put("}")

    def text(self) -> str:
        while self.depth > 1:
            self.close()
        return "\n".join([*self.lines, "}"]) + "\n"
