"""The workspace's baseline in the editor: each file's findings screened against its own entries.

Entries match findings of their own file only, so a file is screened alone
when it changes; the entries that match nothing (JC008) are collected per
file and shown on the baseline file itself, as `journeyc check .` shows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from journeyc import baseline as baselines
from journeyc.diagnostics import Diagnostic, Severity
from journeyc.engine import display_path
from journeyc.errors import JourneycError
from journeyc.lsp.files import FileData
from journeyc.workspace.config import RuleSelection


@dataclass
class Screen:
    root: Path
    baseline: baselines.Baseline | None
    #: why the configured baseline could not be read (shown by the server), else None
    error: str | None = None
    selection: RuleSelection = field(default_factory=RuleSelection)
    #: the entries of each file (relative to the root, with `/`), and what each file left unmatched
    entries: dict[str, baselines.Baseline] = field(default_factory=dict)
    unmatched: dict[str, list[Diagnostic]] = field(default_factory=dict)
    #: the baseline journeyc.yaml names, when it is not there (an error on journeyc.yaml, as `check` says)
    absent: Path | None = None

    @property
    def path(self) -> Path | None:
        return self.baseline.path if self.baseline is not None else None

    @classmethod
    def load(cls, root: Path, configured: str | None, selection: RuleSelection) -> Screen:
        path = baselines.path_for(root, configured, None)
        if path is None:
            return cls(root, None, selection=selection)
        if not path.exists():
            return cls(root, None, selection=selection, absent=path)
        try:
            found = baselines.load(path)
        except JourneycError as exc:
            return cls(root, None, str(exc), selection)
        screen = cls(root, found, selection=selection)
        for entry, place in zip(found.entries, found.places, strict=True):
            part = screen.entries.setdefault(entry.file, baselines.Baseline(path, [], []))
            part.entries.append(entry)
            part.places.append(place)
        # the entries of files that are not there any more match nothing
        for file, part in screen.entries.items():
            screen.unmatched[file] = screen._stale(part, [])
        return screen

    def apply(self, f: FileData, found: list[Diagnostic]) -> list[Diagnostic]:
        """What the baseline lets through of one file's diagnostics."""
        if self.baseline is None:
            return found
        rel = os.path.relpath(f.path, self.root).replace(os.sep, "/")
        part = self.entries.get(rel)
        if part is None:
            return found
        lines = f.source.lines if f.source is not None else []
        outcome = baselines.apply(part, self.root, found, lambda shown: lines, self._judged, self._severity())
        self.unmatched[rel] = [d for d in outcome.kept if d.code == "JC008" and _is_stale(d, part)]
        return [d for d in outcome.kept if not (d.code == "JC008" and _is_stale(d, part))]

    def stale(self) -> list[Diagnostic] | None:
        """JC008 for every entry that matches nothing, on the baseline file; None without a baseline."""
        if self.baseline is None:
            return None
        return sorted((d for found in self.unmatched.values() for d in found), key=Diagnostic.sort_key)

    def _judged(self, shown: str, code: str) -> bool:
        return self.selection.enabled(code)

    def _severity(self) -> Severity | None:
        if not self.selection.enabled("JC008"):
            return None
        return self.selection.severity_of("JC008", Severity.INFO)

    def _stale(self, part: baselines.Baseline, found: list[Diagnostic]) -> list[Diagnostic]:
        outcome = baselines.apply(part, self.root, found, lambda shown: [], self._judged, self._severity())
        return [d for d in outcome.kept if d.code == "JC008"]


def _is_stale(d: Diagnostic, part: baselines.Baseline) -> bool:
    """A JC008 that `apply` made for one of the entries (not one of the file's own diagnostics)."""
    return d.position.file == display_path(part.path)
