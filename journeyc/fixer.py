"""`journeyc fix`: the safe fixes, applied as text edits, verified by checking again before anything is written.

Each round checks the whole workspace with the fixed texts standing for the
files (nothing is written until the end), takes every fix in the files asked
about that overlaps no other, and applies them. The next round's check is
this round's proof: a round that makes any diagnostic appear (compared by
code, file and message, line numbers aside) is undone and its fixes are
tried one at a time, each kept only if it makes nothing appear. Rounds go on
until no fix is left (a fix may make another one possible), so a second
`journeyc fix` finds nothing to do. Files are written at the end, atomically,
and only if they still hold the bytes that were read.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from journeyc import engine
from journeyc.diagnostics import Diagnostic, Edit, Fix
from journeyc.errors import JourneycError
from journeyc.fileio import FileChangedError, read_limited, write_atomic
from journeyc.workspace.edits import apply_edits, overlap

MAX_ROUNDS = 10
_BOM = b"\xef\xbb\xbf"
#: line numbers inside messages ("first defined at line 12", "teams.yaml:12"): they move when a line goes
_LINE_REF = re.compile(r"(?<=line )\d+|(?<=\.yaml:)\d+|(?<=\.yml:)\d+")


@dataclass
class FileFix:
    """One file's fixes: the bytes read, the bytes to write, how many fixes made the difference."""

    path: str          # absolute
    shown: str
    before: bytes
    after: bytes
    fixes: int = 0


@dataclass
class FixResult:
    files: list[FileFix] = field(default_factory=list)
    #: fixes left out: applying them would have made another diagnostic appear
    refused: int = 0
    #: files not written: they changed on disk while journeyc was fixing them
    changed: list[str] = field(default_factory=list)
    #: the check after the fixes, and how many of its diagnostics are in the paths asked about
    remaining: engine.CheckResult | None = None
    left: int = 0

    @property
    def count(self) -> int:
        return sum(f.fixes for f in self.files)


def fix(paths: Sequence[Path], options: engine.CheckOptions | None = None) -> FixResult:
    """Fix what can be fixed safely in `paths` (nothing is written: see `write`)."""
    for p in paths:
        if not os.path.exists(p):
            raise JourneycError(f"no such file or directory: {p}")
    asked = [Path(os.path.abspath(p)) for p in paths] or [Path.cwd()]
    roots = sorted({engine.find_root(p) for p in asked})
    state = _State(roots, replace(options or engine.CheckOptions(), fixes=True, use_baseline=False, overrides=None))
    current = state.check()
    for _ in range(MAX_ROUNDS):
        chosen = _choose(current, asked, state)
        if not chosen:
            break
        current = _round(state, current, chosen)
    inside = _inside(asked)
    left = [d for d in current.diagnostics if inside(os.path.abspath(d.position.file))]
    refused = sum(d.fix is not None and _refusal(os.path.abspath(d.position.file), d) in state.refused for d in left)
    result = FixResult(refused=refused, changed=sorted(state.changed), remaining=current, left=len(left))
    for path, f in state.files.items():
        if path in state.texts:
            f.after = _bom(f.before) + state.texts[path].encode("utf-8")
        if f.after != f.before:
            result.files.append(f)
    return result


def write(result: FixResult) -> None:
    """Write each fixed file atomically, unless it changed on disk since it was read."""
    for f in result.files:
        try:
            write_atomic(f.path, f.after, unchanged=f.before)
        except FileChangedError:
            result.changed.append(f.shown)


