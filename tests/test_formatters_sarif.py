"""`--format sarif`: SARIF 2.1.0, validated against the OASIS schema in ../shared/specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeyc import __version__
from journeyc.cli import main
from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.formatters import FORMATTERS, Report, RuleInfo
from journeyc.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-saas"


def rule_infos() -> list[RuleInfo]:
    return [RuleInfo(r.code, r.name, r.severity, r.summary, r.doc) for r in RULES.values()]


def sarif(diags: list[Diagnostic], files: int = 1, rules: list[RuleInfo] | None = None) -> dict[str, Any]:
    report = Report(diags, files, rules=rule_infos() if rules is None else rules, version=__version__)
    out: dict[str, Any] = json.loads(FORMATTERS["sarif"](report))
    return out


def validate(log: dict[str, Any], specs: Path) -> None:
    from jsonschema import Draft4Validator

    schema = json.loads((specs / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


SPACED = "journeys/a b.yaml"
DIAGS = [
    Diagnostic("JC201", Severity.ERROR, "'hot lead' is a word to avoid", Position(SPACED, Span(3, 5, 3, 13)),
               "use 'MQL'"),
    Diagnostic("JC301", Severity.ERROR, "stage 'sql' has no owner", Position(SPACED, Span(7, 5, 12, 1))),
    Diagnostic("JC202", Severity.WARNING, "term 'X' is used by nothing",
               Position("vocabulary.yaml", Span.point(4, 11))),
    Diagnostic("JC303", Severity.INFO, "team 'x' owns nothing", Position("../teams.yaml", Span(2, 9, 2, 12))),
]


def test_log_validates_against_the_sarif_schema(specs: Path) -> None:
    validate(sarif(DIAGS), specs)
    validate(sarif([]), specs)
    validate(sarif(DIAGS, rules=[]), specs)


def test_driver_has_one_descriptor_per_rule_with_its_help() -> None:
    driver = sarif([])["runs"][0]["tool"]["driver"]
    assert driver["name"] == "journeyc" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    jc201 = next(r for r in driver["rules"] if r["id"] == "JC201")
    assert jc201["name"] == "avoided-word"
    assert jc201["shortDescription"]["text"] == RULES["JC201"].summary
    assert jc201["help"]["text"] == RULES["JC201"].doc and "**Anti-pattern**" in jc201["help"]["markdown"]
    assert jc201["defaultConfiguration"] == {"level": "error"}
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels["JC202"] == "warning" and levels["JC303"] == "note"


def test_results_carry_rule_level_message_and_region() -> None:
    run = sarif(DIAGS)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first, multi, point, info = run["results"]
    assert first == {
        "ruleId": "JC201",
        "ruleIndex": first["ruleIndex"],
        "level": "error",
        "message": {"text": "'hot lead' is a word to avoid [use 'MQL']"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "journeys/a%20b.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 13},
        }}],
    }
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert multi["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7, "startColumn": 5, "endLine": 12, "endColumn": 1}
    assert point["level"] == "warning"
    assert point["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 11}
    assert info["level"] == "note"
    assert info["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "../teams.yaml"
    assert run["columnKind"] == "unicodeCodePoints"
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_unknown_code_has_no_rule_index() -> None:
    odd = Diagnostic("JC999", Severity.ERROR, "?", Position("a.yaml", Span(1, 1, 1, 2)))
    assert "ruleIndex" not in sarif([odd])["runs"][0]["results"][0]


def test_output_is_deterministic_and_ends_with_newline() -> None:
    report = Report(DIAGS, 2, rules=rule_infos(), version=__version__)
    first = FORMATTERS["sarif"](report)
    assert first == FORMATTERS["sarif"](report)
    assert first.endswith("}\n")


def test_check_writes_sarif_beside_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, specs: Path) -> None:
    """`--format text --output-format sarif=PATH`: people read the text, code scanning gets the file."""
    from journeyc import scaffold as init

    ws = tmp_path / "ws"
    init.write(ws, init.scaffold())
    journey = ws / "journeys" / "new-business.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("    owner: sales\n", "", 1), encoding="utf-8")
    monkeypatch.chdir(ws)
    args = ["check", "--format", "text", "--output-format", "sarif=out/journeyc.sarif",
            "--output-format", "json=out/journeyc.json"]
    (ws / "out").mkdir()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stdout.startswith("journeys/new-business.yaml:41:5: JC301 error: stage 'sql' has no owner")
    written = (ws / "out" / "journeyc.sarif").read_text(encoding="utf-8")
    log = json.loads(written)
    validate(log, specs)
    (res,) = log["runs"][0]["results"]
    assert res["ruleId"] == "JC301"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "journeys/new-business.yaml"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 41
    assert json.loads((ws / "out" / "journeyc.json").read_text(encoding="utf-8"))["summary"]["errors"] == 1
    assert sorted(p.name for p in (ws / "out").iterdir()) == ["journeyc.json", "journeyc.sarif"]  # no temp file left
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and (ws / "out" / "journeyc.sarif").read_text(encoding="utf-8") == written


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/acme-saas is not there")
def test_example_workspace_validates(monkeypatch: pytest.MonkeyPatch, specs: Path) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", "--format", "sarif", "examples/acme-saas"])
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)
    validate(log, specs)
    for res in log["runs"][0]["results"]:
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("examples/acme-saas/")
