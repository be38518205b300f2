"""The docs target rendered in a forked second process: the same files and notices, or not used at all."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from journeyc.build import emit_all
from journeyc.build import parallel as fork
from journeyc.emitters import TARGETS, EmitOptions
from journeyc.engine import load_workspace
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the docs fork only on Linux")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork for any workspace, whatever the machine's load."""
    monkeypatch.setattr(fork, "FROM_JOURNEYS", 1)
    monkeypatch.setattr(fork, "has_free_core", lambda jobs=None: True)


def _options(**kw: object) -> EmitOptions:
    return EmitOptions(**kw)  # type: ignore[arg-type]


@linux_only
def test_same_files_and_notices_as_one_process(example: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _options()
    files = emit_all(example, alone)
    assert fork.aside(example, alone) == ()          # the example is far below FROM_JOURNEYS
    monkeypatch.setattr(fork, "FROM_JOURNEYS", 1)
    monkeypatch.setattr(fork, "has_free_core", lambda jobs=None: True)
    forked = _options()
    assert fork.aside(example, forked) == ("docs",)
    assert emit_all(example, forked) == files
    assert list(emit_all(example, _options())) == list(files)        # the same order too
    assert forked.notices == alone.notices and alone.notices         # the example has pipelines CRMs skip


@linux_only
@pytest.mark.usefixtures("forking")
def test_an_error_in_the_child_is_the_same_clear_error(example: Workspace, tmp_path: Path) -> None:
    (tmp_path / "t" / "docs").mkdir(parents=True)
    (tmp_path / "t" / "docs" / "glossary.md").write_text("{{ no_such_thing }}\n")
    with pytest.raises(JourneycError, match=r"template docs/glossary\.md.*no_such_thing"):
        emit_all(example, _options(templates=tmp_path / "t"))


@linux_only
@pytest.mark.usefixtures("forking")
def test_when_the_docs_stay_in_this_process(example: Workspace) -> None:
    svgs = EmitOptions(svgs={"new-business": b"<svg/>"})                # rendered before: the docs need nothing else
    assert fork.aside(example, svgs) == ("docs",)
    assert fork.aside(example, svgs, jobs=1) == ()                      # one job: turned off
    assert fork.aside(example, _options(targets=("docs",))) == ()       # nothing else to do meanwhile
    assert fork.aside(example, _options(targets=("model", "csv"))) == ()
    assert fork.aside(example, _options(targets=TARGETS)) == ("docs",)


def test_a_busy_machine_or_one_core_keeps_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fork, "running", lambda: 2)          # this journeyc and one other process
    assert not fork.has_free_core(2)
    monkeypatch.setattr(fork, "running", lambda: 1)          # only this one
    assert fork.has_free_core(2)
    assert not fork.has_free_core(1)
    monkeypatch.undo()
    assert fork.running() >= 1


def test_a_workspace_without_journeys_keeps_one_process(make_workspace) -> None:
    ws = load_workspace(make_workspace()).workspace
    assert fork.aside(ws, _options()) == ()                             # no journeys at all
