"""The baseline: adopt journeyc on an imperfect map; only new findings fail, fixed ones leave the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyc.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "broken"
    shutil.copytree(ROOT / "examples" / "broken", root)
    (root / "EXPECTED.txt").unlink()
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_update_writes_a_small_sorted_file_and_check_passes(ws: Path) -> None:
    assert run("check", "--update-baseline", "--baseline", "baseline.json") == (
        0, "All checks passed: 4 files, no problems.\n16 findings in the baseline not shown (--no-baseline shows"
           " them).\n", "journeyc: wrote baseline.json: 16 findings\n")
    text = (ws / "baseline.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:3] == ["{", '  "version": 1,', '  "findings": ['] and lines[-2:] == ["  ]", "}"]
    entries = json.loads(text)["findings"]
    assert len(lines) == len(entries) + 5                             # one line per finding
    keys = [(e["file"], e["code"], e["fingerprint"], e["message"]) for e in entries]
    assert keys == sorted(keys)
    assert entries[0] == {"code": "JC002", "file": "journeys/inbound.yaml", "fingerprint": entries[0]["fingerprint"],
                          "message": "duplicate key 'sla_days' (first defined on line 23)"}
    assert {e["file"] for e in entries} == {"journeys/inbound.yaml", "teams.yaml"}
    assert run("check", "--baseline", "baseline.json")[0] == 0
    assert run("check", "--baseline", "baseline.json", "--no-baseline")[0] == 2   # contradictory
    assert run("check", "--no-baseline")[0] == 1


def test_a_line_added_above_keeps_a_finding_baselined_a_changed_text_brings_it_back(ws: Path) -> None:
    run("check", "--update-baseline", "--baseline", "baseline.json")
    journey = ws / "journeys" / "inbound.yaml"
    edit(journey, "name: Inbound\n", "name: Inbound\ndescription: From the first touch on.\n")
    assert run("check", "--baseline", "baseline.json")[:2] == (
        0, "All checks passed: 4 files, no problems.\n16 findings in the baseline not shown (--no-baseline shows"
           " them).\n")
    edit(journey, "chaque lead chaud avant", "chaque warm lead avant")
    code, out, _ = run("check", "--baseline", "baseline.json")
    assert code == 1
    assert out.splitlines()[:2] == [
        "baseline.json:8:5: JC008 info: baseline entry JC201 in journeys/inbound.yaml matches no finding [the finding"
        " is gone or its text changed: run `journeyc check --update-baseline`]",
        "journeys/inbound.yaml:23:47: JC201 error: 'warm lead' is a word to avoid: the vocabulary says 'MQL' [use"
        " 'MQL']"]


def test_update_removes_what_matches_nothing(ws: Path) -> None:
    run("check", "--update-baseline", "--baseline", "baseline.json")
    edit(ws / "teams.yaml", "    fonction: sales", "    function: sales")
    code, out, _ = run("check", "--baseline", "baseline.json")
    assert (code, out.splitlines()[0]) == (0, "baseline.json:19:5: JC008 info: baseline entry JC004 in teams.yaml"
                                              " matches no finding [the finding is gone or its text changed: run"
                                              " `journeyc check --update-baseline`]")
    assert run("check", "--update-baseline", "--baseline", "baseline.json")[2] == \
        "journeyc: wrote baseline.json: 15 findings\n"
    assert "teams.yaml" not in (ws / "baseline.json").read_text(encoding="utf-8")
    assert run("check", "--baseline", "baseline.json")[:2] == (
        0, "All checks passed: 4 files, no problems.\n15 findings in the baseline not shown (--no-baseline shows"
           " them).\n")


def test_journeyc_yaml_names_the_baseline_for_every_command(ws: Path) -> None:
    edit(ws / "journeyc.yaml", "kind: Config\n", "kind: Config\nbaseline: .journeyc/baseline.json\n")
    code, out, _ = run("check")   # named but not there: an error at `baseline:`, never silence
    assert (code, out.splitlines()[0], out.splitlines()[-1]) == (
        1, "journeyc.yaml:7:11: JC004 error: the baseline .journeyc/baseline.json does not exist [write it with"
           " `journeyc check --update-baseline`, or remove `baseline:`]", "Found 11 errors, 5 warnings, 1 info in 4"
                                                                          " files.")
    (ws / ".journeyc").mkdir()
    assert run("check", "--update-baseline")[2] == "journeyc: wrote .journeyc/baseline.json: 16 findings\n"
    assert run("check")[0] == 0
    assert run("check", "journeys/inbound.yaml")[0] == 0                       # as the pre-commit hook runs it
    code, out, _ = run("build", "--out", "out", "--no-svg", "--quiet")
    assert code == 0, out
    edit(ws / "journeys" / "inbound.yaml", "owner: sales\nsignals:", "owner: sales\ndescription: hot lead\nsignals:")
    code, out, _ = run("check", "journeys/inbound.yaml")
    assert (code, out.splitlines()[0]) == (1, "journeys/inbound.yaml:9:14: JC201 error: 'hot lead' is a word to"
                                              " avoid: the vocabulary says 'MQL' [use 'MQL']")


def test_baselined_findings_are_not_annotated_in_github_or_sarif(ws: Path) -> None:
    run("check", "--update-baseline", "--baseline", "b.json")
    edit(ws / "journeys" / "inbound.yaml", "owner: sales\nsignals:", "owner: sales\ndescription: hot lead\nsignals:")
    code, out, _ = run("check", "--baseline", "b.json", "--format", "github")
    assert code == 1
    assert out == ("::error file=journeys/inbound.yaml,line=9,col=14,endLine=9,endColumn=21,title=JC201::'hot lead'"
                   " is a word to avoid: the vocabulary says 'MQL' [use 'MQL']\n::notice title=journeyc::Found 1 error,"
                   " 0 warnings, 0 infos in 4 files. Each one is annotated above.\n")
    code, out, _ = run("check", "--baseline", "b.json", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("JC201", 9)]


def test_a_baseline_belongs_to_one_workspace(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ws, other)
    code, _, err = run("check", "--baseline", "b.json", str(ws), str(other))
    assert (code, err) == (2, "journeyc: error: a baseline belongs to one workspace, but the paths are in 2: check"
                              " them one workspace at a time\n")
    (ws / "b.json").write_text("[]", encoding="utf-8")
    assert run("check", "--baseline", "b.json")[2] == (
        "journeyc: error: b.json is not a journeyc baseline (an object with a `findings` list of entries with"
        " `code`, `file` and `fingerprint`)\n")
    assert run("check", "--update-baseline")[2] == (
        "journeyc: error: --update-baseline needs a baseline file: name one with --baseline FILE or with"
        " `baseline:` in journeyc.yaml\n")


def test_diff_reads_a_side_whose_baseline_is_not_there(ws: Path, tmp_path: Path) -> None:
    """A revision exported by `journeyc diff` holds only the YAML files: its journeyc.yaml may name a baseline
    that is not there, and the diff still reads it."""
    edit(ws / "journeyc.yaml", "kind: Config\n", "kind: Config\nbaseline: baseline.json\n")
    base = tmp_path / "base"
    shutil.copytree(ws, base)
    run("check", "--update-baseline")
    edit(ws / "journeys" / "inbound.yaml", "name: Inbound\n", "name: Inbound leads\n")
    code, out, err = run("diff", str(base), str(ws), "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["base_errors"] == 11   # the ten of the example and the missing baseline
