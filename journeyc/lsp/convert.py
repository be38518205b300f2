"""journeyc's diagnostics, fixes and positions as the protocol's types (lsprotocol)."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from journeyc.diagnostics import Diagnostic, Edit, Severity, Span
from journeyc.lsp.text import Text

#: where each rule is documented: docs/rules.md, one heading per code (its anchor is the code in lower case)
RULE_DOCS = "https://github.com/journeyc/journeyc/blob/main/docs/rules.md#"

_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFO: types.DiagnosticSeverity.Information}


def span_range(text: Text, span: Span) -> types.Range:
    start = text.to_editor(span.line, span.column)
    end = text.to_editor(span.end_line, span.end_column)
    return types.Range(types.Position(*start), types.Position(*max(start, end)))


def diagnostic(d: Diagnostic, text: Text) -> types.Diagnostic:
    message = f"{d.message} [{d.hint}]" if d.hint else d.message
    return types.Diagnostic(range=span_range(text, d.position.span), message=message, severity=_SEVERITY[d.severity],
                            code=d.code, source="journeyc",
                            code_description=types.CodeDescription(href=RULE_DOCS + d.code.lower()))


def edits(text: Text, found: Iterable[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=span_range(text, e.span), new_text=e.text) for e in found]


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Two ranges share a position (an empty range touching another counts)."""
    a0, a1 = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b0, b1 = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a0 <= b1 and b0 <= a1
