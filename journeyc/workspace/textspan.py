"""Where a piece of a scalar's value was written: value offsets -> source line and column.

A rule reports a word inside a text (an avoided word) by its offset in the
value YAML produced. The value is not the source: quotes, escapes (`\\u00e9`,
`''`), indentation, folded line breaks and the header of a block scalar stand
between them. This walks the scalar's own source and its value side by side,
so every character of the value is located where it was written, whatever
the style, without searching the text again.
"""

from __future__ import annotations

from yaml.nodes import ScalarNode

from journeyc.diagnostics import Span

_SIMPLE_ESCAPES = frozenset('0abtnvfre "/\\N_LP\t')
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def source_columns(node: ScalarNode, lines: list[str]) -> list[tuple[int, int]] | None:
    """(line, column), 1-based, of each character of `node.value`; None when the two cannot be aligned."""
    start, end = node.start_mark, node.end_mark
    line, col = start.line, start.column
    if node.style in ("|", ">"):
        line, col = line + 1, 0  # the header line holds the indicators and maybe a comment, never the value
    elif node.style in ("'", '"'):
        col += 1  # the opening quote
    out: list[tuple[int, int]] = []
    value = node.value
    i = 0
    while i < len(value):
        if line > end.line or line >= len(lines):
            return None
        text = lines[line]
        if col >= len(text):
            if value[i] in " \n":  # a folded or kept line break
                out.append((line + 1, col + 1))
                i += 1
            line, col = line + 1, 0
            continue
        char = text[col]
        if node.style == '"' and char == "\\":
            width = _escape_width(text, col)
            if width == 0:  # an escaped line break: produces nothing
                line, col = line + 1, 0
                continue
            out.append((line + 1, col + 1))
            i, col = i + 1, col + width
        elif node.style == "'" and char == "'" and text[col + 1: col + 2] == "'":
            out.append((line + 1, col + 1))
            i, col = i + 1, col + 2
        elif char == value[i]:
            out.append((line + 1, col + 1))
            i, col = i + 1, col + 1
        elif char in " \t" or (value[i] == " " and col == 0):
            col += 1  # indentation, or white space that folding trimmed
        else:
            return None
    return out


def _escape_width(text: str, col: int) -> int:
    """Source characters of the escape at `col` (0 for a backslash that ends the line)."""
    nxt = text[col + 1: col + 2]
    if not nxt:
        return 0
    if nxt in _HEX_ESCAPES:
        return 2 + _HEX_ESCAPES[nxt]
    return 2 if nxt in _SIMPLE_ESCAPES else 1


def inside(node: ScalarNode, lines: list[str], offset: int, length: int) -> Span | None:
    """The span of `node.value[offset:offset + length]` in the source, on the line where it starts."""
    columns = source_columns(node, lines)
    if columns is None or not 0 <= offset < len(columns) or length <= 0:
        return None
    first = columns[offset]
    last = columns[min(offset + length, len(columns)) - 1]
    if last[0] != first[0]:  # a phrase folded across lines: the span ends where its first line does
        return Span(first[0], first[1], first[0], len(lines[first[0] - 1]) + 1)
    return Span(first[0], first[1], last[0], last[1] + 1)


def source_range(node: ScalarNode, lines: list[str], offset: int, length: int) -> Span | None:
    """Where `node.value[offset:offset + length]` was written, from its first character to just after its last
    (over several lines for a phrase folded across them): the span an edit of that text replaces."""
    columns = source_columns(node, lines)
    if columns is None or length <= 0 or not 0 <= offset < offset + length <= len(columns):
        return None
    first = columns[offset]
    line, column = columns[offset + length - 1]
    text = lines[line - 1]
    width = 1
    if node.style == '"' and text[column - 1] == "\\":
        width = _escape_width(text, column - 1)
    elif node.style == "'" and text[column - 1:column + 1] == "''":
        width = 2
    return Span(first[0], first[1], line, column + width)
