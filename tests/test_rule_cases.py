"""Rule cases as data: tests/rules/JCxxx.yaml lists workspaces and the exact diagnostics they give.

Each case starts from tests/rules/_base.yaml (a clean workspace), adds or replaces
files, and expects exactly the listed (code, file, line, column) for the codes it
is about (the file's code, or `codes:`); `messages:`, when given, lists the exact
[message, hint] of each, in the same order, and `fixes:` the texts its safe fix
writes (a list per diagnostic, null for one without a fix). `pytest -k JC201` runs
one rule's cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from journeyc import engine

RULES_DIR = Path(__file__).parent / "rules"
BASE = yaml.safe_load((RULES_DIR / "_base.yaml").read_text(encoding="utf-8"))


def _cases() -> list[pytest.param]:
    params = []
    for path in sorted(RULES_DIR.glob("JC*.yaml")):
        code = path.stem
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(code, case, id=f"{code}-{case['name']}"))
    return params


def _write(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write a case's files: text as UTF-8, `!!binary` as its bytes (other encodings), None deletes."""
    for rel, text in files.items():
        target = root / rel
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, BASE)
    _write(tmp_path, case.get("files", {}))
    monkeypatch.chdir(tmp_path)
    codes = set(case.get("codes", [code]))
    result = engine.check([Path(p) for p in case.get("paths", ["."])])
    got = [[d.code, d.position.file, d.position.line, d.position.column] for d in result.diagnostics]
    assert got == case["expect"], "\n".join(
        f"{d.position.file}:{d.position.line}:{d.position.column}: {d.code} {d.message}" for d in result.diagnostics)
    for d in result.diagnostics:
        assert d.hint, f"{d.code} at {d.position.line}:{d.position.column} has no hint: {d.message}"
        if d.code in codes and "message_contains" in case:
            assert case["message_contains"] in d.message
    if "messages" in case:
        assert [[d.message, d.hint] for d in result.diagnostics if d.code in codes] == case["messages"]
    if "fixes" in case:
        fixed = engine.check([Path(p) for p in case.get("paths", ["."])], engine.CheckOptions(fixes=True))
        assert [[e.text for e in d.fix.edits] if d.fix else None
                for d in fixed.diagnostics if d.code in codes] == case["fixes"]


def test_base_workspace_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, BASE)
    monkeypatch.chdir(tmp_path)
    assert engine.check([Path(".")]).diagnostics == []


def test_every_rule_has_cases() -> None:
    from journeyc.rules import RULES

    covered = {p.stem for p in RULES_DIR.glob("JC*.yaml")}
    assert covered == set(RULES)


def test_every_rule_is_documented_by_its_docstring() -> None:
    """`journeyc rules`, `explain` and the README read the registry: code, name, severity, summary, sections."""
    from inspect import cleandoc

    from journeyc.diagnostics import Severity
    from journeyc.rules import RULES

    for code, r in RULES.items():
        assert r.code == code
        assert r.doc == cleandoc(r.doc) and not r.doc.startswith("\n")
        assert r.summary == r.doc.splitlines()[0].rstrip(".") and not r.summary.endswith(".")
        assert all(section in r.doc for section in ("**Why it matters:**", "**Anti-pattern**", "**Best practice**"))
        assert (r.check is None) == (code <= "JC008")   # the loading codes and the baseline's are raised by the engine
    assert (RULES["JC001"].name, RULES["JC001"].severity, RULES["JC001"].summary) == \
        ("yaml-syntax", Severity.ERROR, "YAML syntax error")
    assert (RULES["JC006"].name, RULES["JC006"].severity) == ("unused-suppression", Severity.INFO)
    assert (RULES["JC401"].name, RULES["JC401"].severity, RULES["JC401"].summary) == \
        ("unreachable-stage", Severity.ERROR, "Stage unreachable from the start: no path of exits leads to it")
    assert (RULES["JC404"].name, RULES["JC404"].severity) == ("trap-stage", Severity.WARNING)
