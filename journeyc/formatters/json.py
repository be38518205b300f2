"""One JSON object: `{"diagnostics": [...], "summary": {...}}` (DESIGN §3)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from journeyc.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from journeyc.formatters import Report


def as_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "file": d.position.file,
        "line": d.position.line,
        "column": d.position.column,
        "end_line": d.position.span.end_line,
        "end_column": d.position.span.end_column,
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "hint": d.hint,
    }


def render(report: Report) -> str:
    diags = list(report.diagnostics)
    summary: dict[str, Any] = {
        "errors": sum(d.severity == Severity.ERROR for d in diags),
        "warnings": sum(d.severity == Severity.WARNING for d in diags),
        "infos": sum(d.severity == Severity.INFO for d in diags),
        "files": report.files,
    }
    if report.skipped:  # files named on the command line that hold nothing of journeyc's
        summary["not_checked"] = [{"file": path, "reason": why} for path, why in report.skipped]
    data = {"diagnostics": [as_dict(d) for d in diags], "summary": summary}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
