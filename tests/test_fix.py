"""`journeyc fix` and `check --fix`: exact edits, everything else byte for byte, verified, atomic, idempotent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyc import fixer
from journeyc.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEAMS = """\
apiVersion: journeyc/v1
kind: Teams
teams:
  - {id: marketing, name: Marketing, function: marketing}
  - {id: sales, name: Sales, function: sales}
"""
VOCABULARY = """\
apiVersion: journeyc/v1
kind: Vocabulary
terms:
  - term: qualified lead
    definition: A lead that marketing qualified.
    owner: marketing
    avoid: [hot lead, lead chaud]
  - term: Closed won
    definition: The contract is signed.
    owner: sales
    see_also: [qualified lead]
"""
JOURNEY = """\
apiVersion: journeyc/v1
kind: Journey
id: main
name: Main
owner: sales
signals: [{id: signed}]
stages:
  - id: mql
    term: qualified lead
    owner: marketing
    sla_days: 5
    probability: 10
    description: Hot lead calls come first. Then every hot lead gets a mail.
    actions: ["Call the \\"hot lead\\" now", 'Mail each hot lead, it''s free']   # quoted, kept as quoted
    content:
      - >
        A folded text about a hot
        lead, on two lines
    exits: [{to: won, when: signed}]
  - {id: won, term: Closed won, owner: sales, outcome: won, terminal: true, probability: 100}
