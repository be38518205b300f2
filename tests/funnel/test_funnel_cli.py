"""`journeyc funnel` from the command line: exact outputs, golden reports and diagrams, and every bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from funnelkit import WORKSPACE, Write

from journeyc.cli import main

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "funnel"
PLANTED = """\
a1,deals,mql,2026-01-01,
a1,deals,sql,2026-01-02,
a1,deals,evaluation,2026-01-04,
a2,deals,mql,2026-01-01,
a2,deals,sql,2026-01-03,
a2,deals,evaluation,2026-01-05,
a3,deals,mql,2026-01-01,
a3,deals,sql,2026-01-02,
a3,deals,validation-achats,2026-01-06,
a4,deals,mql,2026-01-01,
a4,deals,sql,2026-01-02,
a4,deals,evaluation,2026-01-03,
a4,deals,validation-achats,2026-01-10,
a4,deals,won,2026-01-12,
a5,deals,mql,2026-01-01,
a5,deals,lost,2026-01-02,
a6,deals,mql,2026-11-29,
a7,deals,Old stage,2026-01-01,
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["funnel", "--path", str(WORKSPACE), "--as-of", "2026-12-01", *args])
    return result.exit_code, result.stdout, result.stderr


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_text_leads_with_the_sentence_then_the_table_and_the_missing_exits(write: Write) -> None:
    code, out, err = run(write(PLANTED))
    assert (code, err) == (0, "")
    assert out == """\
new-business/deals (New business): 6 deals, as of 2026-12-01
2 of 6 stages hold 100 % of stuck deals: Évaluation technique (67 %), Validation achats (33 %).

stage                 entered  open  stuck  converted  conversion  median d  p90 d  SLA d
MQL                         6     1      0          4        80 %       1.0    1.6      5
SQL                         4     0      0          4       100 %       2.0    3.4      5
Évaluation technique        3     2      2          1       100 %       7.0    7.0     10
Validation achats           2     1      1          1       100 %       2.0    2.0     10
Closed won                  1     0      0          0           —         —      —      —
Closed lost                 1     0      0          0           —         —      —      —

Moves the map lacks (add the exit to the stage in the journey's YAML):
  sql -> validation-achats: 1 move (1 deal); under stage sql: exits: [{to: validation-achats}]

CRM stages that match no stage of the journey: 'Old stage' (1 row)
"""


@pytest.mark.parametrize("fmt, name", [("markdown", "report.md"), ("dot", "new-business--deals.dot"),
                                       ("mermaid", "new-business--deals.mmd")])
def test_markdown_and_overlay_diagrams_match_their_golden_files(write: Write, update_golden: bool, fmt: str,
                                                                 name: str) -> None:
    code, out, err = run(write(PLANTED), "--format", fmt)
    assert (code, err) == (0, "")
    check_golden(name, out, update_golden)


def test_journey_filter_keeps_one_pipeline_and_refuses_an_absent_one(write: Write) -> None:
    path = write(PLANTED + "r,renewals,renewal,2026-01-01,\n")
    code, out, _ = run(path, "--format", "mermaid", "--journey", "renewals")
    assert code == 0 and out.count("flowchart LR") == 1 and "Renewal" in out
    code, out, err = run(path, "--journey", "upsell")
    assert (code, out) == (2, "")
    assert err == ("journeyc: error: --journey 'upsell': the history has no rows for it"
                   " (it has new-business/deals, renewals/renewals)\n")


