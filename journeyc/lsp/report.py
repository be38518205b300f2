"""One file's diagnostics, exactly as `journeyc check .` reports them: the engine's own steps, then the baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyc import baseline, engine
from journeyc.diagnostics import Diagnostic
from journeyc.lsp.files import FileData
from journeyc.workspace import suppress

if TYPE_CHECKING:
    from journeyc.lsp.session import Session


def diagnostics(session: Session, f: FileData) -> list[Diagnostic]:
    """Loading and schema diagnostics, the rules' findings, selection, suppressions (JC006), JC007 on
    journeyc.yaml, each once, sorted, then what the baseline lets through."""
    pairs: list[tuple[Diagnostic, tuple[int, ...]]] = [(d, ()) for d in f.diagnostics]
    loaded = None
    if f.path == session.config_path:
        loaded = engine.Loaded(session.root, session.config, session.workspace(),
                               config_document=session.config_document)
        pairs += [(d, ()) for d in engine.config_problems(loaded, session.root)]
    pairs += [engine.diagnose(h.rule, h.severity, h.finding, fixes=True) for h in (*f.local, *f.crossing)]
    marks = {f.shown: suppress.parse(f.source)} if f.source is not None and f.kinds else {}
    found = engine.settle(pairs, session.selection, marks)
    if loaded is not None:
        found += engine.empty_workspace(loaded, session.root, session.selection, lambda shown: True)
        if session.screen.absent is not None:
            found.append(baseline.missing(session.config_document, session.screen.absent))
    unique = list({(d.code, d.position, d.message): d for d in found}.values())
    unique.sort(key=Diagnostic.sort_key)
    return session.screen.apply(f, unique)
