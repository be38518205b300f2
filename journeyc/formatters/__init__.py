"""Formatters: a function from diagnostics to text, chosen by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeyc.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class RuleInfo:
    """What a report may say about a rule (SARIF's reportingDescriptor), filled by the CLI from the registry."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str


@dataclass(frozen=True)
class Report:
    """What a formatter needs: the sorted diagnostics, how many files were checked, and about whom.

    `rules` and `version` describe the tool for formats that carry that (SARIF);
    formatters cannot import the rule registry themselves.
    """

    diagnostics: Sequence[Diagnostic]
    files: int
    color: bool = False
    rules: Sequence[RuleInfo] = ()
    version: str = ""
    #: files named on the command line that were not checked: (path, why)
    skipped: Sequence[tuple[str, str]] = ()
    #: findings the baseline holds, not reported
    baselined: int = 0


Formatter = Callable[[Report], str]



def _lazy(module: str) -> Formatter:
    """The module's `render`, imported on first use: `check` pays only for the format it prints."""

    def render(report: Report) -> str:
        return importlib.import_module(f"journeyc.formatters.{module}").render(report)  # type: ignore[no-any-return]

    return render


FORMATTERS: dict[str, Formatter] = {name: _lazy(name) for name in ("text", "json", "github", "sarif")}
