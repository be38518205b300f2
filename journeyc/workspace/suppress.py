"""Inline suppression comments: `# journeyc: ignore[JC601,JC302]` or a bare `# journeyc: ignore`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.workspace.loading import SourceFile

# a `#` at the start of a line or after white space opens a YAML comment
_COMMENT = re.compile(r"(?:^|\s)(#\s*journeyc:\s*ignore\b(?:\[([^\]]*)\])?)")


@dataclass
class Suppression:
    line: int
    column: int
    codes: frozenset[str] | None  # None: every code
    used: set[str] = field(default_factory=set)

    def silences(self, code: str) -> bool:
        if self.codes is None or code in self.codes:
            self.used.add(code)
            return True
        return False


def parse(source: SourceFile) -> dict[int, Suppression]:
    if "journeyc:" not in source.text:
        return {}
    found: dict[int, Suppression] = {}
    for number, text in enumerate(source.lines, start=1):
        match = _COMMENT.search(text)
        if match:
            raw = match.group(2)
            codes = None if raw is None else frozenset(c.strip().upper() for c in raw.split(",") if c.strip())
            found[number] = Suppression(number, match.start(1) + 1, codes)
    return found


def unused(path: str, suppressions: dict[int, Suppression]) -> list[Diagnostic]:
    """JC006 for each comment, or each code in a comment, that silenced nothing."""
    out = []
    for s in suppressions.values():
        span = Span.point(s.line, s.column)
        if s.codes is None:
            if not s.used:
                out.append(Diagnostic("JC006", Severity.INFO, "suppression comment silences nothing",
                                      Position(path, span), "remove the comment"))
            continue
        for code in sorted(s.codes - s.used):
            out.append(Diagnostic("JC006", Severity.INFO, f"suppression of {code} silences nothing",
                                  Position(path, span), f"remove {code} from the comment"))
    return out
