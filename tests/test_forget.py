"""A check lets go of the texts and data of clean journey files (journeyc.workspace.forget) and says the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeyc import engine
from journeyc.cache import store
from journeyc.cli import main
from journeyc.errors import JourneycError
from journeyc.workspace import forget, plain
from journeyc.workspace.loading import load_bytes
from journeyc.workspace.maplines import Lines, mappings

#: the `make_workspace` fixture of tests/conftest.py
WorkspaceFactory = Callable[..., Path]
STAGES = [{"id": "lead", "term": "Lead", "owner": "sales", "exits": [{"to": "won"}]},
          {"id": "won", "term": "Won", "owner": "sales", "outcome": "won"}]


@pytest.fixture(autouse=True)
def _let_go_of_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check keeps the first forget.KEEP_BYTES of such files; these workspaces are far smaller."""
    monkeypatch.setattr(forget, "KEEP_BYTES", 0)


def _journey(jid: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": jid.title(), "owner": "sales",
            "stages": [dict(s) for s in STAGES], **extra}


def _workspace(make_workspace: WorkspaceFactory) -> Path:
    """A clean journey, one whose findings need positions and lines, and one with a suppression comment."""
    broken = _journey("broken")
    broken["stages"][0] = {"id": "lead", "term": "Lead", "owner": "", "exits": [{"to": "nowhere"}, {"to": "won"}]}
    broken["pipelines"] = [{"id": "deals", "name": "deals"}]  # a name equal to the id: the rule asks the data
    root = make_workspace(_journey("clean"), broken, _journey("quiet"))
    quiet = root / "journeys" / "quiet.yaml"
    quiet.write_text(quiet.read_text().replace("owner: sales\n", "owner: ''  # journeyc: ignore[JC301]\n", 1))
    return root


def _check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args, str(root)])
    return result.exit_code, result.output


def test_a_check_that_lets_go_says_exactly_what_one_that_keeps_everything_says(
        make_workspace: WorkspaceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _workspace(make_workspace)
    monkeypatch.chdir(root)
    kept = engine.check([root], engine.CheckOptions())
    assert kept.loaded is not None and all(s.held for s in kept.loaded.sources.values())
    cli = [_check(root, "--no-cache"), _check(root), _check(root)]  # no cache, then cold and warm with it
    assert [code for code, _ in cli] == [1, 1, 1]
    assert len({out for _, out in cli}) == 1
    shown = json.loads(cli[0][1])["diagnostics"]
    assert [(d["code"], d["file"]) for d in shown] == [(d.code, d.position.file) for d in kept.diagnostics]
    assert [d["line"] for d in shown] == [d.position.span.line for d in kept.diagnostics]


def test_only_clean_journey_files_let_go_and_their_model_stays(make_workspace: WorkspaceFactory,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _workspace(make_workspace)
    monkeypatch.chdir(root)
    # the rules of references only: the clean journey has no finding, so nothing reads its text again
    loaded = engine.check([root], engine.CheckOptions(select=("JC1",), forget_texts=True)).loaded
    assert loaded is not None
    held = {path: source.held for path, source in loaded.sources.items()}
    assert held == {"journeyc.yaml": True, "teams.yaml": True, "vocabulary.yaml": True,
                    "journeys/clean.yaml": False, "journeys/broken.yaml": True, "journeys/quiet.yaml": True}
    clean = next(j for j in loaded.workspace.journeys if j.id == "clean")
    assert not clean.ref.doc.held
    assert [s.id for s in clean.stages] == ["lead", "won"]
    assert clean.stages[1].ref.line == 12  # asked for: the data and the text are read again
    assert clean.ref.doc.held and clean.ref.doc.data["id"] == "clean"


def test_a_file_changed_after_it_was_let_go_stops_the_check_when_it_is_needed(
        make_workspace: WorkspaceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(_journey("clean"))
    monkeypatch.chdir(root)
    loaded = engine.check([root], engine.CheckOptions(select=("JC1",), forget_texts=True)).loaded
    assert loaded is not None
    (journey,) = loaded.workspace.journeys
    path = root / "journeys" / "clean.yaml"
    path.write_text(path.read_text().replace("Clean", "Changed"))
    with pytest.raises(JourneycError, match=r"^journeys/clean.yaml changed while journeyc was checking it"):
        journey.stages[0].ref.position()


def test_entries_lent_to_a_check_are_read_again_to_compact(make_workspace: WorkspaceFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(_journey("a"), _journey("b"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("JOURNEYC_CACHE_DIR", str(root.parent / "cache"))
    assert _check(root)[0] == 1  # findings of the rules, none of the loader: entries for every file
    monkeypatch.setattr(store, "MAX_SEGMENTS", 1)  # every save compacts
    monkeypatch.setattr(store, "MAX_DEAD", -1)
    for _ in range(2):
        found, _why = store.open_store(root)
        assert found is not None
        found.lend = True
        engine.load_workspace(root, judge=found.judge, forget_texts=True)
        assert (found.hits, found.misses) == (4, 0)  # teams, vocabulary, a, b
        (shelf,) = found.shelves.values()
        assert shelf.entries.keys().isdisjoint(shelf.lent) and len(shelf.lent) == 4
        found.save()


def test_plain_scalars_are_not_remembered_by_the_constructor() -> None:
    load_bytes("j.yaml", b"apiVersion: journeyc/v1\nkind: Journey\nid: x\nstages:\n  - {id: a, sla_days: 3}\n")
    assert plain._constructor.constructed_objects == {}


def test_lines_are_kept_in_walk_order_unless_a_merge_or_a_duplicate_reorders_the_mappings() -> None:
    head = b"apiVersion: journeyc/v1\nkind: Journey\nid: x\n"
    (doc,) = load_bytes("j.yaml", head + b"stages:\n  - id: a\n    crm: {hubspot: {id: '1'}}\n  - id: b\n").documents
    assert isinstance(doc.lines, Lines) and list(doc.lines.walked() or ()) == [1, 5, 6, 6, 7]
    assert [doc.lines[id(m)] for m in mappings(doc.data)] == [1, 5, 6, 6, 7]
    merged = head + b"base: &b {crm: {p: 1}}\nstages:\n  - <<: *b\n    id: a\n"
    (doc,) = load_bytes("j.yaml", merged).documents
    assert not isinstance(doc.lines, Lines)
    assert [doc.lines.get(id(m)) for m in mappings(doc.data)] == [1, 4, 4, 6, 4]


def test_files_within_the_budget_are_kept_and_the_next_ones_let_go(make_workspace: WorkspaceFactory,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(_journey("a"), _journey("b"), _journey("c"))
    monkeypatch.chdir(root)
    sizes = {p.name: p.stat().st_size for p in (root / "journeys").glob("*.yaml")}
    monkeypatch.setattr(forget, "KEEP_BYTES", sizes["a.yaml"] + sizes["b.yaml"])  # the walk's order: a, b, c
    loaded = engine.check([root], engine.CheckOptions(select=("JC1",), forget_texts=True)).loaded
    assert loaded is not None
    assert {p: s.held for p, s in loaded.sources.items() if p.startswith("journeys/")} == {
        "journeys/a.yaml": True, "journeys/b.yaml": True, "journeys/c.yaml": False}
    assert sorted(j.id for j in loaded.workspace.journeys) == ["a", "b", "c"]
