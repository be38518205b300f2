"""Formatters: a function from diagnostics to text, chosen by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeyc.diagnostics import Diagnostic
from journeyc.formatters import json as json_format
from journeyc.formatters import text as text_format


@dataclass(frozen=True)
class Report:
    """What a formatter needs: the sorted diagnostics and how many files were checked."""

    diagnostics: Sequence[Diagnostic]
    files: int
    color: bool = False


Formatter = Callable[[Report], str]

FORMATTERS: dict[str, Formatter] = {
    "text": text_format.render,
    "json": json_format.render,
}
