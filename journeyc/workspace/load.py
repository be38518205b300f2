"""A workspace directory -> the typed workspace, with every diagnostic found on the way and what it could not read.

The root is the nearest directory holding journeyc.yaml, from the path given
(not from where a link points) upwards; without one, there is no workspace and
journeyc stops. Every YAML file below the root is read in full unless a cheap
look at its bytes is certain it holds nothing of journeyc's: the rules that
compare journeys (duplicate ids, the CRMs' org-wide values) need all of them,
so a check of one file judges it exactly as a check of the whole workspace.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.errors import JourneycError
from journeyc.fileio import read_limited
from journeyc.workspace import forget, header
from journeyc.workspace.config import CONFIG_FILE, Config, config_from
from journeyc.workspace.discovery import YAML_SUFFIXES, discover
from journeyc.workspace.filepart import FileResult, Judge, judge_file, validated
from journeyc.workspace.loading import Document, LoadResult, SourceFile, load_bytes
from journeyc.workspace.model import Gaps, Journey, Workspace
from journeyc.workspace.resolve import build_workspace
from journeyc.workspace.sourcemap import Path_


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


@dataclass
class Loaded:
    root: Path
    config: Config
    workspace: Workspace
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    #: files named on the command line that hold no journeyc document: (shown path, why not checked)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: the Config document of journeyc.yaml, when it has one
    config_document: Document | None = None
    #: shown path -> the kinds of the documents read (or that failed to load) in that file
    kinds: dict[str, set[str]] = field(default_factory=dict)


def find_root(start: Path) -> Path:
    """The nearest directory from `start` upwards that holds journeyc.yaml, as the path was given.

    A link is not followed to find the root: a file is judged in the workspace
    it is named in. No journeyc.yaml anywhere above is journeyc's own failure.
    """
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    raise JourneycError(f"no {CONFIG_FILE} in {here} or any directory above it: not a journeyc workspace"
                        " (run `journeyc init` to create one)")


def display_path(path: Path | str, cwd: str | None = None) -> str:
    """Paths as users see them: relative to the current directory, with `/`."""
    here = os.path.abspath(cwd) if cwd else os.getcwd()
    text = os.fspath(path)
    # a plain absolute path (every file a walk finds; a warm check shows a thousand): relpath's answer from its
    # folder's, which is asked once per folder, and under the directory by cutting it off (relpath: 8.7 us)
    if os.path.isabs(text) and os.path.normpath(text) == text and not (here + os.sep).startswith(text + os.sep):
        if text.startswith(here) and text[len(here):len(here) + 1] == os.sep:
            return text[len(here) + 1:].replace(os.sep, "/")
        folder, name = os.path.split(text)
        if name:  # not the root
            above = _relative_folder(folder, here)
            return name if above == "." else f"{above}/{name}"
    try:
        rel = os.path.relpath(text, here)
    except ValueError:  # another drive on Windows
        rel = text
    return rel.replace(os.sep, "/")


@lru_cache(maxsize=1024)
def _relative_folder(folder: str, here: str) -> str:
    try:
        return os.path.relpath(folder, here).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return folder.replace(os.sep, "/")


def refused(path: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic("JC005", Severity.ERROR, message, Position(path, Span.point(1, 1)), hint)


def read_file(path: str, shown: str, most: int) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a file, or a JC005 that says why they cannot be read (never an exception)."""
    try:
        return read_limited(path, most), None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        return None, refused(shown, f"cannot read the file: {why}", "check its permissions, or remove it")


def load_config(root: Path, overrides: Mapping[str, bytes] | None = None) -> tuple[Config, LoadResult | None]:
    path = root / CONFIG_FILE
    shown = display_path(path)
    raw, bad = _read(str(path), shown, Config().limits.max_file_bytes + 1, overrides)  # its own limits: not yet known
    if raw is None:
        return Config(), LoadResult(diagnostics=[bad] if bad else [], failed=["Config"])
    result = load_bytes(shown, raw)
    data = next((d.data for d in result.documents if d.kind == "Config"), None)
    return config_from(data), result


class _Modelled(list[Journey]):
    """The journeys modelled while loading, and the documents they come from (their data let go)."""

    def __init__(self, keep: int) -> None:
        super().__init__()
        self.documents: set[Document] = set()
        #: bytes of files that could let go but are kept (forget.KEEP_BYTES)
        self.kept, self.keep = 0, keep


@dataclass
class _Files:
    """What the walk over the workspace's files gathers."""

    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    schema: list[Diagnostic] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    invalid: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    unsure: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, set[str]] = field(default_factory=dict)


