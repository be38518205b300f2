"""The baseline: the findings a team accepted when it adopted journeyc, so that only new ones fail a check.

One entry per finding: its code, its file (relative to the workspace root),
a fingerprint of the offending text and the message (for the reviewer; not
matched). The fingerprint hashes the line the diagnostic points at (without
a trailing comment) and the part of it the diagnostic is about, never the
line number, as code scanning's line hashes do: a line added above keeps a
finding baselined, a change to the offending line brings it back. Entries
match findings as a multiset (two identical lines with the same finding are
two entries). The file is JSON, sorted, one entry per line, so a
pull request shows one line per finding added or removed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.errors import JourneycError
from journeyc.fileio import write_atomic
from journeyc.workspace.load import display_path
from journeyc.workspace.loading import Document, SourceFile

VERSION = 1
#: a trailing YAML comment: ` # ...` to the end of the line
_TRAILING_COMMENT = re.compile(r"\s+#.*$")
#: what must not reach a reviewer raw even inside JSON strings: bidi controls, line and paragraph separators
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, order=True)
class Entry:
    file: str
    code: str
    fingerprint: str
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.file, self.fingerprint)


@dataclass
class Baseline:
    path: Path
    entries: list[Entry]
    #: (line, column) of each entry in the file, for the diagnostics about stale ones
    places: list[tuple[int, int]]


def offending_text(d: Diagnostic, lines: Sequence[str]) -> str:
    """What a diagnostic's fingerprint hashes: the line it starts on (white space collapsed, a trailing comment
    left out unless the diagnostic is about that comment) and, when it is a part of one line, that part."""
    span = d.position.span
    if not 1 <= span.line <= len(lines):
        return ""
    text = lines[span.line - 1]
    if not text[span.column - 1:].lstrip().startswith("#"):
        text = _TRAILING_COMMENT.sub("", text)
    part = text[span.column - 1:span.end_column - 1] if span.end_line == span.line else ""
    return " ".join(text.split()) + (f"\0{part}" if part else "")


def fingerprint(d: Diagnostic, lines: Sequence[str]) -> str:
    import hashlib  # only with a baseline: it loads OpenSSL, 4 ms a check would pay for nothing

    return hashlib.sha256(offending_text(d, lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def entry(d: Diagnostic, lines: Sequence[str], file: str) -> Entry:
    return Entry(file, d.code, fingerprint(d, lines), d.message)


def path_for(root: Path, configured: str | None, given: Path | None) -> Path | None:
    """The baseline file: the one given on the command line, else journeyc.yaml's (relative to the root)."""
    if given is not None:
        return given
    return root / configured if configured else None


def missing(config: Document | None, path: Path) -> Diagnostic:
    """journeyc.yaml names a baseline that is not there: an error at `baseline:`, so that every command (a diff
    of a revision, which holds only the YAML files, too) still reads the workspace and says why it fails."""
    position = config.position(("baseline",)) if config is not None else Position(display_path(path), Span.point(1, 1))
    return Diagnostic("JC004", Severity.ERROR, f"the baseline {display_path(path)} does not exist", position,
                      "write it with `journeyc check --update-baseline`, or remove `baseline:`")


