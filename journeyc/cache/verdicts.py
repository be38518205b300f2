"""The local rules' findings about each journey file, kept by the file's content and all the rules read besides.

A rule of `journeyc.rules.LOCAL` says about a journey what the journey, the
teams, the vocabulary, the configuration and the workspace's gaps decide, and
its findings sit in the journey's own file (a finding is a node of the object
it is about; `check FILE` relies on both, tests/lsp/test_incremental.py checks
them). So a file that holds only journeys gets one entry: the diagnostics that
the local rules find in it, as `engine.diagnose` makes them (at the severities
of the configuration, with the lines that may suppress them, before
suppressions and the baseline). Its name digests the file's content, its path
as shown (messages and positions name it), and `context`: everything else those
rules read. A warm run runs the local rules only on the journeys without an
entry (and on the teams and the vocabulary, which they also judge); the rules
that compare journeys still run on the whole model (see `engine._judged`).

Entries are JSON values checked on reading like codec.py's: one of the wrong
shape is `Corrupt`, dropped, and the findings made again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from journeyc.cache import key
from journeyc.cache.codec import Corrupt, diagnostic_values, diagnostics_from
from journeyc.cache.store import Store
from journeyc.diagnostics import Diagnostic, Edit, Fix, Span
from journeyc.workspace.limits import Limits
from journeyc.workspace.load import Loaded
from journeyc.workspace.model import Journey, Workspace

Pair = tuple[Diagnostic, tuple[int, ...]]
#: the local rules run on a workspace of some journeys (and all the teams and terms): their diagnostics
Run = Callable[[Workspace], list[Pair]]
_DEPENDED_ON = ("Teams", "Vocabulary")


def context(loaded: Loaded, settings: Iterable[str]) -> str:
    """What the local rules read besides a journey's file: `settings` (the engine's: which rules, their
    severities, the targets...), the rules' own code, the teams and the vocabulary as written, and the
    workspace-wide gaps they consult (a kind that failed to load, whether any usage is unknown)."""
    ws = loaded.workspace
    seen: dict[str, str] = {}
    for doc in ws.documents:
        if doc.kind in _DEPENDED_ON and doc.source.path not in seen:
            seen[doc.source.path] = doc.source.text
    written = [part for path, text in seen.items() for part in (path, text)]
    gaps = ws.gaps
    return key.digest(key.rules_code(), *settings, "|", *written, "|", *sorted(gaps.failed), str(gaps.usage_unknown))


def local_findings(store: Store, loaded: Loaded, journeys: Iterable[Journey], where: str, run: Run) -> list[Pair]:
    """The local rules' diagnostics about the teams, the vocabulary and `journeys`, from the entries of the files
    that hold only journeys and have one under `where` (a `context`), the others found by `run` and kept."""
    ws = loaded.workspace
    limits = loaded.config.limits
    pure = {shown for shown, kinds in loaded.kinds.items() if kinds == {"Journey"}}
    found: list[Pair] = []
    judged: list[Journey] = []
    missing: set[str] = set()
    cached: dict[str, bool] = {}  # file -> its findings came from its entry
    for journey in journeys:
        shown = journey.ref.file
        if shown not in cached:
            pairs = _lookup(store, shown, where, limits) if shown in pure else None
            cached[shown] = pairs is not None
            if pairs is not None:
                found.extend(pairs)
            elif shown in pure:
                missing.add(shown)
        if not cached[shown]:
            judged.append(journey)
    made = run(replace(ws, journeys=tuple(judged)))
    by_file: dict[str, list[Pair]] = {shown: [] for shown in missing}
    for pair in made:
        mine = by_file.get(pair[0].position.file)
        if mine is not None:
            mine.append(pair)
    for shown, pairs in by_file.items():
        entry = encode(pairs, shown)
        if entry is not None:
            store.keep(shown, where, limits, entry)
    return made + found


def _lookup(store: Store, shown: str, where: str, limits: Limits) -> list[Pair] | None:
    return store.lookup(shown, where, limits, lambda entry: decode(entry, shown))


def encode(pairs: list[Pair], shown: str) -> dict[str, Any] | None:
    """The entry of the findings in the file shown as `shown`; None when one lies elsewhere (then they are not
    about this file alone, and are made again each time)."""
    items = []
    for diag, scope in pairs:
        values = diagnostic_values(diag, shown)
        if values is None:
            return None
        fix = None if diag.fix is None else [diag.fix.title, [[e.span.line, e.span.column, e.span.end_line,
                                                                e.span.end_column, e.text] for e in diag.fix.edits]]
        items.append([values, fix, list(scope)])
    return {"findings": items}


def decode(entry: Any, shown: str) -> list[Pair]:
    """The diagnostics of an entry, located in the file shown as `shown`; `Corrupt` when malformed."""
    if type(entry) is not dict or type(entry.get("findings")) is not list:
        raise Corrupt("findings")
    out = []
    for item in entry["findings"]:
        if type(item) is not list or len(item) != 3:
            raise Corrupt("finding")
        values, fix, scope = item
        diag = diagnostics_from([values], shown)[0]
        if type(scope) is not list or any(type(n) is not int for n in scope):
            raise Corrupt("scope")
        out.append((diag if fix is None else replace(diag, fix=_fix(fix)), tuple(scope)))
    return out


def _fix(value: Any) -> Fix:
    if type(value) is not list or len(value) != 2 or type(value[0]) is not str or type(value[1]) is not list:
        raise Corrupt("fix")
    edits = []
    for edit in value[1]:
        if type(edit) is not list or len(edit) != 5 or any(type(n) is not int for n in edit[:4]) \
                or type(edit[4]) is not str:
            raise Corrupt("edit")
        edits.append(Edit(Span(*edit[:4]), edit[4]))
    return Fix(value[0], tuple(edits))