BAD = [
    ("empty.csv", b"", "empty.csv: empty file (expected a header such as record_id,pipeline,stage,entered_at"
                       "[,exited_at])"),
    ("header.csv", b"record_id,pipeline,stage,entered_at\n", "header.csv: the header is there but there are no rows"),
    ("missing.csv", b"record_id,pipeline,entered_at\nr,deals,2026-01-01\n",
     "missing.csv: missing column 'stage' (generic format: record_id,stage,entered_at)"),
    ("date.csv", b"record_id,pipeline,stage,entered_at\nr,deals,mql,2026-01-01\nr,deals,sql,15/01/2026\n",
     "date.csv: line 3: column 'entered_at': cannot read '15/01/2026' as a date (ISO 8601 expected: 2026-01-31,"
     " 2026-01-31 09:30 or 2026-01-31T09:30:00Z)"),
    ("quoted.csv", b'record_id,pipeline,stage,entered_at\n"r\nx",deals,mql,2026-01-01\nr,deals,sql,2026-01-0x\n',
     "quoted.csv: line 4: column 'entered_at': cannot read '2026-01-0x' as a date (ISO 8601 expected: 2026-01-31,"
     " 2026-01-31 09:30 or 2026-01-31T09:30:00Z)"),
    ("ragged.csv", b"record_id,pipeline,stage,entered_at\nr,deals,mql,2026-01-01\nr,deals,sql\n",
     "ragged.csv: line 3: a row has more or fewer fields than the header"),
    ("latin1.csv", b"record_id,pipeline,stage,entered_at\nr,deals,\xe9valuation,2026-01-01\n",
     "latin1.csv: line 2: not UTF-8 text: save the export as CSV UTF-8"),
    ("utf16.csv", "record_id,pipeline,stage,entered_at\n".encode("utf-16"),
     "utf16.csv: UTF-16 text: save the export as CSV UTF-8"),
    ("unknown.csv", b"record_id,pipeline,stage,entered_at\nr,Partners,mql,2026-01-01\nr,,mql,2026-01-02\n",
     "no history row belongs to a pipeline of the workspace: the history names no pipeline (1 row), 'Partners'"
     " (1 row); the workspace has new-business/deals, renewals/renewals; rows that name no pipeline need"
     " --pipeline JOURNEY/PIPELINE"),
    ("infinite.csv", b"record_id,pipeline,stage,entered_at\nr,deals,mql,infinity\n",
     "infinite.csv: line 2: column 'entered_at': cannot read 'infinity' as a date (ISO 8601 expected: 2026-01-31,"
     " 2026-01-31 09:30 or 2026-01-31T09:30:00Z)"),
]


@pytest.mark.parametrize("name, data, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes,
                                          message: str) -> None:
    (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    assert run(name) == (2, "", f"journeyc: error: {message}\n")


def test_skipped_rows_are_counted_and_said(write: Write) -> None:
    code, out, _ = run(write("r,deals,mql,2026-01-01,\nx,Partners,mql,2026-01-01,\ny,,mql,2026-01-01,\n"
                             ",deals,mql,2026-01-01,\nz,deals,mql,2027-01-01,\n"))
    assert code == 0
    assert out.splitlines()[-4:] == [
        "note: 1 row without a pipeline skipped: pass --pipeline JOURNEY/PIPELINE",
        "note: 1 row of pipeline 'Partners' skipped: the workspace has no such pipeline",
        "note: 1 row without a record id, stage or entry date skipped",
        "note: 1 row entered after 2026-12-01 ignored (--as-of)",
    ]


def test_usage_errors(tmp_path: Path, write: Write) -> None:
    assert run() == (2, "", "journeyc: error: give at least one HISTORY file (or --emit-sql DIALECT)"
                            " (see 'journeyc funnel --help')\n")
    assert run(write("r,deals,mql,2026-01-01,\n"), "--timezone", "Mars/Base") == (
        2, "", "journeyc: error: --timezone 'Mars/Base': not a time zone name (e.g. UTC, Europe/Paris)\n")
    assert run(str(tmp_path)) == (2, "", f"journeyc: error: {tmp_path}: is a directory, not a CSV file\n")
    assert run("--emit-sql", "oracle")[0] == 2


def test_without_the_funnel_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # `import duckdb` now raises ImportError
    assert run("h.csv") == (2, "", "journeyc: error: journeyc funnel needs DuckDB and sqlglot:"
                                   " pip install 'journeyc[funnel]'\n")


def test_labels_from_the_export_cannot_drive_the_terminal(write: Write) -> None:
    _, out, _ = run(write("r,deals,mql,2026-01-01,\nr,deals,\x1b[2J\u202eevil,2026-01-02,\n"))
    assert "\x1b" not in out and "\u202e" not in out
    assert "'\\x1b[2J\\u202eevil' (1 row)" in out


def test_a_workspace_with_errors_is_refused(tmp_path: Path, write: Write) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    (tmp_path / "ws" / "journeys" / "bad.yaml").write_text("apiVersion: journeyc/v1\nkind: Journey\nid: 1\n")
    result = CliRunner().invoke(main, ["funnel", "--path", str(tmp_path / "ws"), write("r,deals,mql,2026-01-01,\n")])
    assert (result.exit_code, result.stderr) == (
        2, "journeyc: error: the workspace has 3 error(s) in its files: run journeyc check first\n")


def test_the_installed_command_runs_in_a_subprocess(write: Write) -> None:
    exe = shutil.which("journeyc", path=os.path.dirname(sys.executable))
    assert exe is not None
    done = subprocess.run([exe, "funnel", write(PLANTED), "--as-of", "2026-12-01", "--format", "json"],
                          cwd=WORKSPACE, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert '"bottlenecks": [\n        "evaluation",\n        "validation-achats"\n      ]' in done.stdout
