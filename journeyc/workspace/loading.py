"""Bytes -> journeyc documents: decoding, YAML composition, the document header, within the input limits.

PyYAML composes the node tree with libyaml's C parser when it is present. A
file that defines anchors is composed by PyYAML's own composer over the same C
events instead, which keeps every alias as an `AliasNode` with its own marks.
Nothing here raises on bad input: every problem is a `Diagnostic` (JC001
syntax, JC002 duplicate key, JC003 header, JC005 refused input), and a
document that could not be read is listed in `LoadResult.failed` with the kind
it seemed to have, so that no rule judges what is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.wording import plural
from journeyc.workspace import header, yamlerrors
from journeyc.workspace.limits import Limits
from journeyc.workspace.plain import PlainData, Refused, raise_limit
from journeyc.workspace.sourcemap import AliasNode, Path_, SourceFile, SourceMap, clamp, node_span, split_lines

try:  # libyaml's parser is ~10x faster; the pure-Python one is a correct fallback
    from yaml import CSafeLoader as _BaseLoader
    _BYTE_OFFSETS = True  # libyaml gives reader errors at an offset into the UTF-8 text, not a character index
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]
    _BYTE_OFFSETS = False

API_VERSION = header.API_VERSION
KINDS = header.KINDS
_STR = "tag:yaml.org,2002:str"
_RESOLVED: dict[str, str] = {}
DEFAULT_LIMITS = Limits()
#: an anchor (`&name`) where YAML allows one (`{"a":&x 1}` too): a file without any composes in C, aliases and all
_ANCHOR = re.compile(r"(?:^|[\s\[\{,:])&[^\s\[\]\{\},]", re.M)

__all__ = ["API_VERSION", "KINDS", "Document", "Limits", "LoadResult", "Path_", "SourceFile", "SourceMap",
           "compose_all", "decode", "load_bytes", "load_text"]


class _Loader(_BaseLoader):
    """The safe loader with a memoised tag resolver.

    libyaml parses in C but asks Python to resolve the tag of every scalar; keys
    and ids repeat across thousands of files, so remembering the answer per text
    saves a quarter of the composing time. Safe YAML has no path resolvers, so
    descending and ascending the tree have nothing to do.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR  # quoted: always a string
            tag = _RESOLVED.get(value)
            if tag is None:
                if len(_RESOLVED) >= 100_000:  # bounded: a long-lived process sees endless texts
                    _RESOLVED.clear()
                tag = _RESOLVED[value] = str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
            return tag
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _AliasLoader(Composer, _Loader):
    """PyYAML's composer over libyaml's events: each alias becomes an `AliasNode` where it was written."""

    def __init__(self, stream: str) -> None:
        _Loader.__init__(self, stream)
        Composer.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event: Any = self.peek_event()
            target: Any = super().compose_node(parent, index)
            return AliasNode(target, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def compose_all(text: str) -> Iterator[Node]:
    """The root node of every document of `text`."""
    loader = _AliasLoader(text) if "&" in text and _ANCHOR.search(text) else _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    finally:
        loader.dispose()


class Document:
    """One journeyc document: its plain data and the way back to positions.

    A check lets go of the data of a file of journeys once their model is
    built (`forget`, journeyc.workspace.forget): the rules read the model, and
    the data is made again from the file only when something asks for it.
    """

    __slots__ = ("source", "index", "_data", "smap", "_lines", "duplicates", "kind", "_again")

    def __init__(self, source: SourceFile, index: int, data: dict[str, Any], smap: SourceMap,
                 lines: dict[int, int] | None = None, duplicates: frozenset[Path_] = frozenset()) -> None:
        self.source, self.index, self.smap = source, index, smap
        #: paths of keys written twice in one mapping (JC002): their values are unknown to the rules
        self.duplicates = duplicates
        self._data: dict[str, Any] | None = data
        #: id() of each mapping of `data` -> the line it starts on: lines without recomposing the YAML
        self._lines: dict[int, int] | None = {} if lines is None else lines
        self.kind = str(data.get("kind"))
        self._again: Callable[[], tuple[dict[str, Any], dict[int, int]]] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._recall()
        assert self._data is not None
        return self._data

    @property
    def lines(self) -> dict[int, int]:
        if self._lines is None:
            self._recall()
        assert self._lines is not None
        return self._lines

    @lines.setter
    def lines(self, value: dict[int, int]) -> None:
        self._lines = value

    @property
    def held(self) -> bool:
        """Whether the data is in memory (False once forgotten, until it is asked for again)."""
        return self._data is not None

    def forget(self, again: Callable[[], tuple[dict[str, Any], dict[int, int]]]) -> None:
        """Let go of the data and its lines; `again` makes both again, equal to these, when they are asked for."""
        self._data, self._lines, self._again = None, None, again

    def _recall(self) -> None:
        assert self._again is not None, "data is forgotten with the way to make it again"
        self._data, self._lines = self._again()

    def position(self, path: Path_, *, key: bool = False) -> Position:
        return Position(self.source.path, self.smap.span(path, key=key))


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None
    #: the kind of each journeyc document that could not be read ("?" when even that is unknown)
    failed: list[str] = field(default_factory=list)
    #: True when the file held nothing journeyc reads (no journeyc document, no document that looks like one)
    foreign: bool = False


def _diag(code: str, path: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Position(path, span), hint)


def decode(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 (a BOM is allowed) or a JC005 at the line and column of the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    wide = header.utf16_or_32(raw)
    if wide is not None:
        return None, _diag("JC005", path, Span.point(1, 1), f"file is {wide}, not UTF-8", "save the file as UTF-8")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = split_lines(raw[: exc.start].decode("utf-8"))  # the bytes before the first bad one are valid
        line, col = len(before), len(before[-1]) + 1
        msg = f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        return None, _diag("JC005", path, Span.point(line, col), msg, "save the file as UTF-8")


def load_bytes(path: str, raw: bytes, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Load every journeyc document of one file; never raises on bad input."""
    if len(raw) > limits.max_file_bytes:
        msg = f"file is {len(raw):,} bytes, over the limit of {limits.max_file_bytes:,}"
        bad = _diag("JC005", path, Span.point(1, 1), msg, f"split the file, {raise_limit('max_file_bytes')}")
        return LoadResult(diagnostics=[bad], failed=[header.guess_kind(raw[:65536])])
    text, refusal = decode(path, raw)
    if text is None:
        assert refusal is not None
        return LoadResult(diagnostics=[refusal], failed=[header.guess_kind(raw[:65536])])
    return load_text(path, text, limits)


def load_text(path: str, text: str, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    source = SourceFile(path, text)
    result = LoadResult(source=source)
    try:
        for index, root in enumerate(compose_all(text)):
            if index >= limits.max_documents:
                msg = f"more than {limits.max_documents:,} documents in one file"
                result.diagnostics.append(_diag("JC005", path, node_span(root), msg,
                                                f"split the file, {raise_limit('max_documents')}"))
                result.failed.append("?")
                break
            _load_document(source, index, root, limits, result)
    # libyaml and PyYAML's composer raise only these two kinds of YAMLError while composing
    except yaml.MarkedYAMLError as exc:
        result.diagnostics.append(_syntax_error(path, exc, source.lines))
        result.failed.append(header.guess_kind(text.encode()))
    except yaml.reader.ReaderError as exc:
        result.diagnostics.append(_reader_error(path, text, exc))
        result.failed.append(header.guess_kind(text.encode()))
    except RecursionError:
        result.diagnostics.append(_too_deep(path, text, limits))
        result.failed.append(header.guess_kind(text.encode()))
    if result.diagnostics:
        lines = source.lines
        result.diagnostics = [_clamped(d, lines) for d in result.diagnostics]
    result.foreign = not result.documents and not result.diagnostics and not result.failed
    return result


def _clamped(d: Diagnostic, lines: list[str]) -> Diagnostic:
    span = clamp(d.position.span, lines)
    return d if span == d.position.span else Diagnostic(d.code, d.severity, d.message, Position(d.position.file, span),
                                                         d.hint)


def _reader_error(path: str, text: str, exc: yaml.reader.ReaderError) -> Diagnostic:
    """A character YAML does not allow (a control character, a BOM inside the text), at its own position."""
    index = exc.position
    if _BYTE_OFFSETS:
        index = len(text.encode("utf-8", "surrogatepass")[:index].decode("utf-8", "ignore"))
    before = split_lines(text[:index])
    code: int = exc.character  # libyaml gives the character's code point
    escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return _diag("JC001", path, Span.point(len(before), len(before[-1]) + 1),
                 f"YAML syntax error: {exc.reason} (U+{code:04X})",
                 f"remove it, or write it as {escape} inside a double-quoted string")


def _syntax_error(path: str, exc: yaml.MarkedYAMLError, lines: list[str]) -> Diagnostic:
    explained = yamlerrors.explain(exc, lines)
    if "maximum nesting depth" in (exc.problem or ""):  # libyaml's own cap on nesting
        return _diag("JC005", path, explained.span, "YAML nesting is too deep to parse", "flatten the document")
    return _diag("JC001", path, explained.span, explained.message, explained.hint)


def _too_deep(path: str, text: str, limits: Limits) -> Diagnostic:
    """Python ran out of stack on a deep document (the depth limit was raised): report its deepest node.

    The nodes are counted from the parser's events, which need no stack; the
    first node past the limit is the place when there is one, else the first
    node at the deepest level that Python could not read.
    """
    depth = deepest = 0
    span = Span.point(1, 1)
    try:
        loader = _Loader(text)
        try:
            while loader.check_event() and deepest <= limits.max_depth:
                event: Any = loader.get_event()
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    depth += 1
                    if depth > deepest:
                        mark: Any = event.start_mark
                        deepest, span = depth, Span.point(mark.line + 1, mark.column + 1)
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    depth -= 1
        finally:
            loader.dispose()
    except yaml.YAMLError:
        pass
    if deepest > limits.max_depth:
        return _diag("JC005", path, span, f"nesting deeper than {plural(limits.max_depth, 'level')}",
                     f"flatten the document, {raise_limit('max_depth')}")
    return _diag("JC005", path, span, f"nesting of {deepest} levels is deeper than journeyc can read",
                 "flatten the document")


def _load_document(source: SourceFile, index: int, root: Node, limits: Limits, result: LoadResult) -> None:
    if not isinstance(root, MappingNode):
        return  # a scalar or a list at the top: not a journeyc document
    verdict = header.judge(source.path, root)
    if verdict.foreign:
        return  # CI configuration, Kubernetes manifests...: ignored
    if verdict.diagnostic is not None:
        result.diagnostics.append(verdict.diagnostic)
        result.failed.append(verdict.kind)
        return
    converter = PlainData(source.path, limits)
    try:
        data = converter.build(root)
    except Refused as exc:
        result.diagnostics.append(_diag("JC005", source.path, node_span(exc.node), exc.message, exc.hint))
        result.failed.append(verdict.kind)
        return
    result.diagnostics.extend(converter.diagnostics)
    duplicates = _paths_of(data, converter.duplicated) if converter.duplicated else frozenset()
    result.documents.append(Document(source, index, data, SourceMap(source, index, compose_all), converter.lines(data),
                                     duplicates))


def _paths_of(data: Any, keys: list[tuple[dict[str, Any], str]]) -> frozenset[Path_]:
    """The paths of (mapping, key) pairs in `data`: a walk done only for the rare document with a duplicate key."""
    wanted: dict[int, list[str]] = {}
    for mapping, key in keys:
        wanted.setdefault(id(mapping), []).append(key)
    found: set[Path_] = set()
    todo: list[tuple[Any, Path_]] = [(data, ())]
    while todo:
        node, path = todo.pop()
        if isinstance(node, dict):
            found.update(path + (key,) for key in wanted.get(id(node), ()))
            todo.extend((value, path + (key,)) for key, value in node.items())
        elif isinstance(node, list):
            todo.extend((value, path + (i,)) for i, value in enumerate(node))
    return frozenset(found)
