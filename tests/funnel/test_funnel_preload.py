"""`journeyc funnel` reads the history files on a thread while the workspace loads (funnel/preload.py): the same
result, the errors of the plain flow in its order, and a read that is no longer needed stopped and cleaned up."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from funnelkit import AS_OF, WORKSPACE, Write
from test_funnel_cli import PLANTED
from test_history_readers import HUBSPOT_HEADER, HUBSPOT_ROWS

from journeyc.cli import main
from journeyc.funnel import load, preload
from journeyc.funnel.result import to_json
from journeyc.funnel.run import Options, analyse
from journeyc.workspace.model import Workspace

BAD_DATE = "r,deals,mql,2026-01-01,\nr,deals,sql,15/01/2026,\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["funnel", "--as-of", "2026-12-01", *args])
    return result.exit_code, result.stderr


def test_the_result_is_the_plain_flows_for_generic_and_hubspot_files(ws: Workspace, write: Write) -> None:
    generic = write(PLANTED)
    hubspot = write(HUBSPOT_ROWS, HUBSPOT_HEADER, name="deals.csv")
    for paths in ([generic], [hubspot], [generic, hubspot]):
        with preload.started(paths, "UTC") as early:
            found = to_json(analyse(ws, paths, Options(as_of=AS_OF), early))
        assert found == to_json(analyse(ws, paths, Options(as_of=AS_OF)))


def test_a_hubspot_export_waits_for_the_workspace(write: Write) -> None:
    """Its `Stage (Pipeline)` columns split on the workspace's pipeline names: the thread leaves it to the session."""
    with preload.started([write(PLANTED), write(HUBSPOT_ROWS, HUBSPOT_HEADER, name="deals.csv")], "UTC") as early:
        assert early.take() is None


def test_a_workspace_error_comes_before_the_errors_of_the_history(tmp_path: Path, write: Write) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    (tmp_path / "ws" / "journeys" / "bad.yaml").write_text("apiVersion: journeyc/v1\nkind: Journey\nid: 1\n")
    assert run("--path", str(tmp_path / "ws"), write(BAD_DATE)) == (
        2, "journeyc: error: the workspace has 3 error(s) in its files: run journeyc check first\n")
    assert run("--path", str(tmp_path / "none"), write(BAD_DATE), "--timezone", "Mars/Base") == (
        2, f"journeyc: error: no such file or directory: {tmp_path / 'none'}\n")


def test_the_errors_of_the_history_come_in_the_plain_flows_order(tmp_path: Path, write: Write) -> None:
    """Every file's head, then the time zone, then the rows: a bad row of the first file is met last."""
    bad = write(BAD_DATE)
    assert run("--path", str(WORKSPACE), bad, str(tmp_path)) == (
        2, f"journeyc: error: {tmp_path}: is a directory, not a CSV file\n")
    assert run("--path", str(WORKSPACE), bad, "--timezone", "Mars/Base") == (
        2, "journeyc: error: --timezone 'Mars/Base': not a time zone name (e.g. UTC, Europe/Paris)\n")
    assert run("--path", str(WORKSPACE), bad) == (
        2, f"journeyc: error: {bad}: line 3: column 'entered_at': cannot read '15/01/2026' as a date (ISO 8601"
           " expected: 2026-01-31, 2026-01-31 09:30 or 2026-01-31T09:30:00Z)\n")


def test_a_read_no_longer_needed_is_stopped_and_its_files_removed(tmp_path: Path) -> None:
    history = tmp_path / "big.csv"
    with open(history, "w", encoding="utf-8") as out:
        out.write("record_id,pipeline,stage,entered_at,exited_at\n")
        out.writelines(f"r{n},deals,mql,2026-01-01T09:00:00Z,\n" for n in range(200_000))
    with preload.started([str(history)], "UTC") as early:
        spill = early.spill
        assert os.path.isdir(spill)
    assert not early.running() and not os.path.exists(spill)
    assert early.take() is None  # stopped: nothing is handed over, and no error surfaces


def test_a_read_busy_naming_a_bad_cell_does_not_hold_up_the_failure(monkeypatch: pytest.MonkeyPatch, write: Write,
                                                                   tmp_path: Path) -> None:
    """Looking for the bad cell is Python reading the whole file, which DuckDB cannot interrupt: stop() waits
    `patience` seconds, then leaves the daemon thread to end with the process."""
    searching, release = threading.Event(), threading.Event()

    def slow_locate(*args: object) -> None:
        searching.set()
        release.wait(10)

    monkeypatch.setattr(load, "locate", slow_locate)
    early = preload.Preload([write(BAD_DATE)], "UTC", str(tmp_path))
    assert searching.wait(10)
    early.stop(patience=0.1)
    assert early.running()
    release.set()
    early.stop()
    assert not early.running() and early.take() is None
