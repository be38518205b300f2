"""One workspace file as the server keeps it: loaded, validated, its journeys built, its shape known.

The same steps as `workspace.load.load_workspace`, for one file at a time, so
that a keystroke re-reads only the file it changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from journeyc.diagnostics import Diagnostic, Severity
from journeyc.engine import display_path
from journeyc.lsp import scope
from journeyc.lsp.scope import Hit
from journeyc.workspace import header
from journeyc.workspace.config import CONFIG_FILE, Config
from journeyc.workspace.filepart import validated
from journeyc.workspace.load import read_file
from journeyc.workspace.loading import DEFAULT_LIMITS, Document, LoadResult, Path_, SourceFile, load_bytes
from journeyc.workspace.model import Journey, Ref
from journeyc.workspace.resolve import journey_from


@dataclass
class FileData:
    path: str                          # absolute
    shown: str                         # as diagnostics name it
    result: LoadResult | None          # None: nothing of journeyc's in it
    #: loading and schema diagnostics
    diagnostics: list[Diagnostic] = field(default_factory=list)
    invalid: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    unsure: dict[Document, frozenset[Path_]] = field(default_factory=dict)
    journeys: tuple[Journey, ...] = ()
    #: findings of the local rules about this file, and of the cross-journey rules located in it
    local: list[Hit] = field(default_factory=list)
    crossing: list[Hit] = field(default_factory=list)

    @property
    def shape(self) -> Any:
        """What the cross-journey rules may read of it (scope.shape), with its gaps; computed once, when asked."""
        if "_shape" not in self.__dict__:
            gaps = tuple((i, tuple(sorted(self.invalid.get(d, ()), key=repr)),
                          tuple(sorted(self.unsure.get(d, ()), key=repr)))
                         for i, d in enumerate(self.documents) if d in self.invalid or d in self.unsure)
            self.__dict__["_shape"] = (tuple((d.kind, scope.shape(d.kind, d.data)) for d in self.documents),
                                       tuple(self.failed), gaps)
        return self.__dict__["_shape"]

    @property
    def documents(self) -> list[Document]:
        return self.result.documents if self.result is not None else []

    @property
    def source(self) -> SourceFile | None:
        return self.result.source if self.result is not None else None

    @property
    def failed(self) -> list[str]:
        return self.result.failed if self.result is not None else []

    @property
    def kinds(self) -> set[str]:
        return {d.kind for d in self.documents} | set(self.failed)


def load(root: Path, path: str, raw: bytes | None, config: Config) -> FileData:
    """Read (unless `raw` is given), load and validate one file of the workspace at `root`."""
    shown = display_path(path)
    is_config = path == str(root / CONFIG_FILE)
    limits = DEFAULT_LIMITS if is_config else config.limits  # journeyc.yaml's own limits are not known yet
    if raw is None:
        raw, bad = read_file(path, shown, limits.max_file_bytes + 1)
        if raw is None:
            assert bad is not None
            failed = ["Config" if is_config else "?"]
            return _finish(FileData(path, shown, LoadResult(diagnostics=[bad], failed=failed)), root, is_config)
    raw = raw[:limits.max_file_bytes + 1]
    if not is_config and not header.maybe_ours(raw):  # journeyc.yaml is always read, as load_config reads it
        return FileData(path, shown, None)
    return _finish(FileData(path, shown, load_bytes(shown, raw, limits)), root, is_config)


def _finish(data: FileData, root: Path, is_config: bool) -> FileData:
    assert data.result is not None
    part = validated(data.result)   # what check gives the file: its schema findings and the parts left unjudged
    data.invalid.update(part.invalid)
    data.unsure.update(part.unsure)
    data.diagnostics = list(data.result.diagnostics) + part.schema
    data.diagnostics.extend(_second_configs(data.documents, root, is_config))
    data.journeys = tuple(journey_from(d.data, Ref(d)) for d in data.documents
                          if d.kind == "Journey" and isinstance(d.data.get("id"), str) and d.data["id"])
    return data


def _second_configs(documents: list[Document], root: Path, is_config: bool) -> list[Diagnostic]:
    """The Config documents that are not the workspace's (the first one of journeyc.yaml): errors."""
    configs = [d for d in documents if d.kind == "Config"][1 if is_config else 0:]
    where = display_path(root / CONFIG_FILE)
    return [Diagnostic("JC003", Severity.ERROR, f"a second Config document: the workspace's is in {where}",
                       doc.position(("kind",)), f"merge its settings into {where} and remove it") for doc in configs]


def carried(old: FileData | None, new: FileData) -> list[Hit]:
    """The last cross-journey findings of a file, moved to the same nodes of its new documents."""
    if old is None or len(old.documents) != len(new.documents):
        return []
    docs = {id(a): b for a, b in zip(old.documents, new.documents, strict=True)}
    out = []
    for hit in old.crossing:
        doc = docs.get(id(hit.finding.at.doc))
        if doc is not None and doc.kind == hit.finding.at.doc.kind:
            ref = hit.finding.at._replace(doc=doc)
            if not ref.path or ref.value() is not None:
                out.append(hit._replace(finding=replace(hit.finding, at=ref)))
    return out


def same_lines(old: FileData, new: FileData) -> bool:
    """The two texts have the same lines but for at most one: every node stays on its line."""
    a = old.source.lines if old.source is not None else []
    b = new.source.lines if new.source is not None else []
    if len(a) != len(b):
        return False
    return sum(1 for x, y in zip(a, b, strict=True) if x != y) <= 1
