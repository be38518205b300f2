"""load -> validate -> model -> rules: returns results, prints nothing.

`load_workspace` gives the typed workspace with every diagnostic found on the
way; `check` adds the rule selection, suppressions and the pre-commit semantics
(report only on the files asked for, DESIGN §3).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import ScalarNode

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.errors import JourneycError
from journeyc.fileio import read_limited
from journeyc.rules import RULES
from journeyc.rules.base import Context
from journeyc.workspace import scan, suppress
from journeyc.workspace.config import CONFIG_FILE, Config, RuleSelection, config_from
from journeyc.workspace.discovery import YAML_SUFFIXES, discover, find_root
from journeyc.workspace.loading import JOURNEYC_MARK, Document, LoadResult, SourceFile, SourceMap, load_bytes
from journeyc.workspace.model import Finding, Journey, Ref, Workspace
from journeyc.workspace.resolve import build_workspace
from journeyc.workspace.schema import validate


@dataclass
class Loaded:
    root: Path
    config: Config
    workspace: Workspace
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int
    loaded: Loaded | None = None

    def count(self, severity: Severity) -> int:
        return sum(d.severity == severity for d in self.diagnostics)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        return 1 if any(d.severity >= fail_on for d in self.diagnostics) else 0


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Paths as users see them: relative to the current directory, with `/`."""
    try:
        rel = os.path.relpath(path, cwd or Path.cwd())
    except ValueError:  # another drive on Windows
        rel = str(path)
    return rel.replace(os.sep, "/")


# --- loading -------------------------------------------------------------------



def _read(path: Path, most: int) -> bytes:
    try:
        return read_limited(str(path), most)
    except OSError as exc:
        raise JourneycError(f"cannot read {path}: {exc.strerror or exc}") from None


def load_config(root: Path) -> tuple[Config, LoadResult | None]:
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config(), None
    # its own limits are not known yet: the default size limit applies, and a huge file is never read whole
    result = load_bytes(display_path(path), _read(path, Config().limits.max_file_bytes + 1))
    data = next((d.data for d in result.documents if d.kind == "Config"), None)
    return config_from(data), result


def load_workspace(target: Path, *, focus: Sequence[Path] = (), include: Sequence[Path] = (),
                   config: Config | None = None) -> Loaded:
    """Load the workspace around `target`. With `focus` (files), other journeys are only scanned for ids.

    `include` names files to load even where discovery does not look (a hidden directory).
    """
    with paused_gc():
        return _load_workspace(target, focus, include, config)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    A workspace is millions of small acyclic objects; the collector would walk
    them again and again (a third of the load time, half of the rules' time on
    1,000 journeys) and find nothing to free. Reference counting still frees
    everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_workspace(target: Path, focus: Sequence[Path], include: Sequence[Path], config: Config | None) -> Loaded:
    root = find_root(target)
    cfg, cfg_result = load_config(root)
    config = config or cfg
    out_dir = (root / config.out) if config.out else None
    focus_set = {os.path.realpath(p) for p in focus}
    diagnostics: list[Diagnostic] = []
    documents: list[Document] = []
    scanned: list[tuple[str, int, str, int]] = []  # (file, document, journey id, line) of context-only files
    sources: dict[str, SourceFile] = {}
    cwd, config_path = os.getcwd(), str(root / CONFIG_FILE)
    paths = [str(p) for p in discover(root, exclude=(out_dir,) if out_dir else ())]
    # a FIFO or a device named *.yaml would block or never end: regular files only
    extra = {os.path.realpath(p) for p in include}.difference(paths)
    paths += sorted(p for p in extra if p.endswith(YAML_SUFFIXES) and os.path.isfile(p))
    for path in paths:
        shown = path[len(cwd) + 1:] if path.startswith(cwd + os.sep) else os.path.relpath(path, cwd)
        shown = shown.replace(os.sep, "/")
        if cfg_result is not None and path == config_path:
            result: LoadResult | None = cfg_result
        else:
            result = _load_file(path, shown, config, light=bool(focus_set) and path not in focus_set, scanned=scanned)
        if result is None:
            continue
        diagnostics.extend(result.diagnostics)
        if result.source is not None:
            sources[result.source.path] = result.source
        for doc in result.documents:
            documents.append(doc)
            diagnostics.extend(_to_diagnostic("JC004", Severity.ERROR, f) for f in validate(doc))
    # only a scanned journey that shares an id with a loaded one can matter (JC101 in a checked file)
    ids = {d.data.get("id") for d in documents if d.kind == "Journey" and isinstance(d.data.get("id"), str)}
    stubs = [_stub(*found) for found in scanned if found[2] in ids]
    workspace = build_workspace(str(root), documents, stubs)
    return Loaded(root, config, workspace, diagnostics, sources)


