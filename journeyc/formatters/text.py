"""`path:line:col: CODE severity: message [hint]`, then one summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyc.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from journeyc.formatters import Report

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def line(d: Diagnostic, color: bool = False) -> str:
    where = f"{d.position.file}:{d.position.line}:{d.position.column}:"
    hint = f" [{d.hint}]" if d.hint else ""
    message = _one_line(d.message)
    if not color:
        return f"{where} {d.code} {d.severity.label}: {message}{_one_line(hint)}"
    sev = f"{_COLORS[d.severity]}{d.severity.label}{_RESET}"
    return f"{_BOLD}{where}{_RESET} {_BOLD}{d.code}{_RESET} {sev}: {message}{_DIM}{_one_line(hint)}{_RESET}"


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def summary(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], files: int) -> str:
    counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
    parts = [_plural(counts[Severity.ERROR], "error"), _plural(counts[Severity.WARNING], "warning"),
             _plural(counts[Severity.INFO], "info")]
    checked = _plural(files, "file")
    if not diagnostics:
        return f"All checks passed: {checked}, no problems."
    return f"Found {', '.join(parts)} in {checked}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report) -> str:
    lines = [line(d, report.color) for d in report.diagnostics]
    lines.append(summary(list(report.diagnostics), report.files))
    return "\n".join(lines) + "\n"
