"""SARIF 2.1.0: one run, a reportingDescriptor per rule, a result per diagnostic.

Paths are relative to the directory journeyc ran in, named by the base id
`%SRCROOT%` and left unresolved, so the log is byte-identical on every machine
(GitHub code scanning resolves it against the checkout).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from journeyc.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from journeyc.formatters import Report, RuleInfo

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://journeyc.dev"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def descriptor(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.split("\n\n")[0].replace("\n", " ")},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def artifact_location(path: str) -> dict[str, str]:
    """A relative URI reference under %SRCROOT%; an absolute path (another drive) as a file: URI."""
    if PurePath(path).is_absolute():
        return {"uri": PurePath(path).as_uri()}
    return {"uri": quote(path.replace("\\", "/"), safe="/"), "uriBaseId": SRCROOT}


def region(d: Diagnostic) -> dict[str, int]:
    # SARIF's endColumn is the column just after the region, as journeyc's spans are
    span = d.position.span
    start_line, start_col = max(1, span.line), max(1, span.column)
    end_line = max(start_line, span.end_line)
    end_col = span.end_column if end_line > start_line else max(start_col, span.end_column)
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": max(1, end_col)}


def result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": d.code}
    if d.code in index:
        out["ruleIndex"] = index[d.code]
    out["level"] = LEVELS[d.severity]
    out["message"] = {"text": f"{d.message} [{d.hint}]" if d.hint else d.message}
    out["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(d.position.file),
                                              "region": region(d)}}]
    return out


def log(report: Report) -> dict[str, Any]:
    rules = sorted(report.rules, key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(rules)}
    driver: dict[str, Any] = {"name": "journeyc", "informationUri": INFORMATION_URI}
    if report.version:
        driver["version"] = report.version
    driver["rules"] = [descriptor(r) for r in rules]
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The directory journeyc ran in."}}},
        "columnKind": "unicodeCodePoints",  # journeyc counts characters, not UTF-16 code units
        "results": [result(d, index) for d in report.diagnostics],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(log(report), indent=2, ensure_ascii=False) + "\n"