def _load_file(path: str, shown: str, config: Config, *, light: bool,
               scanned: list[tuple[str, int, str, int]]) -> LoadResult | None:
    try:
        raw = read_limited(path, config.limits.max_file_bytes + 1)
    except OSError as exc:
        raise JourneycError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if not JOURNEYC_MARK.search(raw, 0, 65536):
        return None  # not a journeyc file: CI configuration and the like
    if light:
        context, journeys = scan.summary(raw)
        if not context:
            scanned.extend((shown, index, jid, line) for index, jid, line in journeys)
            return None
    return load_bytes(shown, raw, config.limits)


def _stub(shown: str, index: int, jid: str, line: int) -> Journey:
    """A journey of a context-only file: its id and line, found by a scan, not parsed (DESIGN §3)."""
    doc = Document(SourceFile(shown, ""), index, {"kind": "Journey", "id": jid}, _StubMap(line))
    return Journey(jid, jid, None, None, (), (), (), (), Ref(doc), complete=False)


class _StubMap(SourceMap):
    def __init__(self, line: int) -> None:
        self.line = line

    def span(self, path: tuple[str | int, ...], *, key: bool = False) -> Span:
        return Span.point(self.line, 1)


# --- findings -> diagnostics ---------------------------------------------------


def _to_diagnostic(code: str, severity: Severity, finding: Finding) -> Diagnostic:
    ref = finding.at
    span = ref.doc.smap.span(ref.path, key=finding.key)
    if finding.offset is not None:
        span = _span_inside(ref, span, finding.offset, finding.length) or span
    return Diagnostic(code, severity, finding.message, Position(ref.file, span), finding.hint)


def _span_inside(ref: Ref, span: Span, offset: int, length: int) -> Span | None:
    """The span of `value[offset:offset+length]` in the source, for text written on one line or many."""
    node = ref.doc.smap.node(ref.path)
    if not isinstance(node, ScalarNode):
        return None
    value, lines = node.value, ref.doc.source.lines
    if span.line == span.end_line and node.style in (None, "'", '"'):
        col = span.column + (0 if node.style is None else 1)
        text = lines[span.line - 1]
        if text[col - 1 : col - 1 + len(value)] == value:
            return Span(span.line, col + offset, span.line, col + offset + length)
    word = value[offset : offset + length].lower()
    nth = value[:offset].lower().count(word)
    raw = "\n".join(lines[span.line - 1 : span.end_line])
    start = span.column - 1
    for _ in range(nth + 1):
        start = raw.lower().find(word, start if _ == 0 else start + 1)
        if start < 0:
            return None
    line = span.line + raw.count("\n", 0, start)
    col = start - (raw.rfind("\n", 0, start) + 1) + 1
    return Span(line, col, line, col + length)


def _scope_line(ref: Ref) -> int | None:
    """The line opening the stage, term or team that a finding sits in (for suppressions)."""
    if len(ref.path) >= 2 and ref.path[0] in ("stages", "terms", "teams") and isinstance(ref.path[1], int):
        return ref.doc.smap.span(ref.path[:2]).line
    return None


