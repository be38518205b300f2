"""Formatters: a function from diagnostics to text, chosen by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeyc.diagnostics import Diagnostic, Severity
from journeyc.formatters import github as github_format
from journeyc.formatters import json as json_format
from journeyc.formatters import sarif as sarif_format
from journeyc.formatters import text as text_format


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


Formatter = Callable[[Report], str]

FORMATTERS: dict[str, Formatter] = {
    "text": text_format.render,
    "json": json_format.render,
    "github": github_format.render,
    "sarif": sarif_format.render,
}
