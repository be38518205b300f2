"""`path:line:col: CODE severity: message [hint]`, then one summary line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeyc.diagnostics import Diagnostic, Severity
from journeyc.wording import plural

if TYPE_CHECKING:
    from journeyc.formatters import Report

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def line(d: Diagnostic, color: bool = False) -> str:
    where = f"{printable(d.position.file)}:{d.position.line}:{d.position.column}:"
    hint = printable(f" [{d.hint}]") if d.hint else ""
    message = printable(d.message)
    if not color:
        return f"{where} {d.code} {d.severity.label}: {message}{hint}"
    sev = f"{_COLORS[d.severity]}{d.severity.label}{_RESET}"
    return f"{_BOLD}{where}{_RESET} {_BOLD}{d.code}{_RESET} {sev}: {message}{_DIM}{hint}{_RESET}"


#: what must not reach a terminal raw: C0 and C1 controls (ESC and CSI start escape sequences, CR and LF
#: would forge a diagnostic line), DEL, bidi marks/embeddings/overrides/isolates (they reorder what the
#: reader sees), line and paragraph separators, and lone surrogates (not encodable: the echo would fail)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` safe to print on one terminal line: unsafe characters as visible escapes (`\\x1b`, `\\u202e`).

    With `keep_newlines`, CR and LF stay (a format that escapes them its own way, like GitHub's `%0A`).
    """
    if not _UNPRINTABLE.search(text):
        return text

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char in "\r\n":
            return char
        code = ord(char)
        return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _UNPRINTABLE.sub(escape, text)


def summary(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], files: int) -> str:
    """One line; "All checks passed" only when at least one file was read and judged."""
    counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
    parts = [plural(counts[Severity.ERROR], "error"), plural(counts[Severity.WARNING], "warning"),
             plural(counts[Severity.INFO], "info")]
    checked = plural(files, "file")
    if not diagnostics:
        return f"All checks passed: {checked}, no problems." if files else "No journeyc document was checked."
    return f"Found {', '.join(parts)} in {checked}."


#: a summary names this many files it did not check, then counts the others
SHOWN_SKIPPED = 5


def not_checked(skipped: Sequence[tuple[str, str]]) -> str | None:
    """The line that says which named files were not checked, and why; None when every one was."""
    if not skipped:
        return None
    names = [f"{printable(path)} ({why})" for path, why in skipped[:SHOWN_SKIPPED]]
    more = f" and {len(skipped) - SHOWN_SKIPPED} more" if len(skipped) > SHOWN_SKIPPED else ""
    return f"Not checked: {', '.join(names)}{more}."



def render(report: Report) -> str:
    lines = [line(d, report.color) for d in report.diagnostics]
    lines.append(summary(list(report.diagnostics), report.files))
    if report.baselined:
        lines.append(f"{plural(report.baselined, 'finding')} in the baseline not shown (--no-baseline shows them).")
    skipped = not_checked(report.skipped)
    if skipped:
        lines.append(skipped)
    return "\n".join(lines) + "\n"