def load(path: Path, *, missing_ok: bool = False) -> Baseline:
    """A baseline file; a missing (unless `missing_ok`) or unreadable one is journeyc's own failure (exit 2)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Baseline(path, [], [])
        raise JourneycError(f"baseline {path} does not exist (write it with `journeyc check --update-baseline`)") \
            from None
    except IsADirectoryError:
        raise JourneycError(f"baseline {path} is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JourneycError(f"cannot read the baseline {path}: {exc}") from None
    try:
        data = json.loads(text)
        found = data["findings"]
        entries = [Entry(str(e["file"]), str(e["code"]), str(e["fingerprint"]), str(e.get("message", "")))
                   for e in found]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise JourneycError(f"{path} is not a journeyc baseline (an object with a `findings` list of entries"
                            " with `code`, `file` and `fingerprint`)") from None
    return Baseline(path, entries, _places(text, entries))


def _places(text: str, entries: list[Entry]) -> list[tuple[int, int]]:
    out, at = [], 0
    for e in entries:
        found = text.find(json.dumps(e.fingerprint), at)
        if found < 0:
            out.append((1, 1))
            continue
        at = found + 1
        start = text.rfind("{", 0, found) + 1 or found + 1
        line = text.count("\n", 0, start - 1) + 1
        out.append((line, start - text.rfind("\n", 0, start - 1) - 1))
    return out


def render(entries: Iterable[Entry]) -> str:
    """The file: sorted, one entry per line."""
    lines = [_escape(json.dumps({"code": e.code, "file": e.file, "fingerprint": e.fingerprint, "message": e.message},
                                ensure_ascii=False)) for e in sorted(entries)]
    body = ",\n".join(f"    {line}" for line in lines)
    return f'{{\n  "version": {VERSION},\n  "findings": [\n{body}{chr(10) if body else ""}  ]\n}}\n'


def screen(path: Path, root: Path, found: list[Diagnostic], sources: Mapping[str, SourceFile],
           judged: Callable[[str, str], bool], stale: Severity | None, *, update: bool = False) -> Outcome:
    """The baseline at `path` applied to one workspace's diagnostics; with `update`, the baseline it becomes
    (every finding judged now, the entries of what was not judged kept) applied instead."""
    def lines(shown: str) -> Sequence[str]:
        source = sources.get(shown)
        return source.lines if source is not None else ()

    current = load(path, missing_ok=update)
    outcome = apply(current, root, found, lines, judged, None if update else stale)
    if update:
        renewed = Baseline(path, outcome.updated, [(1, 1)] * len(outcome.updated))
        outcome = apply(renewed, root, found, lines, judged, None)
    return outcome


def _escape(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write(path: Path, entries: Iterable[Entry]) -> None:
    write_atomic(path, render(entries).encode("utf-8"))


@dataclass
class Outcome:
    """What a baseline did to one workspace's diagnostics."""

    kept: list[Diagnostic]
    baselined: int
    #: the entries the file should hold now (`--update-baseline`)
    updated: list[Entry]


def apply(baseline: Baseline, root: Path, diagnostics: list[Diagnostic], lines: Callable[[str], Sequence[str]],
          judged: Callable[[str, str], bool], stale: Severity | None) -> Outcome:
    """Drop the diagnostics the baseline holds; report (JC008 at `stale`, None: not at all) its entries that
    hold nothing among the ones `judged(file, code)` says this check could have found."""
    def rel(shown: str) -> str:  # diagnostics name files from the current directory, entries from the root
        return os.path.relpath(os.path.abspath(shown), root).replace(os.sep, "/")

    remaining = Counter(e.key for e in baseline.entries)
    kept, fresh, matched = [], [], 0
    for d in diagnostics:
        e = entry(d, lines(d.position.file), rel(d.position.file))
        if remaining[e.key] > 0:
            remaining[e.key] -= 1
            matched += 1
        else:
            kept.append(d)
        if judged(d.position.file, d.code):
            fresh.append(e)
    updated = [e for e in baseline.entries if not judged(display_path(root / e.file), e.code)] + fresh
    shown = display_path(baseline.path)
    for e, (line, column) in zip(baseline.entries, baseline.places, strict=True):
        if stale is not None and remaining[e.key] > 0 and judged(display_path(root / e.file), e.code):
            remaining[e.key] -= 1
            kept.append(Diagnostic("JC008", stale, f"baseline entry {e.code} in {e.file} matches no finding",
                                   Position(shown, Span.point(line, column)),
                                   "the finding is gone or its text changed: run `journeyc check --update-baseline`"))
    return Outcome(kept, matched, updated)

