"""Bytes -> YAML nodes -> plain data plus a source map, with input limits.

PyYAML composes the node tree (with libyaml's C parser when it is present); the
tree is kept so that any JSON-pointer path into the plain data can be turned back
into a file:line:col span. Nothing here raises on bad input: every problem is a
`Diagnostic` (JC001 syntax, JC002 duplicate key, JC003 apiVersion/kind, JC005
refused input).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeyc.diagnostics import Diagnostic, Position, Severity, Span

try:  # libyaml's parser is ~10x faster; the pure-Python one is a correct fallback
    from yaml import CSafeLoader as _BaseLoader
    _BYTE_OFFSETS = True  # libyaml gives reader errors at an offset into the UTF-8 text, not a character index
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]
    _BYTE_OFFSETS = False

API_VERSION = "journeyc/v1"
KINDS = ("Config", "Teams", "Vocabulary", "Journey")
Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_constructor = yaml.constructor.SafeConstructor()
_RESOLVED: dict[str, str] = {}


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


#: cheap pre-filter: a file that never says `journeyc/` cannot hold a journeyc document
JOURNEYC_MARK = re.compile(rb"journeyc/")
#: what ends a line for YAML (and so for PyYAML's and libyaml's marks): CR LF, LF, a lone CR, NEL, LS, PS
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` counted as YAML counts them, so that a mark's line indexes this list."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return LINE_BREAK.split(text)
    return text.split("\n")  # the common case, several times faster than the regular expression


def clamp(span: Span, lines: list[str]) -> Span:
    """`span` pulled back inside the text: libyaml puts the end of a stream that lacks a final line
    break on a line of its own, one past the last line."""
    last = (len(lines), len(lines[-1]) + 1)
    if (span.end_line, span.end_column) <= last:
        return span
    line, column = min((span.line, span.column), last)
    return Span(line, column, *last)


@dataclass(frozen=True)
class Limits:
    """Input limits (journeyc.yaml `limits:`); each refusal is a JC005 diagnostic."""

    max_file_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 10_000
    max_documents: int = 1_000
    max_string_length: int = 65_536


@dataclass(eq=False)
class SourceFile:
    """A file as read: the path shown to the user and its decoded text."""

    path: str
    text: str

    @property
    def lines(self) -> list[str]:
        cached: list[str] | None = self.__dict__.get("_lines")
        if cached is None:
            cached = split_lines(self.text)
            self.__dict__["_lines"] = cached
        return cached


def node_span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class SourceMap:
    """Turns a path into the plain data (e.g. ("stages", 2, "owner")) back into a span.

    The node tree is not kept: it is composed again, on the first lookup, from
    the file's text. Files without findings (nearly all of them) never pay for
    positions, and a workspace of thousands of files stays small in memory.
    """

    def __init__(self, source: SourceFile | None, index: int, root: Node | None = None) -> None:
        self.source, self.index, self._root = source, index, root

    @property
    def root(self) -> Node:
        if self._root is None:
            assert self.source is not None
            for i, node in enumerate(_compose_all(self.source.text)):
                if i == self.index:
                    self._root = node
                    break
        assert self._root is not None, "the document was loaded from this text"
        return self._root

    def node(self, path: Path_, *, key: bool = False) -> Node:
        """The node at `path` (its key node with `key=True`), or the deepest one found."""
        node, key_node = self.root, None
        for part in path:
            found = _child(node, part)
            if found is None:
                return key_node if key and key_node is not None else node
            key_node, node = found
        return key_node if key and key_node is not None else node

    def span(self, path: Path_, *, key: bool = False) -> Span:
        span = node_span(self.node(path, key=key))
        if self.source is None:
            return span
        lines = self.source.lines
        span = clamp(span, lines)
        if span.end_line == span.line:
            return span
        if span.end_line > len(lines) or lines[span.end_line - 1][: span.end_column - 1].strip():
            return span
        # a block collection ends where the next token starts: end it on its own last line instead
        end = span.end_line - 1
        while end > span.line and not lines[end - 1].strip():
            end -= 1
        return Span(span.line, span.column, end, len(lines[end - 1]) + 1)


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode) and isinstance(part, int):
        return (None, node.value[part]) if 0 <= part < len(node.value) else None
    if isinstance(node, MappingNode) and isinstance(part, str):
        merged: list[Node] = []
        for k, v in node.value:
            if k.tag == _MERGE:
                merged.extend(v.value if isinstance(v, SequenceNode) else [v])
            elif isinstance(k, ScalarNode) and k.value == part:
                return k, v
        for m in merged:
            if (found := _child(m, part)) is not None:
                return found
    return None


@dataclass(eq=False)
class Document:
    """One journeyc document: its plain data and the way back to positions."""

    source: SourceFile
    index: int
    data: dict[str, Any]
    smap: SourceMap
    #: id() of each mapping of `data` -> the line it starts on: lines without recomposing the YAML
    lines: dict[int, int] = field(default_factory=dict)
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        self.kind = str(self.data.get("kind"))

    def position(self, path: Path_, *, key: bool = False) -> Position:
        return Position(self.source.path, self.smap.span(path, key=key))


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None


class _Refused(Exception):
    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node, self.message = node, message


def _diag(code: str, path: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Position(path, span), hint)


def decode(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 (a BOM is allowed) or a JC005 at the line and column of the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = split_lines(raw[: exc.start].decode("utf-8"))  # the bytes before the first bad one are valid
        line, col = len(before), len(before[-1]) + 1
        msg = f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        return None, _diag("JC005", path, Span.point(line, col), msg, "save the file as UTF-8")


def load_bytes(path: str, raw: bytes, limits: Limits = Limits()) -> LoadResult:
    """Load every journeyc document of one file; never raises on bad input."""
    result = LoadResult()
    if len(raw) > limits.max_file_bytes:
        msg = f"file is {len(raw):,} bytes, over the limit of {limits.max_file_bytes:,}"
        hint = "split it, or raise limits.max_file_bytes"
        result.diagnostics.append(_diag("JC005", path, Span.point(1, 1), msg, hint))
        return result
    text, bad = decode(path, raw)
    if text is None:
        result.diagnostics.append(bad)  # type: ignore[arg-type]
        return result
    return load_text(path, text, limits)


def load_text(path: str, text: str, limits: Limits = Limits()) -> LoadResult:
    source = SourceFile(path, text)
    result = LoadResult(source=source)
    try:
        for index, root in enumerate(_compose_all(text)):
            if index >= limits.max_documents:
                msg = f"more than {limits.max_documents:,} documents in one file"
                result.diagnostics.append(_diag("JC005", path, node_span(root), msg, "split the file"))
                break
            _load_document(source, index, root, limits, result)
    except yaml.MarkedYAMLError as exc:
        result.diagnostics.append(_syntax_error(path, exc))
    except yaml.reader.ReaderError as exc:
        result.diagnostics.append(_reader_error(path, text, exc))
    except yaml.YAMLError as exc:  # errors without a mark (rare: reader errors on odd input)
        result.diagnostics.append(_diag("JC001", path, Span.point(1, 1), f"YAML syntax error: {exc}"))
    except RecursionError:
        msg = "YAML nesting is too deep to parse"
        result.diagnostics.append(_diag("JC005", path, Span.point(1, 1), msg))
    if result.diagnostics:
        lines = source.lines
        result.diagnostics = [_clamped(d, lines) for d in result.diagnostics]
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
    code = exc.character if isinstance(exc.character, int) else 0xFFFD  # an int for text input
    escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return _diag("JC001", path, Span.point(len(before), len(before[-1]) + 1),
                 f"YAML syntax error: {exc.reason} (U+{code:04X})",
                 f"remove it, or write it as {escape} inside a double-quoted string")


def _compose_all(text: str) -> Iterator[Node]:
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    finally:
        loader.dispose()


def _syntax_error(path: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span.point(mark.line + 1, mark.column + 1) if mark else Span.point(1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if "maximum nesting depth" in problem:  # libyaml's own cap on nesting
        return _diag("JC005", path, span, "YAML nesting is too deep to parse", "flatten the document")
    if exc.context and exc.problem:
        problem = f"{problem} ({exc.context.strip()})"
    return _diag("JC001", path, span, f"YAML syntax error: {problem}")


def _load_document(source: SourceFile, index: int, root: Node, limits: Limits, result: LoadResult) -> None:
    if not isinstance(root, MappingNode) or not _mentions_api_version(root):
        return  # not a journeyc document (CI config, Kubernetes manifests...): ignored
    builder = _Builder(source.path, limits)
    try:
        data = builder.build(root, 0, None)
    except _Refused as exc:
        result.diagnostics.append(_diag("JC005", source.path, node_span(exc.node), exc.message,
                                        "simplify the document or raise the limit in journeyc.yaml `limits:`"))
        return
    result.diagnostics.extend(builder.diagnostics)
    doc = Document(source, index, data, SourceMap(source, index), builder.lines)
    if _check_header(doc, result):
        result.documents.append(doc)


def _mentions_api_version(root: MappingNode) -> bool:
    return any(isinstance(k, ScalarNode) and k.value == "apiVersion" for k, _ in root.value)


def _check_header(doc: Document, result: LoadResult) -> bool:
    version, kind = doc.data.get("apiVersion"), doc.data.get("kind")
    if version != API_VERSION:
        if isinstance(version, str) and version.startswith("journeyc/"):
            msg = f"unknown apiVersion {version!r}"
            result.diagnostics.append(_diag("JC003", doc.source.path, doc.smap.span(("apiVersion",)), msg,
                                            f"this version of journeyc reads {API_VERSION}"))
        return False
    if kind not in KINDS:
        where = ("kind",) if "kind" in doc.data else ()
        msg = f"unknown kind {kind!r}" if kind is not None else "document has no kind"
        result.diagnostics.append(_diag("JC003", doc.source.path, doc.smap.span(where, key=not where), msg,
                                        "kind is one of " + ", ".join(KINDS)))
        return False
    return True


class _Builder:
    """Builds plain data from a node tree, enforcing limits and finding duplicate keys."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path, self.limits = path, limits
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0
        self.parent: Node | None = None
        self.lines: dict[int, int] = {}

    def build(self, node: Node, depth: int, site: Node | None) -> Any:
        """Plain data for `node`; `site` is the container an alias was expanded in (None outside aliases)."""
        if node.__class__ is ScalarNode:
            return self._scalar(node, site)
        if depth >= self.limits.max_depth:
            raise _Refused(node, f"nesting deeper than {self.limits.max_depth} levels")
        key = id(node)
        if key in self.active:
            raise _Refused(node, "recursive alias: a node contains itself")
        if key in self.seen and site is None:
            site = self.parent  # the alias stands in the container being built
        self.seen.add(key)
        if site is not None:
            self._count(site)
        self.active.add(key)
        parent, self.parent = self.parent, node
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, depth + 1, site) for item in node.value]
            return self._mapping(node, depth, site)  # type: ignore[arg-type]
        finally:
            self.active.discard(key)
            self.parent = parent

    def _count(self, site: Node) -> None:
        self.expanded += 1
        if self.expanded > self.limits.max_alias_nodes:
            raise _Refused(site, f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes")

    def _scalar(self, node: ScalarNode, site: Node | None) -> Any:
        if site is not None:
            self._count(site)
        value = node.value
        if len(value) > self.limits.max_string_length:
            limit = self.limits.max_string_length
            raise _Refused(node, f"string of {len(value):,} characters, over the limit of {limit:,}")
        if node.tag == _STR or node.tag not in _PLAIN_TAGS:
            return value  # timestamps, binary and custom tags stay as the text that was written
        try:
            return _constructor.construct_object(node)
        except (ValueError, IndexError, KeyError, yaml.YAMLError):  # an int over Python's digit limit, `!!int ""`
            return value

    def _mapping(self, node: MappingNode, depth: int, site: Node | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.lines[id(out)] = node.start_mark.line + 1
        first: dict[str, Node] = {}
        merged: list[dict[str, Any]] = []
        for k, v in node.value:
            if k.tag == _MERGE:
                merged.extend(self._merge_sources(v, depth, site))
                continue
            if not isinstance(k, ScalarNode):
                self.diagnostics.append(_diag("JC004", self.path, node_span(k), "mapping keys must be plain text"))
                continue
            name = k.value
            if name in first:
                line = first[name].start_mark.line + 1
                msg = f"duplicate key {name!r} (first defined on line {line})"
                self.diagnostics.append(_diag("JC002", self.path, node_span(k), msg,
                                              "YAML keeps only one of the two values: remove or rename one"))
                continue
            first[name] = k
            out[name] = self.build(v, depth + 1, site)
        for extra in merged:  # explicit keys win over merged ones, as YAML specifies
            for name, value in extra.items():
                out.setdefault(name, value)
        return out

    def _merge_sources(self, node: Node, depth: int, site: Node | None) -> list[dict[str, Any]]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        out = []
        for item in items:
            value = self.build(item, depth + 1, site)
            if isinstance(value, dict):
                out.append(value)
            else:
                self.diagnostics.append(_diag("JC004", self.path, node_span(item), "a merge key (<<) takes a mapping"))
        return out
