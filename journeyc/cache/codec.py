"""One file's part (`FileResult`) as plain JSON values and back, checking every value read.

An entry holds what the file's bytes alone decide: its documents' plain data,
the line each mapping starts on, the loader's and the schema's diagnostics
(without the file name: entries are found by content, wherever the file is),
the kinds that failed and the paths the schema refused. The text is not kept:
the caller has the bytes it hashed and decodes them again, and each document's
source map composes the YAML from that text when a position is asked for, as
on a cold run. Lines are kept in the order of a walk over the data (the loader
keys them by `id()` of each mapping, which means nothing in another process).

Reading trusts nothing: any value of the wrong shape raises `Corrupt`, and the
caller then loads the file as if there were no entry.
"""

from __future__ import annotations

from typing import Any

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.workspace.filepart import FileResult
from journeyc.workspace.loading import Document, LoadResult, compose_all, decode
from journeyc.workspace.maplines import Lines, mappings
from journeyc.workspace.sourcemap import Path_, SourceFile, SourceMap

Entry = dict[str, Any]
_SEVERITIES = {s.value: s for s in Severity}


class Corrupt(Exception):
    """An entry that is not what this journeyc writes."""


# --- writing ----------------------------------------------------------------------------


def encode(found: FileResult, shown: str) -> Entry | None:
    """The entry of one file's part, or None when it cannot be kept exactly (then the file is loaded each time)."""
    loaded = found.loaded
    if loaded.source is not None and loaded.source.path != shown:
        return None
    docs = []
    for doc in loaded.documents:
        if doc.source is not loaded.source:
            return None
        docs.append({"i": doc.index, "data": doc.data, "lines": _lines(doc),
                     "invalid": _paths(found.invalid.get(doc)), "unsure": _paths(found.unsure.get(doc))})
    diagnostics = [diagnostic_values(d, shown) for d in loaded.diagnostics]
    schema = [diagnostic_values(d, shown) for d in found.schema]
    if None in diagnostics or None in schema:
        return None  # a diagnostic about another file: not a part of this one alone
    return {"text": loaded.source is not None, "foreign": loaded.foreign, "failed": list(loaded.failed),
            "diagnostics": diagnostics, "schema": schema, "documents": docs}


def compact_lines(found: FileResult, entry: Entry) -> None:
    """Give the documents just loaded the entry's lines, as a warm run has them: a list, made into the
    loader's dict only when asked (its large integers cost a tenth of a large check's memory)."""
    for doc, item in zip(found.loaded.documents, entry["documents"], strict=True):
        doc.lines = Lines(doc.data, item["lines"])


def diagnostic_values(d: Diagnostic, shown: str) -> list[Any] | None:
    """A diagnostic located in the file shown as `shown`, as JSON values without the file; None when elsewhere."""
    if d.position.file != shown:
        return None
    s = d.position.span
    return [d.code, int(d.severity), d.message, s.line, s.column, s.end_line, s.end_column, d.hint]


def _lines(doc: Document) -> list[int]:
    """The line of each mapping of the document, in the order of a walk over its data (0: not known)."""
    walked = doc.lines.walked() if isinstance(doc.lines, Lines) else None
    return list(walked) if walked is not None else [doc.lines.get(id(d), 0) for d in mappings(doc.data)]


def _paths(paths: frozenset[Path_] | None) -> list[list[str | int]]:
    return sorted((list(p) for p in paths or ()), key=repr)


# --- reading -----------------------------------------------------------------------------


def decode_entry(entry: Any, shown: str, raw: bytes) -> FileResult:
    """The part an entry describes, for the file shown as `shown` whose bytes are `raw`; `Corrupt` if malformed."""
    if type(entry) is not dict:
        raise Corrupt("not an object")
    text, foreign = entry.get("text"), entry.get("foreign")
    failed: Any = entry.get("failed")
    if type(text) is not bool or type(foreign) is not bool or not _strings(failed):
        raise Corrupt("header")
    source = None
    if text:
        # ASCII without NUL bytes always decodes (journeyc.workspace.loading.decode); the text itself is made only
        # when asked for: a check lets most texts go unread (journeyc.workspace.forget)
        if not (raw.isascii() and b"\x00" not in raw[:4096]) and decode(shown, raw)[0] is None:
            raise Corrupt("the file does not decode as the entry says")
        source = SourceFile.later(shown, lambda: _decoded(shown, raw))
    result = LoadResult(source=source, failed=list(failed), foreign=foreign,
                        diagnostics=diagnostics_from(entry.get("diagnostics"), shown))
    found = FileResult(result, diagnostics_from(entry.get("schema"), shown))
    documents = entry.get("documents")
    if type(documents) is not list or (documents and source is None):
        raise Corrupt("documents")
    for item in documents:
        doc = _document(item, source)  # type: ignore[arg-type]
        result.documents.append(doc)
        invalid, unsure = _path_set(item.get("invalid")), _path_set(item.get("unsure"))
        if invalid:
            found.invalid[doc] = invalid
        if unsure:
            found.unsure[doc] = unsure
    return found


def _decoded(shown: str, raw: bytes) -> str:
    text, _ = decode(shown, raw)
    assert text is not None, "decode_entry made sure it decodes"
    return text


def _document(item: Any, source: SourceFile) -> Document:
    if type(item) is not dict or type(item.get("i")) is not int or type(item.get("data")) is not dict:
        raise Corrupt("document")
    lines = item.get("lines")
    if type(lines) is not list or not all(type(n) is int for n in lines):
        raise Corrupt("lines")
    index, data = item["i"], item["data"]
    return Document(source, index, data, SourceMap(source, index, compose_all), Lines(data, lines))


def diagnostics_from(items: Any, shown: str) -> list[Diagnostic]:
    """The diagnostics `diagnostic_values` wrote, located in the file shown as `shown`; `Corrupt` if malformed."""
    if type(items) is not list:
        raise Corrupt("diagnostics")
    out = []
    for item in items:
        if type(item) is not list or len(item) != 8:
            raise Corrupt("diagnostic")
        code, severity, message, line, column, end_line, end_column, hint = item
        numbers = (line, column, end_line, end_column)
        if type(code) is not str or type(message) is not str or severity not in _SEVERITIES \
                or type(severity) is not int or any(type(n) is not int for n in numbers) \
                or not (hint is None or type(hint) is str):
            raise Corrupt("diagnostic")
        out.append(Diagnostic(code, _SEVERITIES[severity], message, Position(shown, Span(*numbers)), hint))
    return out


def _path_set(items: Any) -> frozenset[Path_]:
    if type(items) is not list:
        raise Corrupt("paths")
    out = []
    for path in items:
        if type(path) is not list or any(type(p) is not str and type(p) is not int for p in path):
            raise Corrupt("path")
        out.append(tuple(path))
    return frozenset(out)


def _strings(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)