"""


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write(tmp_path / "ws", {"journeyc.yaml": "apiVersion: journeyc/v1\nkind: Config\n", "teams.yaml": TEAMS,
                                   "vocabulary.yaml": VOCABULARY, "journeys/main.yaml": JOURNEY})
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


FIXED = JOURNEY.replace(
    "description: Hot lead calls come first. Then every hot lead gets a mail.",
    "description: Qualified lead calls come first. Then every qualified lead gets a mail.").replace(
    """actions: ["Call the \\"hot lead\\" now", 'Mail each hot lead, it''s free']""",
    """actions: ["Call the \\"qualified lead\\" now", 'Mail each qualified lead, it''s free']""").replace(
    "A folded text about a hot\n        lead, on two lines", "A folded text about a qualified lead, on two lines")


def test_fix_rewrites_only_the_avoided_words(ws: Path) -> None:
    assert run("check")[0] == 1
    assert run("fix") == (0, "journeys/main.yaml: 5 fixes applied\nFixed 5 problems in 1 file.\n")
    assert (ws / "journeys" / "main.yaml").read_text(encoding="utf-8") == FIXED
    assert run("check") == (0, "All checks passed: 4 files, no problems.\n")
    assert run("fix") == (0, "Nothing to fix.\n")          # twice: nothing the second time
    assert sorted(p.name for p in (ws / "journeys").iterdir()) == ["main.yaml"]   # no temporary file left


def test_diff_shows_the_edits_and_writes_nothing(ws: Path) -> None:
    code, out = run("fix", "--diff")
    assert code == 1
    assert out.startswith("--- a/journeys/main.yaml\n+++ b/journeys/main.yaml\n@@ -10,11 +10,10 @@\n")
    assert "-    description: Hot lead calls come first. Then every hot lead gets a mail.\n" in out
    assert "+    description: Qualified lead calls come first. Then every qualified lead gets a mail.\n" in out
    assert (ws / "journeys" / "main.yaml").read_text(encoding="utf-8") == JOURNEY
    run("fix")
    assert run("fix", "--diff") == (0, "")


def test_line_endings_and_a_byte_order_mark_are_kept(ws: Path) -> None:
    raw = b"\xef\xbb\xbf" + JOURNEY.replace("\n", "\r\n").encode("utf-8")
    write(ws, {"journeys/main.yaml": raw})
    assert run("fix")[0] == 0
    assert (ws / "journeys" / "main.yaml").read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


def test_only_the_files_named_are_fixed(ws: Path) -> None:
    write(ws, {"journeys/other.yaml": JOURNEY.replace("id: main", "id: other")})
    # the two journeys would be one pipeline in each CRM: what is left (one JC505 naming both), in the file fixed
    assert run("fix", "journeys/other.yaml") == (0, "journeys/other.yaml: 5 fixes applied\nFixed 5 problems in 1 "
                                                    "file. 1 diagnostic left: run `journeyc check`.\n")
    assert (ws / "journeys" / "main.yaml").read_text(encoding="utf-8") == JOURNEY


def test_a_fix_that_would_make_another_diagnostic_appear_is_left_out(ws: Path) -> None:
    # the term to write holds a word another term avoids: writing it would be a new JC201 each time
    gold = {"vocabulary.yaml": VOCABULARY.replace("qualified lead", "Gold lead") +
            "  - term: Prospect\n    definition: Anyone.\n    owner: sales\n    avoid: [gold]\n"
            "    see_also: [Closed won]\n", "journeys/main.yaml": JOURNEY.replace("qualified lead", "Gold lead")}
    write(ws, gold)
    assert run("fix") == (0, "Nothing to fix. 5 fixes left out: each would have made another diagnostic appear."
                             " 6 diagnostics left: run `journeyc check`.\n")
    assert (ws / "journeys" / "main.yaml").read_text(encoding="utf-8") == gold["journeys/main.yaml"]


def test_a_plain_text_takes_only_what_stays_plain_text(ws: Path) -> None:
    write(ws, {"vocabulary.yaml": VOCABULARY.replace("term: qualified lead", "term: 'lead: qualified'").replace(
        "see_also: [qualified lead]", "see_also: ['lead: qualified']"),
        "journeys/main.yaml": JOURNEY.replace("term: qualified lead", "term: 'lead: qualified'")})
    run("fix")
    text = (ws / "journeys" / "main.yaml").read_text(encoding="utf-8")
    # `: ` would end a plain scalar: the description keeps its words; the quoted texts take the term
    assert "description: Hot lead calls come first. Then every hot lead gets a mail." in text
    assert """actions: ["Call the \\"lead: qualified\\" now", 'Mail each lead: qualified, it''s free']""" in text


def test_unused_suppressions_leave_their_comments(ws: Path) -> None:
    journey = JOURNEY.replace("    description: Hot lead calls come first. Then every hot lead gets a mail.\n", "") \
        .replace("    sla_days: 5\n", "    sla_days: 5   # journeyc: ignore[JC601, JC102]  kept? no\n") \
        .replace("  - id: mql\n", "  # journeyc: ignore[JC601]\n  - id: mql   # journeyc: ignore[JC302, JC201]\n")
    write(ws, {"journeys/main.yaml": journey})
    assert run("fix")[0] == 0
    text = (ws / "journeys" / "main.yaml").read_text(encoding="utf-8")
    assert "  # journeyc: ignore[JC601]\n" not in text                          # a comment alone on its line
    assert "    sla_days: 5\n" in text                                          # every code unused: all of it
    assert "  - id: mql   # journeyc: ignore[JC201]\n" in text                  # JC201 is silenced there


def test_a_file_changed_on_disk_is_not_written(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = fixer.fix

    def slow(*args: object, **kwargs: object) -> fixer.FixResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        (ws / "journeys" / "main.yaml").write_text(JOURNEY + "# edited meanwhile\n", encoding="utf-8")
        return result

    monkeypatch.setattr(fixer, "fix", slow)
    assert run("fix") == (1, "journeys/main.yaml: changed on disk while journeyc was fixing it, not written: run"
                             " `journeyc fix` again\nNothing to fix.\n")
    assert (ws / "journeys" / "main.yaml").read_text(encoding="utf-8") == JOURNEY + "# edited meanwhile\n"


def test_check_fix_fixes_then_reports_what_is_left(ws: Path) -> None:
    write(ws, {"journeys/main.yaml": JOURNEY.replace("    owner: marketing\n", "")})
    result = CliRunner().invoke(main, ["check", "--fix"])
    assert result.exit_code == 1
    assert result.stdout == ("journeys/main.yaml:8:5: JC301 error: stage 'mql' has no owner: every stage needs an"
                             " accountable team, or customers stagnate in it with nobody to act [add `owner: <team"
                             " id>`]\nFound 1 error, 0 warnings, 0 infos in 4 files.\n")
    assert result.stderr == "journeys/main.yaml: 5 fixes applied\nFixed 5 problems in 1 file.\n"


def test_rules_and_explain_say_which_rules_have_a_fix() -> None:
    code, out = run("rules")
    fixable = [line.split()[0] for line in out.splitlines() if "  fix  " in line]
    assert code == 0 and fixable == ["JC006", "JC201"]
    assert run("explain", "JC201")[1].splitlines()[1] == (
        "Safe fix: `journeyc fix` replaces the word with the term (capitalised at the start of a sentence)")
    assert run("explain", "JC301")[1].splitlines()[1] == "Safe fix: none: `journeyc fix` leaves it to you"


def test_the_broken_example_is_fixed_without_touching_anything_else(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "broken"
    shutil.copytree(ROOT / "examples" / "broken", root)
    monkeypatch.chdir(root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert run("fix")[0] == 0
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    changed = {p.relative_to(root).as_posix() for p in before if before[p] != after[p]}
    assert changed == {"journeys/inbound.yaml"}
    old = before[root / "journeys" / "inbound.yaml"].decode().split("\n")
    new = after[root / "journeys" / "inbound.yaml"].decode().split("\n")
    assert [(i + 1, a, b) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == [
        (22, "    description: Le marketing qualifie chaque lead chaud avant de le passer aux SDR.",
         "    description: Le marketing qualifie chaque MQL avant de le passer aux SDR."),
        (40, "    actions: [Call every hot lead within one hour]   # JC201 again, in English",
         "    actions: [Call every MQL within one hour]   # JC201 again, in English"),
        (47, "    sla_days: 7                  # journeyc: ignore[JC601]", "    sla_days: 7"),
    ]
    assert os.listdir(root / "journeys") == ["inbound.yaml"]


def test_the_readme_diff_is_what_fix_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- journeyc-doc-test: fix-diff -->\n```console\n\$ cd examples/broken && journeyc fix"
                      r" --diff\n(.*?)```", readme, re.S)
    assert block is not None
    shutil.copytree(ROOT / "examples" / "broken", tmp_path / "broken")
    monkeypatch.chdir(tmp_path / "broken")
    assert run("fix", "--diff") == (1, block.group(1))


def test_comments_of_a_file_that_is_not_journeycs_are_not_judged(ws: Path) -> None:
    """Regression (found by the fuzzer): `check .` reported JC006 in a YAML file that holds no journeyc document,
    which `check FILE` rightly skips."""
    write(ws, {"ci.yaml": "name: ci  # journeyc: ignore\nkind: other\n"})
    assert run("check", "--select", "JC006") == (0, "All checks passed: 5 files, no problems.\n")
    assert run("check", "ci.yaml") == (0, "No journeyc document was checked.\nNot checked: ci.yaml (not a journeyc"
                                          " document).\n")
