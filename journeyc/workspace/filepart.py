"""One file's part of a workspace before the rules run: its documents, the loader's and the schema's verdicts.

Nothing here depends on any other file of the workspace, so a cache keyed by
the file's content (journeyc.cache) may keep it; the model and the rules,
which compare files, are built from these parts on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from yaml.nodes import ScalarNode

from journeyc.diagnostics import Diagnostic, Position, Severity
from journeyc.workspace import textspan
from journeyc.workspace.limits import Limits
from journeyc.workspace.loading import Document, LoadResult, load_bytes
from journeyc.workspace.model import Finding
from journeyc.workspace.schema import validate
from journeyc.workspace.sourcemap import Path_, node_span


@dataclass
class FileResult:
    """What one file contributes before the rules run: its documents and the loader's and the schema's verdicts.

    None of it depends on any other file, which is what lets a cache keep it
    (journeyc.cache) by the file's content.
    """

    loaded: LoadResult
    #: the schema's findings (JC004), located in the file
    schema: list[Diagnostic] = field(default_factory=list)
    invalid: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    unsure: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    #: whether bytes read again are those judged (a cache compares the digest it has); None: not known here
    same: Callable[[bytes], bool] | None = None


#: (path shown, the file's bytes, the input limits) -> what the file contributes; `judge_file`, or a cache of it
Judge = Callable[[str, bytes, Limits], FileResult]


def judge_file(shown: str, raw: bytes, limits: Limits) -> FileResult:
    """Load one file and validate its documents (the default `Judge`)."""
    return validated(load_bytes(shown, raw, limits))


def validated(result: LoadResult) -> FileResult:
    out = FileResult(result)
    for doc in result.documents:
        verdict = validate(doc)
        if verdict.invalid:
            out.invalid[doc] = frozenset(verdict.invalid)
        if verdict.unsure:
            out.unsure[doc] = frozenset(verdict.unsure)
        out.schema.extend(finding_diagnostic("JC004", Severity.ERROR, f) for f in verdict.findings)
    return out


def finding_diagnostic(code: str, severity: Severity, finding: Finding) -> Diagnostic:
    """A finding's position, looked up in its document's source map (inside a text when it names a part)."""
    ref = finding.at
    smap = ref.doc.smap
    node = smap.node(ref.path, key=finding.key)
    span = smap.trim(node_span(node))
    if finding.offset is not None and isinstance(node, ScalarNode):
        span = textspan.inside(node, ref.doc.source.lines, finding.offset, finding.length) or span
    return Diagnostic(code, severity, finding.message, Position(ref.file, span), finding.hint)
