"""Position, Severity and Diagnostic: the values every layer exchanges.

This module imports nothing of journeyc, so formatters, rules and the loader can
all depend on it without pulling in anything else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based region of a file: start line/column and end line/column."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column)


@dataclass(frozen=True, order=True)
class Position:
    """Where a diagnostic points: a file (as given to journeyc) and a span in it."""

    file: str
    span: Span

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` (1-based; the end column is the first one after the text) with `text`."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    """A safe fix: what it does, and its edits in the diagnostic's own file, applied together or not at all."""

    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    position: Position
    hint: str | None = None
    #: the safe fix of `journeyc fix`, when the rule has one and it applies here; not part of the identity
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.position.file, self.position.line, self.position.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return Diagnostic(self.code, severity, self.message, self.position, self.hint, self.fix)