@dataclass
class _State:
    roots: list[Path]
    options: engine.CheckOptions
    #: absolute path -> the text fixed so far; the files as read; fixes refused (path, code, message)
    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileFix] = field(default_factory=dict)
    refused: set[tuple[str, str, str]] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)

    def check(self) -> engine.CheckResult:
        overrides = {path: _bom(self.files[path].before) + text.encode("utf-8") for path, text in self.texts.items()}
        return engine.check(self.roots, replace(self.options, overrides=overrides))

    def text(self, path: str) -> str:
        return self.texts[path] if path in self.texts else _decode(self.files[path].before)

    def read(self, path: str, checked: engine.CheckResult) -> bool:
        """Read a file before its first fix: it must hold the text the check judged (else it is left alone)."""
        if path in self.files:
            return True
        shown = engine.display_path(path)
        source = checked.loaded.sources.get(shown) if checked.loaded is not None else None
        try:
            raw = read_limited(path, 1 << 40)
            same = source is not None and _decode(raw) == source.text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            self.changed.add(shown)
            return False
        self.files[path] = FileFix(path, shown, raw, raw)
        return True


def _bom(raw: bytes) -> bytes:
    return _BOM if raw.startswith(_BOM) else b""


def _decode(raw: bytes) -> str:
    return raw[len(_bom(raw)):].decode("utf-8")


def _choose(checked: engine.CheckResult, asked: list[Path], state: _State) -> dict[str, list[tuple[Diagnostic, Fix]]]:
    """The fixes to try, by absolute path: in the paths asked about, each overlapping no fix taken before it."""
    inside = _inside(asked)
    out: dict[str, list[tuple[Diagnostic, Fix]]] = {}
    taken: dict[str, list[Edit]] = {}
    for d in checked.diagnostics:
        path = os.path.abspath(d.position.file)
        if d.fix is None or not d.fix.edits or not inside(path) or \
                _refusal(path, d) in state.refused or not state.read(path, checked):
            continue
        mine = taken.setdefault(path, [])
        if any(d.fix == f for _, f in out.get(path, ())):
            continue  # two diagnostics with the same fix (a comment left with no code)
        if any(overlap(a, b) for a in d.fix.edits for b in mine):
            continue  # the next round takes it, against the text as this round leaves it
        mine.extend(d.fix.edits)
        out.setdefault(path, []).append((d, d.fix))
    return out


def _inside(asked: list[Path]) -> Callable[[str], bool]:
    """Whether an absolute path is one of the files asked about, or below one of the directories."""
    prefixes = tuple(str(p).rstrip(os.sep) + os.sep for p in asked if p.is_dir())
    names = {str(p) for p in asked}
    return lambda path: path in names or path.startswith(prefixes)


def _refusal(path: str, d: Diagnostic) -> tuple[str, str, str]:
    return (path, d.code, d.message)


def _round(state: _State, before: engine.CheckResult,
           chosen: dict[str, list[tuple[Diagnostic, Fix]]]) -> engine.CheckResult:
    """Apply the chosen fixes: all at once when that makes nothing appear, else one by one, each verified."""
    saved = dict(state.texts)
    for path, fixes in chosen.items():
        state.texts[path] = apply_edits(state.text(path), [e for _, f in fixes for e in f.edits])
    after = state.check()
    if not _appeared(before.diagnostics, after.diagnostics):
        for path, fixes in chosen.items():
            state.files[path].fixes += len(fixes)
        return after
    state.texts.clear()
    state.texts.update(saved)
    current = before
    for path, fixes in chosen.items():
        for d, one in fixes:  # one per file: the others' spans were computed against the text before it
            kept = state.texts.get(path)
            state.texts[path] = apply_edits(state.text(path), one.edits)
            trial = state.check()
            if not _appeared(current.diagnostics, trial.diagnostics):
                current = trial
                state.files[path].fixes += 1
                break
            state.refused.add(_refusal(path, d))
            if kept is None:
                del state.texts[path]
            else:
                state.texts[path] = kept
    return current


def _appeared(before: list[Diagnostic], after: list[Diagnostic]) -> bool:
    """Some diagnostic is in `after` more often than in `before` (line numbers in messages aside)."""
    old = Counter(_key(d) for d in before)
    new = Counter(_key(d) for d in after)
    return any(count > old[key] for key, count in new.items())


def _key(d: Diagnostic) -> tuple[str, str, str]:
    return (d.code, d.position.file, _LINE_REF.sub("#", d.message))
