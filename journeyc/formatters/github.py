"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per diagnostic.

The escaping is the one of actions/toolkit (`packages/core/src/command.ts`): the
message escapes `%`, CR and LF; property values also escape `:` and `,`. Before
that, other control and bidi characters become visible escapes, as in the text
format: the runner's log renders ANSI sequences, and a file name is shown as is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyc.diagnostics import Diagnostic, Severity
from journeyc.formatters import text
from journeyc.wording import plural

if TYPE_CHECKING:
    from journeyc.formatters import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: GitHub turns only this many commands of each level into annotations per step
ANNOTATION_LIMIT = 10


def escape_data(value: str) -> str:
    value = text.printable(value, keep_newlines=True)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties if value not in ("", None))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(d: Diagnostic) -> str:
    """One command; columns only when the span is on one line, as GitHub requires."""
    span = d.position.span
    end_line = span.end_line
    if end_line > span.line and span.end_column <= 1:
        end_line -= 1  # the span stops at the start of the next line: it ends on the line before
    props: list[tuple[str, object]] = [("file", d.position.file), ("line", span.line)]
    if end_line == span.line:
        # GitHub's endColumn is the last column of the range; journeyc's span ends just after it
        props += [("col", span.column), ("endLine", end_line), ("endColumn", max(span.column, span.end_column - 1))]
    else:
        props += [("endLine", end_line)]
    props.append(("title", d.code))
    message = f"{d.message} [{d.hint}]" if d.hint else d.message
    return _command(COMMANDS[d.severity], props, message)


def summary(report: Report) -> str:
    """The closing notice: totals, and how many diagnostics GitHub did not turn into annotations."""
    diags = list(report.diagnostics)
    counts = {s: sum(d.severity == s for d in diags) for s in Severity}
    counts[Severity.INFO] += 1  # this summary is a notice too
    hidden = {s: max(0, n - ANNOTATION_LIMIT) for s, n in counts.items()}
    text_line = text.summary(diags, report.files)
    skipped = text.not_checked(report.skipped)
    text_line = f"{text_line} {skipped}" if skipped else text_line
    if not diags:
        return _command("notice", [("title", "journeyc")], text_line)
    if not any(hidden.values()):
        return _command("notice", [("title", "journeyc")], f"{text_line} Each one is annotated above.")
    names = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    parts = [plural(n, names[s]) for s, n in sorted(hidden.items(), reverse=True) if n]
    message = (f"{text_line} GitHub annotates only {ANNOTATION_LIMIT} of each level per step: "
               f"{', '.join(parts)} not shown as annotations; every diagnostic is in this step's log.")
    return _command("notice", [("title", "journeyc")], message)



def render(report: Report) -> str:
    if not report.diagnostics:
        return summary(report) + "\n" if report.skipped else ""
    lines = [annotation(d) for d in report.diagnostics]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