def run_rules(loaded: Loaded, selection: RuleSelection,
              targets: Sequence[str] | None = None) -> list[tuple[Diagnostic, int | None]]:
    """Every enabled rule's diagnostics; CRM rules judge `targets` (default: the config's build targets)."""
    context = Context(frozenset(loaded.config.targets if targets is None else targets))
    out = []
    for rule in RULES.values():
        if rule.check is None or not selection.enabled(rule.code):
            continue
        severity = selection.severity_of(rule.code, rule.severity)
        for finding in rule.check(loaded.workspace, context):
            out.append((_to_diagnostic(rule.code, severity, finding), _scope_line(finding.at)))
    return out


# --- check ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    #: the build targets whose CRM limits apply (None: `build.targets` of journeyc.yaml); `build --target X` sets it
    targets: tuple[str, ...] | None = None


def check(paths: Sequence[Path], options: CheckOptions = CheckOptions()) -> CheckResult:
    """Check the workspaces around `paths`, reporting only what is located in them."""
    paths = list(paths) or [Path.cwd()]
    for p in paths:
        if not p.exists():
            raise JourneycError(f"no such file or directory: {p}")
    groups: dict[Path, list[Path]] = {}
    for p in paths:
        groups.setdefault(find_root(p), []).append(p.resolve())
    diagnostics: list[Diagnostic] = []
    files: set[str] = set()
    loaded = None
    with paused_gc():
        for root, targets in groups.items():
            loaded, found, shown = _check_one(root, targets, options)
            diagnostics.extend(found)
            files |= shown
    diagnostics.sort(key=Diagnostic.sort_key)
    return CheckResult(diagnostics, len(files), loaded)


def _check_one(root: Path, targets: list[Path], options: CheckOptions) -> tuple[Loaded, list[Diagnostic], set[str]]:
    only_files = all(t.is_file() for t in targets)
    focus = targets if only_files and not any(_is_context(t) for t in targets) else ()
    loaded = load_workspace(root, focus=focus, include=[t for t in targets if t.is_file()])
    selection = loaded.config.rules.override(options.select, options.ignore, options.severity)
    wanted = _reported(targets, only_files)
    pairs = [(d, None) for d in loaded.diagnostics] + run_rules(loaded, selection, options.targets)
    out: list[Diagnostic] = []
    suppressions = {path: suppress.parse(src) for path, src in loaded.sources.items() if wanted(path)}
    for diag, scope in pairs:
        path = diag.position.file
        if not wanted(path) or not selection.enabled(diag.code):
            continue
        diag = diag.with_severity(selection.severity_of(diag.code, diag.severity))
        marks = suppressions.get(path, {})
        if any(s.silences(diag.code) for s in (marks.get(diag.position.line), marks.get(scope or 0)) if s):
            continue
        out.append(diag)
    if selection.enabled("JC006"):
        for path, marks in suppressions.items():
            severity = selection.severity_of("JC006", Severity.INFO)
            out.extend(d.with_severity(severity) for d in suppress.unused(path, marks))
    return loaded, _dedupe(out), {p for p in loaded.sources if wanted(p)}


def _is_context(path: Path) -> bool:
    try:
        head = read_limited(str(path), 1_000_000)
    except OSError:
        return False
    return path.name == CONFIG_FILE or scan.summary(head)[0]


def _reported(targets: Iterable[Path], only_files: bool) -> Callable[[str], bool]:
    """Which displayed paths the user asked about: the files given, or anything below the dirs given."""
    chosen = [os.path.abspath(t) for t in targets]
    if only_files:
        names = set(chosen)
        return lambda path: os.path.abspath(path) in names
    dirs = [c.rstrip(os.sep) + os.sep for c in chosen]
    return lambda path: os.path.abspath(path).startswith(tuple(dirs))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for d in diags:
        key = (d.code, d.position, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
