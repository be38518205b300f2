"""Safe text edits inside a YAML scalar: a part of its value replaced, written so the value reads as intended.

The replacement is written in the scalar's own style (escaped in a
double-quoted string, quotes doubled in a single-quoted one) and refused
where it could change what YAML reads: a plain scalar takes only text that
stays plain text of the same type, a block scalar only text without line
breaks. Everything outside the replaced characters stays byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from journeyc.diagnostics import Edit, Fix
from journeyc.workspace import textspan
from journeyc.workspace.model import Finding
from journeyc.workspace.sourcemap import LINE_BREAK

_STR = "tag:yaml.org,2002:str"
#: what a plain scalar may take without a second look: words, single spaces and punctuation that is never an
#: indicator inside a plain scalar (no `:`, `#`, `,`, brackets or braces, which end it in some context)
_PLAIN_SAFE = re.compile(r"[\w][\w.'()/&+\-]*(?: [\w.'()/&+\-]+)*")
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_ESCAPES = {'"': '\\"', "\\": "\\\\"}


def replace_in_scalar(finding: Finding) -> Fix | None:
    """The fix that writes `finding.replacement` over the part of the text the finding points at, or None."""
    if finding.replacement is None or finding.offset is None:
        return None
    ref = finding.at
    node = ref.doc.smap.node(ref.path)
    if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
        return None
    new = finding.replacement
    value = node.value
    start, end = finding.offset, finding.offset + finding.length
    written = _written(node, value[:start] + new + value[end:], new)
    if written is None:
        return None
    span = textspan.source_range(node, ref.doc.source.lines, start, finding.length)
    return Fix(f"replace {value[start:end]!r} with {new!r}", (Edit(span, written),)) if span is not None else None


def _written(node: ScalarNode, after: str, new: str) -> str | None:
    """`new` as it must be written in `node`'s style, or None when writing it there is not certainly safe."""
    if not new or _BREAKS.search(new):
        return None
    if node.style == '"':
        return "".join(_ESCAPES.get(c, c) for c in new)
    if node.style == "'":
        return new.replace("'", "''")
    if node.style in ("|", ">"):
        return new if not new[0].isspace() else None
    if not node.style and _PLAIN_SAFE.fullmatch(new) and _plain_string(after):  # plain: None, or "" from libyaml
        return new
    return None


def _plain_string(value: str) -> bool:
    """The whole value still reads as a string when written plain (not `true`, `12` or `null`)."""
    tag = Resolver().resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR) and value == value.strip()


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with the edits made (their spans are 1-based lines and columns as YAML counts them)."""
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 if line <= len(starts) else len(text)

    out, at = [], 0
    for e in sorted(edits, key=lambda e: (e.span.line, e.span.column)):
        start, end = offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column)
        out += [text[at:start], e.text]
        at = end
    out.append(text[at:])
    return "".join(out)


def overlap(a: Edit, b: Edit) -> bool:
    """Two edits touch the same text (or start at the same place): they cannot be made together."""
    a0, a1 = (a.span.line, a.span.column), (a.span.end_line, a.span.end_column)
    b0, b1 = (b.span.line, b.span.column), (b.span.end_line, b.span.end_column)
    return (a0 < b1 and b0 < a1) or a0 == b0


def disjoint(found: Iterable[Edit]) -> list[Edit]:
    """The edits that overlap none taken before them (the others wait for the next round)."""
    taken: list[Edit] = []
    for e in found:
        if e not in taken and not any(overlap(e, t) for t in taken):
            taken.append(e)
    return taken
