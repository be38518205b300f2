"""One workspace in memory: its files, model and findings, recomputed where a change reaches.

What a change costs (issue 16): a change to a file re-reads that file only
and runs the local rules (scope.LOCAL) on the teams, the vocabulary and that
file's journeys, at once. The cross-journey findings in the file are carried
over to their nodes in the new text; when the file's shape or lines moved,
the cross-journey rules are marked `stale`, and when it is a Teams or
Vocabulary file, or what the workspace cannot read (its gaps) changed, every
rule is: the server runs them again on the whole model once typing pauses
(`rerun`, in a worker thread, then `take`), and the other files' diagnostics
follow. A change to journeyc.yaml or the baseline reloads everything. Each
file's diagnostics are what `journeyc check .` reports for it: `_settle` goes
through the engine's own selection, suppression and baseline steps.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from journeyc import engine
from journeyc.diagnostics import Diagnostic
from journeyc.lsp import files as loading
from journeyc.lsp import report, scope
from journeyc.lsp.baselined import Screen
from journeyc.lsp.files import FileData
from journeyc.lsp.scope import Hit
from journeyc.workspace.config import CONFIG_FILE, Config, config_from
from journeyc.workspace.discovery import YAML_SUFFIXES, discover
from journeyc.workspace.model import Gaps, Journey, Workspace
from journeyc.workspace.resolve import build_workspace


class Session:
    def __init__(self, root: Path, buffers: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self.config_path = str(root / CONFIG_FILE)
        #: open documents: absolute path -> their current content (the truth for those files)
        self.buffers: dict[str, bytes] = dict(buffers or {})
        self.files: dict[str, FileData] = {}
        #: the last version of each file that held documents (completion needs one while the text is broken)
        self.good: dict[str, FileData] = {}
        self.results: dict[str, list[Diagnostic]] = {}
        #: the rules whose findings a change may have moved in other files: run again once typing pauses
        self.stale: frozenset[str] = frozenset()
        #: counts the changes taken in: findings computed on an older model are not taken in
        self.generation = 0
        self.screen = Screen(root, None)
        self.reload()

    # --- the model --------------------------------------------------------------------------------------

    def reload(self) -> set[str]:
        """Read every file again (the open ones from their buffers) and recompute everything."""
        self.generation += 1
        with engine.paused_gc():
            return self._reload()

    def _reload(self) -> set[str]:
        config_file = loading.load(self.root, self.config_path, self.buffers.get(self.config_path), Config())
        first = next((d for d in config_file.documents if d.kind == "Config"), None)
        self.config = config_from(first.data if first is not None else None)
        self.config_document = first
        self.selection = self.config.rules
        self.targets = frozenset(self.config.targets)
        out_dir = self.root / self.config.out if self.config.out else None
        paths = [str(p) for p in discover(self.root, exclude=(out_dir,) if out_dir else ())]
        paths += sorted(p for p in self.buffers if p not in paths and self.reads(p))  # open, but hidden from discovery
        self.files = {p: config_file if p == self.config_path else
                      loading.load(self.root, p, self.buffers.get(p), self.config) for p in paths}
        self.good = {p: f for p, f in self.files.items() if f.documents}
        self.screen = Screen.load(self.root, self.config.baseline, self.selection)
        return self._recompute()

    def reads(self, path: str) -> bool:
        """Whether a file belongs here: a YAML file below the root, outside the build output."""
        if os.path.relpath(path, self.root).startswith("..") or not path.endswith(YAML_SUFFIXES):
            return False
        if self.config.out and not os.path.relpath(path, self.root / self.config.out).startswith(".."):
            return False
        return path in self.buffers or os.path.isfile(path)

    def workspace(self, journeys: Iterable[Journey] | None = None) -> Workspace:
        """The model (with only `journeys` when given: what the local rules judge one journey on)."""
        if journeys is None:
            journeys = sorted((j for f in self.files.values() for j in f.journeys),
                              key=lambda j: (j.ref.file, j.ref.doc.index))
        return Workspace(str(self.root), self._context.teams, self._context.terms, tuple(journeys), self._documents,
                         self._gaps)

    def _model(self) -> None:
        """The parts every rule shares: the documents, the teams and terms, the gaps."""
        self._documents = tuple(d for f in self.files.values() for d in f.documents)
        self._context = build_workspace(str(self.root), (d for d in self._documents if d.kind != "Journey"))
        invalid = {d: p for f in self.files.values() for d, p in f.invalid.items()}
        unsure = {d: p for f in self.files.values() for d, p in f.unsure.items()}
        self._gaps = Gaps(frozenset(k for f in self.files.values() for k in f.failed), invalid, unsure)

    def _signature(self) -> tuple[object, ...]:
        """What every local rule may read of the whole workspace besides teams and terms: its gaps at large."""
        return (self._gaps.failed, self._gaps.usage_unknown)

    def _recompute(self) -> set[str]:
        """Every rule on the whole model; returns the files whose diagnostics changed."""
        self._model()
        self.stale = frozenset()
        by_file: dict[str, list[Hit]] = {}
        for hit in scope.hits(self.workspace(), scope.LOCAL | scope.crossing(), self.selection, self.targets):
            by_file.setdefault(hit.finding.at.file, []).append(hit)
        for f in self.files.values():
            found = by_file.get(f.shown, [])
            f.local = [h for h in found if h.rule.code in scope.LOCAL]
            f.crossing = [h for h in found if h.rule.code not in scope.LOCAL]
        return self._settle_all()

    # --- changes ----------------------------------------------------------------------------------------

    def cheap(self, path: str) -> bool:
        """Whether a change to `path` is taken in at once: not journeyc.yaml or the baseline (they reload all)."""
        return path != self.config_path and (self.screen.path is None or path != str(self.screen.path))

    def open(self, path: str, content: bytes) -> set[str]:
        self.buffers[path] = content
        return self.update(path)

    def close(self, path: str) -> set[str]:
        """The editor closed it: the file on disk is the truth again."""
        self.buffers.pop(path, None)
        return self.update(path)

    def update(self, path: str) -> set[str]:
        """Take in a change to `path` (its buffer, or the file on disk); the files whose diagnostics changed."""
        self.generation += 1
        with engine.paused_gc():
            return self._update(path)

    def _update(self, path: str) -> set[str]:
        if path == self.config_path or (self.screen.path is not None and path == str(self.screen.path)):
            return self.reload()
        old = self.files.get(path)
        exists = path in self.buffers or os.path.isfile(path)
        if old is None and not (exists and self.reads(path)):
            return set()
        if not exists:
            return self._remove(path)
        new = loading.load(self.root, path, self.buffers.get(path), self.config)
        if old is not None and not new.journeys and not old.journeys and not new.kinds and not old.kinds:
            self.files[path] = new
            return set()  # still nothing of journeyc's
        context = (new.kinds | (old.kinds if old else set())) - {"Journey"}
        signature, empty = self._signature(), self._empty()
        self._place(path, new)
        self._model()
        new.local = [h for h in scope.hits(self.workspace(new.journeys), scope.LOCAL, self.selection, self.targets)
                     if h.finding.at.file == new.shown]
        new.crossing = loading.carried(old, new)
        if context or self._signature() != signature:
            self.stale = scope.LOCAL | scope.crossing()  # what every other file's rules read has changed
        elif old is None or not loading.same_lines(old, new) or old.shape != new.shape:
            self.stale |= scope.crossing()
        config = [self.config_path] if self._empty() != empty and self.config_path in self.files else []
        return self._settle_files([path, *config])

    def _empty(self) -> bool:
        """Whether journeyc.yaml says the workspace holds no journey (JC007)."""
        return not any(f.journeys for f in self.files.values()) and not self._gaps.failed_kind("Journey")

    def refresh(self) -> set[str]:
        """Run again, on the whole model, the rules a change may have moved elsewhere (`stale`)."""
        generation, ws, codes = self.generation, self.workspace(), self.stale
        changed = self.take(generation, codes, self.rerun(ws, codes))
        assert changed is not None
        return changed

    def rerun(self, ws: Workspace, codes: frozenset[str]) -> list[Hit]:
        """The findings of `codes` on a model: reads only that model (a worker thread may run it)."""
        with engine.paused_gc():
            return scope.hits(ws, codes, self.selection, self.targets)

    def take(self, generation: int, codes: frozenset[str], found: list[Hit]) -> set[str] | None:
        """Take in the findings of `codes` computed on the model of `generation`; None when a change came in
        since (they may be out of date: they must be computed again)."""
        if generation != self.generation:
            return None
        self.stale -= codes
        return self._take(codes, found)

    def _take(self, codes: frozenset[str], found: list[Hit]) -> set[str]:
        by_file: dict[str, list[Hit]] = {}
        for hit in found:
            by_file.setdefault(hit.finding.at.file, []).append(hit)
        moved = []
        for path, f in self.files.items():
            new = by_file.get(f.shown, [])
            if new or any(h.rule.code in codes for h in (*f.local, *f.crossing)):
                moved.append(path)
                f.local = [h for h in f.local if h.rule.code not in codes] + \
                    [h for h in new if h.rule.code in scope.LOCAL]
                f.crossing = [h for h in f.crossing if h.rule.code not in codes] + \
                    [h for h in new if h.rule.code not in scope.LOCAL]
        return self._settle_files(moved)

    def _place(self, path: str, data: FileData) -> None:
        if data.documents:
            self.good[path] = data
        if path not in self.files:  # a new file: where discovery would have found it
            items = sorted([*self.files.items(), (path, data)], key=lambda kv: _order(self.root, kv[0]))
            self.files = dict(items)
        else:
            self.files[path] = data

    def _remove(self, path: str) -> set[str]:
        del self.files[path]
        self.good.pop(path, None)
        self.results.pop(path, None)
        self._model()
        self.stale = scope.LOCAL | scope.crossing()
        return {path} | self._settle_files([self.config_path] if self.config_path in self.files else [])

    # --- diagnostics ------------------------------------------------------------------------------------

    def _settle_all(self) -> set[str]:
        return self._settle_files(list(self.files))

    def _settle_files(self, paths: list[str]) -> set[str]:
        changed = set()
        for path in paths:
            found = report.diagnostics(self, self.files[path])
            if self.results.get(path) != found:
                changed.add(path)
            self.results[path] = found
        stale = self.screen.stale()
        if stale is not None and self.screen.path is not None and self.results.get(str(self.screen.path)) != stale:
            self.results[str(self.screen.path)] = stale
            changed.add(str(self.screen.path))
        return changed


def _order(root: Path, path: str) -> str:
    """Discovery's order: by the path below the root, written with `/`."""
    return os.path.relpath(path, root).replace(os.sep, "/")
