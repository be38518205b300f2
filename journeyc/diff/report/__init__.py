"""The `journeyc diff` reports: text for a terminal, JSON for tools, Markdown for a pull-request comment.

Kept out of `journeyc/formatters/` on purpose: those format check diagnostics
and may import nothing but `journeyc.diagnostics`, while a diff report reads
the model (and the Mermaid emitter for its diagrams).
"""

from __future__ import annotations

from collections.abc import Callable

from journeyc.diff.report.common import summary, value_text
from journeyc.diff.report.diagram import mermaid_diagram
from journeyc.diff.report.jsonreport import as_data, render_json
from journeyc.diff.report.markdown import MARKER, md_code, md_text, md_value, render_markdown
from journeyc.diff.report.text import render_text
from journeyc.diff.sources import DiffRun

RENDERERS: dict[str, Callable[[DiffRun], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}

__all__ = ["MARKER", "RENDERERS", "as_data", "md_code", "md_text", "md_value", "mermaid_diagram", "render_json",
           "render_markdown", "render_text", "summary", "value_text"]
