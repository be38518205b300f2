"""`journeyc check` from the command line: exact output, exit codes, config and pre-commit semantics."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from journeyc.cli import main

BASE = yaml.safe_load((Path(__file__).parent / "rules" / "_base.yaml").read_text(encoding="utf-8"))

BAD_JOURNEY = """\
apiVersion: journeyc/v1
kind: Journey
id: bad
name: Bad
owner: sales
description: Call every hot lead.
signals: [{id: signed}]
stages:
  - id: first
    term: MQL
    sla_days: 3
    exits: [{to: second, when: signed}]
  - id: second
    term: Marketing Qualified Lead
    owner: marketing
    exits: [{to: won, when: signed}]
  - {id: won, term: Closed won, owner: sales, outcome: won, terminal: true}
"""


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for rel, text in BASE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "journeys" / "bad.yaml").write_text(BAD_JOURNEY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_text_output_is_exact(workspace: Path) -> None:
    code, out = run("check")
    assert code == 1
    assert out == (
        "journeys/bad.yaml:6:25: JC201 error: 'hot lead' is a word to avoid: the vocabulary says 'MQL' [use 'MQL']\n"
        "journeys/bad.yaml:9:5: JC301 error: stage 'first' has no owner: every stage needs an accountable team,"
        " or customers stagnate in it with nobody to act [add `owner: <team id>`]\n"
        "journeys/bad.yaml:9:9: JC506 warning: stage 'first' has no probability: HubSpot, Salesforce and Pipedrive"
        " get 10% (journeyc's default for an open stage with no earlier probability) [write `probability: 10` on the"
        " stage to say so, or the value you mean]\n"
        "journeys/bad.yaml:13:5: JC601 warning: stage 'second' has no sla_days: nothing tells when a lead is"
        " stagnating [add `sla_days: <days>`]\n"
        "journeys/bad.yaml:13:9: JC506 warning: stage 'second' has no probability: HubSpot, Salesforce and Pipedrive"
        " get 10% (journeyc's default for an open stage with no earlier probability) [write `probability: 10` on the"
        " stage to say so, or the value you mean]\n"
        "Found 2 errors, 3 warnings, 0 infos in 5 files.\n"
    )


def test_json_output_shape(workspace: Path) -> None:
    code, out = run("check", ".", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {"errors": 2, "warnings": 3, "infos": 0, "files": 5}
    first = data["diagnostics"][0]
    assert {k: first[k] for k in ("file", "line", "column", "code", "severity", "hint")} == {
        "file": "journeys/bad.yaml", "line": 6, "column": 25, "code": "JC201", "severity": "error", "hint": "use 'MQL'"}


def test_clean_workspace_exits_0(workspace: Path) -> None:
    (workspace / "journeys" / "bad.yaml").unlink()
    assert run("check") == (0, "All checks passed: 4 files, no problems.\n")


def test_fail_on_warning_and_select_ignore(workspace: Path) -> None:
    assert run("check", "--select", "JC302")[0] == 0
    # with JC601 off, the missing sla_days of 'second' is told as the handoff it breaks (JC302)
    assert run("check", "--select", "JC302", "--fail-on", "warning")[0] == 1
    code, out = run("check", "--ignore", "JC2,JC301")
    assert (code, out.count("\n")) == (0, 4)
    assert run("check", "--select", "bogus")[0] == 2


def test_config_rules_select_ignore_severity(workspace: Path) -> None:
    (workspace / "journeyc.yaml").write_text(
        "apiVersion: journeyc/v1\nkind: Config\nrules:\n  ignore: [JC201, JC6]\n  severity: {JC302: error}\n")
    code, out = run("check", "--format", "json")
    found = {(d["code"], d["severity"]) for d in json.loads(out)["diagnostics"]}
    assert found == {("JC301", "error"), ("JC302", "error"), ("JC506", "warning")}
    assert code == 1


def test_one_file_reports_only_that_file_from_any_directory(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "journeys" / "other.yaml").write_text(BAD_JOURNEY.replace("id: bad", "id: other"))
    code, out = run("check", "journeys/bad.yaml")
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines()[:-1]} == {"journeys/bad.yaml"}
    assert out.endswith("in 1 file.\n")
    monkeypatch.chdir(workspace / "journeys")
    code, out = run("check", "bad.yaml")
    assert out.splitlines()[0].startswith("bad.yaml:6:25: JC201")


def test_one_file_still_sees_duplicate_journey_ids_elsewhere(workspace: Path) -> None:
    (workspace / "journeys" / "zzz.yaml").write_text(BAD_JOURNEY)
    code, out = run("check", "journeys/zzz.yaml", "--select", "JC101")
    assert out.splitlines()[0] == (
        "journeys/zzz.yaml:3:5: JC101 error: duplicate journey 'bad' (first defined at journeys/bad.yaml:3)"
        " [journeys must be unique: rename or merge this one]")


def test_non_journeyc_files_passed_by_pre_commit_are_ignored(workspace: Path) -> None:
    (workspace / "ci.yaml").write_text("on: [push]\njobs: {}\n")
    (workspace / "journeys" / "bad.yaml").unlink()
    # named but not journeyc's: said, never counted as checked (issue 9 item 1)
    assert run("check", "ci.yaml") == (0, "No journeyc document was checked.\n"
                                          "Not checked: ci.yaml (not a journeyc document).\n")


def test_missing_path_exits_2(workspace: Path) -> None:
    result = CliRunner().invoke(main, ["check", "nope.yaml"])
    assert result.exit_code == 2
    assert "no such file or directory: nope.yaml" in result.output


def test_rules_explain_schema() -> None:
    from journeyc.rules import RULES

    code, out = run("rules")
    assert code == 0 and len(out.splitlines()) == len(RULES) == 37
    code, out = run("explain", "jc201")
    assert code == 0 and "devise" in out and "Anti-pattern" in out
    assert run("explain", "avoided-word") == (code, out)     # a rule's name works as well as its code
    assert run("explain", "JC999")[0] == 2
    code, out = run("schema", "Journey")
    assert json.loads(out)["title"] == "journeyc Journey"


def test_readme_rule_table_matches_the_registry() -> None:
    from journeyc.rules import RULES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| JC")]
    expected = [f"| {r.code} | {r.name} | {r.severity.label} | {r.summary} |" for r in RULES.values()]
    assert rows == expected


def test_installed_command_in_a_subprocess(workspace: Path) -> None:
    exe = shutil.which("journeyc", path=str(Path(sys.executable).parent)) or shutil.which("journeyc")
    assert exe, "the journeyc console script is installed with the package"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    proc = subprocess.run([exe, "check", "--format", "json"], cwd=workspace, capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["summary"]["errors"] == 2
    proc = subprocess.run([sys.executable, "-m", "journeyc", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "journeyc" in proc.stdout


def test_broken_example_output_is_the_readme_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """examples/broken/EXPECTED.txt is what `journeyc check` prints there, and the README shows it."""
    root = Path(__file__).resolve().parents[1]
    expected = (root / "examples" / "broken" / "EXPECTED.txt").read_text(encoding="utf-8")
    monkeypatch.chdir(root / "examples" / "broken")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out = run("check")
    assert (code, out) == (1, expected)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"$ cd examples/broken && journeyc check\n{expected}```" in readme


def test_clean_example_checks_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert run("check", "examples/acme-saas") == (0, "All checks passed: 5 files, no problems.\n")


def test_explicit_file_in_a_hidden_directory_is_checked(workspace: Path) -> None:
    (workspace / ".config").mkdir()
    (workspace / ".config" / "team.yaml").write_text("apiVersion: journeyc/v1\nkind: Teams\nteams: []\nbogus: 1\n")
    code, out = run("check", ".config/team.yaml", "--select", "JC004")
    assert (code, out.splitlines()[0].split(" [")[0]) == (1, ".config/team.yaml:4:1: JC004 error: unknown key 'bogus'")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_yaml_is_never_read(workspace: Path) -> None:
    os.mkfifo(workspace / "journeys" / "pipe.yaml")
    assert run("check", "journeys/pipe.yaml") == (0, "No journeyc document was checked.\n"
                                                     "Not checked: journeys/pipe.yaml (not a regular file).\n")
    assert run("check", "--select", "JC0")[0] == 0


def test_a_file_reached_through_links_is_checked_once_where_it_is(workspace: Path) -> None:
    (workspace / "journeys" / "bad.yaml").unlink()
    (workspace / "extra").mkdir()
    (workspace / "extra" / "t.yaml").write_text("apiVersion: journeyc/v1\nkind: Teams\nteams: []\nbogus: 1\n")
    (workspace / "aaa-link.yaml").symlink_to(workspace / "extra" / "t.yaml")
    (workspace / "a-dir-link").symlink_to(workspace / "extra")
    code, out = run("check", "--select", "JC004")
    assert out.splitlines()[0].startswith("extra/t.yaml:4:1: JC004")
    assert out.endswith("in 5 files.\n")
