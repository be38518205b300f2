"""Inline suppression comments: `# journeyc: ignore[JC601,JC302]` or a bare `# journeyc: ignore`.

Only a real YAML comment counts: the same words inside a quoted string or a
block scalar are text, not a suppression. The file is composed once to know
where its scalars are (only files that say `journeyc:` at all pay for it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeyc.diagnostics import Diagnostic, Edit, Fix, Position, Severity, Span
from journeyc.workspace.sourcemap import SourceFile, unwrap

# a `#` at the start of a line or after white space opens a YAML comment
_COMMENT = re.compile(r"(?:^|\s)(#\s*journeyc:\s*ignore\b(?:\[([^\]]*)\])?)")


@dataclass
class Suppression:
    line: int
    column: int
    codes: frozenset[str] | None  # None: every code
    used: set[str] = field(default_factory=set)
    #: the text that removes the whole comment (the line too when the comment is all there is on it)
    removal: Edit | None = None
    #: the codes between the brackets as written, and where they are: (first column, end column)
    written: tuple[str, ...] = ()
    brackets: tuple[int, int] | None = None
    separator: str = ", "

    def silences(self, code: str) -> bool:
        if self.codes is None or code in self.codes:
            self.used.add(code)
            return True
        return False


def parse(source: SourceFile) -> dict[int, Suppression]:
    """Suppressions by line, from the file's comments; none when the file does not parse."""
    if source.uncommented or "journeyc:" not in source.text:
        return {}
    candidates = [(number, m) for number, text in enumerate(source.lines, start=1)
                  if (m := _COMMENT.search(text)) is not None]
    if not candidates:
        return {}
    inside = _scalar_ranges(source.text)
    if inside is None:
        return {}
    found: dict[int, Suppression] = {}
    for number, match in candidates:
        where = (number, match.start(1) + 1)
        if any(a <= where < b for a, b in inside):
            continue  # `# journeyc: ignore` written inside a text: not a comment
        raw = match.group(2)
        codes = None if raw is None else frozenset(c.strip().upper() for c in raw.split(",") if c.strip())
        written = tuple(c.strip() for c in raw.split(",") if c.strip()) if raw is not None else ()
        brackets = (match.start(2) + 1, match.end(2) + 1) if raw is not None else None
        found[number] = Suppression(number, where[1], codes, removal=_removal(source.lines, number, match.start(1)),
                                    written=written, brackets=brackets,
                                    separator=", " if raw is not None and ", " in raw else ",")
    return found


def _removal(lines: list[str], number: int, start: int) -> Edit:
    """The edit that removes a comment from `start` to the end of its line, and the line when nothing else is on it."""
    text = lines[number - 1]
    before = text[:start].rstrip()
    if before or number == len(lines):
        return Edit(Span(number, len(before) + 1, number, len(text) + 1), "")
    return Edit(Span(number, 1, number + 1, 1), "")


def _scalar_ranges(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """[(start, end)) of every scalar's text as (line, column); a block scalar's starts after its header line."""
    from journeyc.workspace.loading import compose_all

    out = []
    try:
        for root in compose_all(text):
            for node in _scalars(root, set()):
                start, end = node.start_mark, node.end_mark
                first = (start.line + 2, 1) if node.style in ("|", ">") else (start.line + 1, start.column + 1)
                out.append((first, (end.line + 1, end.column + 1)))
    except (yaml.YAMLError, RecursionError):
        return None
    return out


def _scalars(node: Node, seen: set[int]) -> Iterator[ScalarNode]:
    node = unwrap(node)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _scalars(item, seen)
    elif isinstance(node, MappingNode):
        for k, v in node.value:
            yield from _scalars(k, seen)
            yield from _scalars(v, seen)


def unused(path: str, suppressions: dict[int, Suppression]) -> list[Diagnostic]:
    """JC006 for each comment, or each code in a comment, that silenced nothing, each with its fix."""
    out = []
    for s in suppressions.values():
        span = Span.point(s.line, s.column)
        whole = Fix("remove the suppression comment", (s.removal,)) if s.removal is not None else None
        if s.codes is None:
            if not s.used:
                out.append(Diagnostic("JC006", Severity.INFO, "suppression comment silences nothing",
                                      Position(path, span), "remove the comment", whole))
            continue
        if not s.codes:
            out.append(Diagnostic("JC006", Severity.INFO, "suppression `ignore[]` names no code: it silences nothing",
                                  Position(path, span), "name the codes to silence, or remove the comment", whole))
        for code in sorted(s.codes - s.used):
            out.append(Diagnostic("JC006", Severity.INFO, f"suppression of {code} silences nothing",
                                  Position(path, span), f"remove {code} from the comment", _without(s, code, whole)))
    return out


def _without(s: Suppression, code: str, whole: Fix | None) -> Fix | None:
    """The fix that takes `code` out of the comment's brackets; the whole comment when it is the only one there."""
    kept = [c for c in s.written if c.upper() != code]
    if not kept:
        return whole
    if s.brackets is None:
        return None
    start, end = s.brackets
    joined = s.separator.join(kept)
    return Fix(f"remove {code} from the suppression comment", (Edit(Span(s.line, start, s.line, end), joined),))
