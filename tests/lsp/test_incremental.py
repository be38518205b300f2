"""The language server's incremental model says what `journeyc check .` says, after any edit.

- The local rules (journeyc.lsp.scope.LOCAL) judge a journey alone: run on the
  teams, the vocabulary and one journey, they find about it what they find on
  the whole workspace.
- After any sequence of edits, a session's diagnostics are `check`'s, file by
  file, once the rules marked stale ran again; and when nothing was marked
  stale, they are `check`'s at once (the diagnostics published within
  milliseconds are the final ones).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzzing import properties, strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc import engine
from journeyc.diagnostics import Diagnostic
from journeyc.lsp import scope
from journeyc.lsp.session import Session
from journeyc.workspace.config import RuleSelection
from journeyc.workspace.model import Finding, Workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = settings().max_examples


def _row(code: str, f: Finding) -> tuple[object, ...]:
    return (code, f.at.file, f.at.doc.index, f.at.path, f.message, f.hint, f.key, f.offset, f.length)


def local_property(ws: Workspace) -> None:
    """Each local rule says about each journey, judged alone, what it says on the whole workspace."""
    everything = {_row(h.rule.code, h.finding) for h in scope.hits(ws, scope.LOCAL, RuleSelection(), frozenset())}
    journey_docs = {id(j.ref.doc) for j in ws.journeys}
    alone: set[tuple[object, ...]] = set()
    context = Workspace(ws.root, ws.teams, ws.terms, (), ws.documents, ws.gaps)
    alone |= {_row(h.rule.code, h.finding) for h in scope.hits(context, scope.LOCAL, RuleSelection(), frozenset())
              if id(h.finding.at.doc) not in journey_docs}
    for j in ws.journeys:
        one = Workspace(ws.root, ws.teams, ws.terms, (j,), ws.documents, ws.gaps)
        alone |= {_row(h.rule.code, h.finding) for h in scope.hits(one, scope.LOCAL, RuleSelection(), frozenset())
                  if h.finding.at.doc is j.ref.doc}
    assert alone == everything, (alone ^ everything)


def test_every_rule_is_local_or_crossing() -> None:
    from journeyc.rules import RULES

    checks = {code for code, rule in RULES.items() if rule.check is not None}
    assert scope.LOCAL <= checks
    assert scope.crossing() == checks - scope.LOCAL
    assert sorted(scope.crossing()) == ["JC101", "JC202", "JC303", "JC503", "JC504", "JC505"]


@pytest.mark.parametrize("name", ["broken", "acme-saas"])
def test_local_rules_judge_a_journey_alone_in_the_examples(name: str) -> None:
    local_property(engine.load_workspace(ROOT / "examples" / name).workspace)


@settings(max_examples=max(10, EXAMPLES // 3))
@given(gen=strategies.valid_workspaces(max_journeys=4))
def test_local_rules_judge_a_journey_alone(gen: strategies.Generated) -> None:
    with properties.scratch() as tmp:
        properties.write_files(tmp, gen.files)
        local_property(engine.load_workspace(tmp).workspace)


@settings(max_examples=max(10, EXAMPLES // 3))
@given(files=strategies.mutated_workspaces())
def test_local_rules_judge_a_journey_alone_in_broken_workspaces(files: strategies.Files) -> None:
    with properties.scratch() as tmp:
        (tmp / "journeyc.yaml").write_bytes(b"")
        properties.write_files(tmp / "ws", files)
        local_property(engine.load_workspace(tmp / "ws").workspace)


# --- the session -------------------------------------------------------------------------------


def check_rows(root: Path, buffers: dict[str, bytes]) -> list[Diagnostic]:
    return engine.check([root], engine.CheckOptions(overrides=buffers)).diagnostics


def session_rows(session: Session) -> list[Diagnostic]:
    return sorted((d for found in session.results.values() for d in found), key=Diagnostic.sort_key)


def edits(text: str, rnd: random.Random) -> Iterator[str]:
    """Edits a person makes: a character typed on one line, a line removed or doubled, pasted YAML."""
    lines = text.split("\n")
    for _ in range(3):
        i = rnd.randrange(len(lines))
        how = rnd.randrange(5)
        if how <= 1 and lines[i]:
            at = rnd.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rnd.choice("ax -:#'\"é😀") + lines[i][at:]
        elif how == 2:
            del lines[i]
        elif how == 3:
            lines.insert(i, lines[i])
        else:
            lines = strategies.splice("\n".join(lines), rnd, 1).split("\n")
        if not lines:
            lines = [""]
        yield "\n".join(lines)


def session_property(root: Path, rnd: random.Random) -> None:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        session = Session(root.resolve())
        assert session_rows(session) == check_rows(root, {})
        paths = sorted(str(p.resolve()) for p in root.rglob("*.y*ml") if p.is_file())
        for _ in range(3):
            path = rnd.choice(paths)
            for text in edits(session.buffers.get(path, Path(path).read_bytes()).decode("utf-8", "replace"), rnd):
                session.buffers[path] = text.encode("utf-8", "surrogatepass")
                session.update(path)
                if not session.stale:  # nothing left to run again: what was published is final
                    assert session_rows(session) == check_rows(root, session.buffers)
            session.refresh()
            assert session_rows(session) == check_rows(root, session.buffers)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", ["broken", "acme-saas"])
def test_the_session_matches_check_after_edits_of_the_examples(name: str, seed: int, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / name, tmp_path / name)
    session_property(tmp_path / name, random.Random(seed))


@settings(max_examples=max(5, EXAMPLES // 5))
@given(gen=strategies.valid_workspaces(max_journeys=4), rnd=st.randoms(use_true_random=False))
def test_the_session_matches_check_after_edits(gen: strategies.Generated, rnd: random.Random) -> None:
    with properties.scratch() as tmp:
        properties.write_files(tmp, gen.files)
        session_property(tmp, rnd)


def test_free_text_edits_leave_nothing_to_run_again(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "acme-saas", tmp_path / "ws")
    root = (tmp_path / "ws").resolve()
    path = str(next(p for p in sorted(root.rglob("*.yaml")) if "journeys" in p.parts))
    session = Session(root)
    text = Path(path).read_text(encoding="utf-8")
    line = next(t for t in text.split("\n") if t.strip().startswith("description: The"))
    session.buffers[path] = text.replace(line, line + " More words", 1).encode()
    session.update(path)
    assert session.stale == frozenset()
    session.buffers[path] = text.replace(line, line + "\n    x-note: a line more", 1).encode()
    session.update(path)
    assert session.stale == scope.crossing()   # lines moved: cross-journey messages may cite them