def load_workspace(target: Path, *, named: Sequence[Path] = (), config: Config | None = None,
                   overrides: Mapping[str, bytes] | None = None, judge: Judge = judge_file,
                   forget_texts: bool = False) -> Loaded:
    """Load the workspace around `target`.

    `named`: files given on the command line, loaded even where discovery does
    not look (a hidden directory) and reported when they hold nothing of ours.
    `overrides`: contents by absolute path that stand for what is on disk (an
    editor's unsaved buffers, fixes not written yet) for the files it finds.
    `judge`: what turns a file's bytes into its part (a cache passes its own).
    `forget_texts`: let go of the texts and the data a check does not need (journeyc.workspace.forget).
    """
    root = find_root(target)
    cfg, cfg_result = load_config(root, overrides)
    config = config or cfg
    files = _Files()
    modelled = _Modelled(forget.KEEP_BYTES) if forget_texts else None
    named_set = {os.path.abspath(p) for p in named}
    here = os.getcwd()
    files.skipped.extend((display_path(p, here), "not a regular file") for p in named if not os.path.isfile(p))
    for path in _paths(root, config, named):
        shown = display_path(path, here)
        if cfg_result is not None and path == str(root / CONFIG_FILE):
            found: FileResult | None = validated(cfg_result)
        else:
            found = _load_file(path, shown, config, judge, overrides, modelled)
        if found is not None:
            _gather(found, files)
            kinds = {d.kind for d in found.loaded.documents} | set(found.loaded.failed)
            if kinds:
                files.kinds[shown] = kinds
        if path in named_set and (found is None or found.loaded.foreign) and path != str(root / CONFIG_FILE):
            files.skipped.append((shown, "not a journeyc document"))
    gaps = Gaps(frozenset(files.failed), files.invalid, files.unsure)
    workspace = build_workspace(str(root), files.documents, modelled or [], gaps,
                                modelled.documents if modelled is not None else ())
    diagnostics = files.diagnostics + files.schema + _second_configs(files.documents, root)
    config_document = next((d for d in cfg_result.documents if d.kind == "Config"), None) if cfg_result else None
    return Loaded(root, config, workspace, diagnostics, files.sources, files.skipped, config_document,
                  files.kinds)


def _paths(root: Path, config: Config, named: Sequence[Path]) -> list[str]:
    out_dir = (root / config.out) if config.out else None
    paths = [str(p) for p in discover(root, exclude=(out_dir,) if out_dir else ())]
    found = set(paths)
    for p in named:  # a FIFO or a device named *.yaml would block or never end: regular files only
        absolute = os.path.abspath(p)
        if absolute not in found and absolute.endswith(YAML_SUFFIXES) and os.path.isfile(absolute):
            paths.append(absolute)
            found.add(absolute)
    return paths


def _read(path: str, shown: str, most: int, overrides: Mapping[str, bytes] | None) -> tuple[bytes | None,
                                                                                         Diagnostic | None]:
    if overrides is not None and path in overrides:
        return overrides[path][:most], None
    return read_file(path, shown, most)


def _load_file(path: str, shown: str, config: Config, judge: Judge, overrides: Mapping[str, bytes] | None = None,
               modelled: _Modelled | None = None) -> FileResult | None:
    """What a file contributes (None: certainly nothing of journeyc's); with `modelled`, a file that needs
    neither its text nor its data once modelled has its journeys added there and lets both go."""
    most = config.limits.max_file_bytes + 1
    raw, bad = _read(path, shown, most, overrides)
    if raw is None:
        assert bad is not None
        return FileResult(LoadResult(diagnostics=[bad], failed=["?"]))
    if not header.maybe_ours(raw):
        return None  # certainly nothing of journeyc's: CI configuration and the like
    found = judge(shown, raw, config.limits)
    if modelled is not None and forget.needless(found, raw):
        if modelled.kept + len(raw) <= modelled.keep:
            modelled.kept += len(raw)
            return found
        modelled.extend(forget.forget(found, raw, lambda: _read(path, shown, most, overrides)[0], config.limits))
        modelled.documents.update(found.loaded.documents)
    return found


def _gather(found: FileResult, files: _Files) -> None:
    result = found.loaded
    files.diagnostics.extend(result.diagnostics)
    files.schema.extend(found.schema)
    files.failed.extend(result.failed)
    files.documents.extend(result.documents)
    files.invalid.update(found.invalid)
    files.unsure.update(found.unsure)
    if result.source is not None:
        files.sources[result.source.path] = result.source


def _second_configs(documents: list[Document], root: Path) -> list[Diagnostic]:
    """journeyc.yaml's first document is the workspace's Config; any other is an error, not ignored."""
    configs = [d for d in documents if d.kind == "Config"]
    first = next((d for d in configs if os.path.abspath(d.source.path) == str(root / CONFIG_FILE)), None)
    out = []
    for doc in configs:
        if doc is not first:
            where = display_path(root / CONFIG_FILE)
            out.append(Diagnostic("JC003", Severity.ERROR, f"a second Config document: the workspace's is in {where}",
                                  doc.position(("kind",)), f"merge its settings into {where} and remove it"))
    return out
