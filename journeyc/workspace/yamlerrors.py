"""YAML syntax errors in words a person understands (JC001), at the place the mistake was made.

libyaml says where it gave up ("did not find expected '-' indicator", often a
line after the mistake); the common mistakes are recognised here from that
message and the lines around it, and told as what to write instead: a tab used
for indentation, a key indented one space too far or too little, a key that
left its list item, a missing `:` or `- `, a quote or bracket never closed, a
colon inside an unquoted value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from journeyc.diagnostics import Span

_KEY = re.compile(r"^(\s*)(-\s+)?([^\s#:][^:#]*?):(\s|$)")


@dataclass(frozen=True)
class Explained:
    span: Span
    message: str
    hint: str


def explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> Explained:
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    at = (mark.line, mark.column) if mark is not None else (0, 0)
    where = (exc.context_mark.line, exc.context_mark.column) if exc.context_mark is not None else at
    for recognise in (_tab, _unclosed, _missing_colon, _mapping_value, _dash_space, _left_item, _alias):
        found = recognise(problem, context, at, where, lines)
        if found is not None:
            return found
    text = f"{problem} ({context})" if context and context != problem else problem
    return Explained(_point(at, lines), f"YAML syntax error: {text}",
                     "check this line and the one above it: keys of one mapping line up, list items start with `- `")


def _point(at: tuple[int, int], lines: list[str]) -> Span:
    line, column = at
    if line >= len(lines):  # the end of the stream: the last line that holds something
        line = max((i for i, text in enumerate(lines) if text.strip()), default=0)
        column = len(lines[line]) if lines else 0
    return Span.point(line + 1, column + 1)


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _tab(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
         lines: list[str]) -> Explained | None:
    # libyaml stops at the first tab of the indentation; a tab after other text (`id:\t@x`) is not the mistake
    indentation = _line(lines, at[0])[: at[1] + 1]
    if "tab" not in problem and not (problem.startswith("found character") and indentation.lstrip(" ") == "\t"):
        return None
    return Explained(Span.point(at[0] + 1, at[1] + 1), "a tab is used for indentation: YAML indents with spaces only",
                     "replace the tab with spaces (2 per level, as in the rest of the file)")


def _unclosed(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
              lines: list[str]) -> Explained | None:
    if "quoted scalar" in context and "end of stream" in problem:
        quote = _line(lines, where[0])[where[1]: where[1] + 1]  # libyaml marks the opening quote
        return Explained(Span.point(where[0] + 1, where[1] + 1), f"the text quoted with {quote} here is never closed",
                         f"end the text with a matching {quote} on the same line")
    for opening, closing, name in (("[", "]", "flow sequence"), ("{", "}", "flow mapping")):
        if name in context and "','" in problem:
            return Explained(Span.point(where[0] + 1, where[1] + 1), f"the `{opening}` opened here is never closed",
                             f"close it with `{closing}` (and separate its items with commas)")
    return None


def _missing_colon(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
                   lines: list[str]) -> Explained | None:
    if "expected ':'" not in problem:
        return None
    text = _line(lines, where[0])[where[1]:].split("#")[0].rstrip()
    word, _, rest = text.partition(" ")
    hint = f"write `{word}: {rest.strip()}`" if rest.strip() else f"write `{word}:` followed by its value"
    return Explained(Span.point(where[0] + 1, where[1] + 1), f"`{text}` is not a `key: value` pair: a `:` is missing",
                     hint)


def _mapping_value(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
                   lines: list[str]) -> Explained | None:
    if "mapping values are not allowed" not in problem:
        return None
    text = _line(lines, at[0])
    before = text[: at[1]]
    key = _KEY.match(text)
    if key is not None and key.end(3) < at[1]:  # `key: value: more`: a colon inside the value
        value = text[key.end():].split(" #")[0].strip()
        return Explained(Span.point(at[0] + 1, at[1] + 1), "a `: ` inside an unquoted value starts a second key",
                         f"quote the value: {key.group(3)}: {_quoted(value)}")
    column = _indent(before)
    above = _sibling_indent(lines, at[0])
    name = before.strip()
    if above is not None and above < column:
        return Explained(Span.point(at[0] + 1, column + 1),
                         f"`{name}:` is indented further than the key above it",
                         f"indent it by {above} spaces, like the key above, or indent the line above it")
    return Explained(Span.point(at[0] + 1, at[1] + 1), "a `:` here cannot start a key",
                     "check the indentation of this line and quote any value that holds `: `")


def _quoted(value: str) -> str:
    """`value` as a YAML string: double quotes, or single ones (doubled inside) when it holds a double quote."""
    return f"'{value.replace(chr(39), chr(39) * 2)}'" if '"' in value else f'"{value}"'


def _sibling_indent(lines: list[str], row: int) -> int | None:
    """The indentation of the nearest non-blank line above `row` (never a comment: one would end the text
    that ran onto `row`, and libyaml would then not refuse its key)."""
    for i in range(row - 1, -1, -1):
        text = lines[i]
        if text.strip():
            indent = _indent(text)
            match = _KEY.match(text)
            if match is not None and match.group(2):  # `- key:`: the item's keys start after the dash
                indent += len(match.group(2))
            return indent
    return None


def _left_item(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
               lines: list[str]) -> Explained | None:
    if "expected '-' indicator" not in problem:
        return None
    text = _line(lines, at[0])
    name = text.strip().split(":")[0]
    dash = _indent(_line(lines, where[0]))
    item = _item_key_indent(lines, where[0])
    column = _indent(text)
    if item is not None and dash < column < item:
        return Explained(Span.point(at[0] + 1, column + 1),
                         f"`{name}:` is indented less than the keys of its list item",
                         f"indent it by {item} spaces, like the other keys of the item")
    return Explained(Span.point(at[0] + 1, column + 1), f"`{name}:` is not part of the list item above it",
                     f"indent it by {item if item is not None else dash + 2} spaces to belong to the item above,"
                     " or start a new item with `- `")


def _item_key_indent(lines: list[str], row: int) -> int | None:
    match = _KEY.match(_line(lines, row))
    if match is None or not match.group(2):
        return None
    return len(match.group(1)) + len(match.group(2))


def _dash_space(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
                lines: list[str]) -> Explained | None:
    """`-id: x` in a list: in a mapping libyaml stops at the item ("expected key"), in a list at the line."""
    if "expected key" in problem:
        row, column = where
    elif "expected '-' indicator" in problem:
        row, column = at
    else:
        return None
    text = _line(lines, row)[column:].split(" #")[0].rstrip()
    if not re.match(r"-[^\s-]", text):
        return None
    return Explained(Span.point(row + 1, column + 1), f"`{text.split(':')[0]}` needs a space after the dash",
                     f"write `- {text[1:].strip()}`")


def _alias(problem: str, context: str, at: tuple[int, int], where: tuple[int, int],
           lines: list[str]) -> Explained | None:
    if "undefined alias" not in problem:
        return None
    alias = re.split(r"[\s,\]\}]", _line(lines, at[0])[at[1] + 1:])[0]  # the name after the `*` libyaml marks
    return Explained(Span.point(at[0] + 1, at[1] + 1), f"alias `*{alias}` refers to no anchor",
                     f"define `&{alias}` on a node above it, or write the value out")
