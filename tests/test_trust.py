"""Issue 9: journeyc never says "all clear" about a file it did not read. One regression test per item."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyc.cli import main

CONFIG = "apiVersion: journeyc/v1\nkind: Config\n"
TEAMS = ("apiVersion: journeyc/v1\nkind: Teams\nteams:\n  - {id: marketing, name: Marketing, function: marketing}\n"
         "  - {id: sales, name: Sales, function: sales}\n")
VOCABULARY = ("apiVersion: journeyc/v1\nkind: Vocabulary\nterms:\n"
              "  - {term: MQL, definition: A lead., owner: marketing}\n"
              "  - {term: Closed won, definition: Signed., owner: sales}\n")
JOURNEY_BODY = ("id: main\nname: Main\nowner: sales\nsignals: [{id: signed}]\nstages:\n"
                "  - {id: mql, term: MQL, owner: marketing, sla_days: 5, probability: 10,"
                " exits: [{to: won, when: signed}]}\n"
                "  - {id: won, term: Closed won, owner: sales, outcome: won, terminal: true}\n")
JOURNEY = "apiVersion: journeyc/v1\nkind: Journey\n" + JOURNEY_BODY


def workspace(root: Path, **files: str | bytes) -> Path:
    base: dict[str, str | bytes] = {"journeyc.yaml": CONFIG, "teams.yaml": TEAMS, "vocabulary.yaml": VOCABULARY,
                                    "journeys/main.yaml": JOURNEY}
    named = {k.replace("__", "/") + ".yaml": v for k, v in files.items()}   # journeys__main -> journeys/main.yaml
    for rel, text in {**base, **named}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def check(root: Path, *args: str) -> tuple[int, list[list[object]]]:
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    return result.exit_code, [[d["code"], d["file"], d["line"], d["column"]] for d in data["diagnostics"]]


# --- 1. a misspelled or missing apiVersion hides nothing -------------------------------------------------


@pytest.mark.parametrize(("header", "where"), [
    ("apiversion: journeyc/v1\nkind: Journey\n", [1, 1]),       # the key in another case
    ("apiVersion: journeyc.io/v1\nkind: Journey\n", [1, 13]),   # another apiVersion
    ("kind: Journey\n", [1, 1]),                               # no apiVersion at all
    ("apiVersion: journeyc/v1\nkind: journey\n", [2, 7]),       # the kind in another case
])
def test_item1_misspelled_or_missing_apiversion_is_an_error(tmp_path: Path, header: str, where: list[int]) -> None:
    root = workspace(tmp_path, journeys__main=header + JOURNEY_BODY)
    for args in ((), ("journeys/main.yaml",)):
        assert check(root, *args) == (1, [["JC003", "journeys/main.yaml", *where]])


# --- 2. the byte pre-filters never hide a document ------------------------------------------------------


def test_item2_a_journey_saved_as_utf16_is_refused_not_skipped(tmp_path: Path) -> None:
    root = workspace(tmp_path, journeys__main=JOURNEY.encode("utf-16"))
    assert check(root) == (1, [["JC005", "journeys/main.yaml", 1, 1]])


@pytest.mark.parametrize("variant", ["escaped", "long-comment", "long-first-document", "teams-bom", "teams-flow",
                                     "teams-cr"])
def test_item2_what_a_byte_scan_would_miss_is_read(tmp_path: Path, variant: str) -> None:
    files: dict[str, str | bytes] = {
        "escaped": {"journeys__main": 'apiVersion: "journeyc\\/v1"\nkind: Journey\n' + JOURNEY_BODY},
        "long-comment": {"journeys__main": "# " + "x" * 74_000 + "\n" + JOURNEY},
        "long-first-document": {"journeys__main": "x-padding: " + "y" * 60_000 + "\nz: " + "w" * 10_000 + "\n---\n"
                                + JOURNEY},
        "teams-bom": {"teams": b"\xef\xbb\xbf" + TEAMS.encode()},
        "teams-flow": {"teams": "{apiVersion: journeyc/v1, kind: Teams, teams: [{id: marketing, name: M,"
                                " function: marketing}, {id: sales, name: S, function: sales}]}\n"},
        "teams-cr": {"teams": TEAMS.replace("\n", "\r").encode()},
    }[variant]
    root = workspace(tmp_path, **files)
    if variant == "long-first-document":  # a document that is not journeyc's before the journey
        (root / "journeys" / "main.yaml").write_text(files["journeys__main"], encoding="utf-8")  # type: ignore[arg-type]
    whole = check(root)
    assert whole == (0, []), whole
    for one in ("journeys/main.yaml", "teams.yaml"):  # pre-commit mode says what `check .` says
        assert check(root, one) == whole


# --- 3. check FILE DIR ---------------------------------------------------------------------------------


def test_item3_check_file_and_dir_keeps_the_files_diagnostics(tmp_path: Path) -> None:
    root = workspace(tmp_path, journeys__main=JOURNEY.replace("owner: marketing", "owner: marketting"),
                     other__x="apiVersion: journeyc/v1\nkind: Teams\nteams: [{id: cs, name: CS, fonction: x}]\n")
    code, found = check(root, "journeys/main.yaml", "other")
    assert (code, found) == (1, [["JC102", "journeys/main.yaml", 8, 33], ["JC004", "other/x.yaml", 3, 28]])


# --- 4. selection never hides a file that failed to load -----------------------------------------------


def test_item4_select_never_hides_syntax_or_schema_errors(tmp_path: Path) -> None:
    root = workspace(tmp_path, journeyc="apiVersion: journeyc/v1\nkind: Config\nrules: {select: [jc601]}\n",
                     journeys__bad="apiVersion: journeyc/v1\nkind: Journey\nid: [unclosed\n")
    assert check(root) == (1, [["JC001", "journeys/bad.yaml", 3, 5]])


def test_item4_a_code_that_names_no_rule_is_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path, journeyc="apiVersion: journeyc/v1\nkind: Config\nrules: {select: [JC9]}\n")
    assert check(root) == (1, [["JC004", "journeyc.yaml", 3, 18]])
    result = CliRunner().invoke(main, ["check", str(root), "--select", "JC9"])
    assert result.exit_code == 2 and "'JC9' is not a rule code or a prefix of one" in result.stderr


def test_item4_cli_select_overrides_the_config_ignore(tmp_path: Path) -> None:
    no_sla = JOURNEY.replace(" sla_days: 5,", "")
    root = workspace(tmp_path, journeyc="apiVersion: journeyc/v1\nkind: Config\nrules: {ignore: [JC6]}\n",
                     journeys__main=no_sla)
    # with JC6 ignored, the missing sla_days is told as the handoff it leaves without a deadline (JC302)
    assert check(root) == (0, [["JC302", "journeys/main.yaml", 8, 69]])
    # --select replaces the config's select and ignore: JC601 runs, and says it once
    assert check(root, "--select", "JC601") == (0, [["JC601", "journeys/main.yaml", 8, 5]])


# --- 5. whole-number floats ------------------------------------------------------------------------------


def test_item5_whole_number_floats_are_the_integers_they_are(tmp_path: Path) -> None:
    journey = JOURNEY.replace("sla_days: 5", "sla_days: 3.0")
    journey = journey.replace("outcome: won,", "outcome: won, probability: 90.0,")
    root = workspace(tmp_path, journeys__main=journey)
    assert check(root) == (1, [["JC501", "journeys/main.yaml", 9, 74]])   # 90.0 is read: the won stage is not 100


# --- 6. no workspace, no pass -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["build"], ["diff", ".", "."]])
def test_item6_outside_a_workspace_journeyc_stops(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "x.yaml").write_text(JOURNEY, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, command)
    finally:
        os.chdir(old)
    assert result.exit_code == 2
    assert result.stderr == (f"journeyc: error: no journeyc.yaml in {tmp_path} or any directory above it: not a"
                             " journeyc workspace (run `journeyc init` to create one)\n")


def test_item6_a_workspace_without_journeys_warns_and_a_second_config_is_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path, extra="apiVersion: journeyc/v1\nkind: Config\n")
    (root / "journeys" / "main.yaml").unlink()
    # the terms no stage uses are not reported one by one: JC007 says there is no journey to use them
    assert check(root) == (1, [["JC003", "extra.yaml", 2, 7], ["JC007", "journeyc.yaml", 1, 1]])


# --- 8. suppressions only where a person wrote a comment ------------------------------------------------------


def test_item8_suppressions_are_real_comments_only(tmp_path: Path) -> None:
    no_sla = ("apiVersion: journeyc/v1\nkind: Journey\nid: main\nname: Main\nowner: sales\nsignals: [{id: signed}]\n"
              "stages:\n"
              "  - id: mql\n    term: MQL\n    owner: marketing\n    probability: 10\n"
              "    description: 'not a comment # journeyc: ignore'\n"
              "    exits: [{to: won, when: signed}]\n"
              "  - # journeyc: ignore[JC601]\n    id: sql\n    term: MQL\n    owner: marketing\n    probability: 10\n"
              "    exits: [{to: won, when: signed}]\n"
              "  - {id: won, term: Closed won, owner: sales, outcome: won, terminal: true}  # journeyc: ignore[]\n")
    root = workspace(tmp_path, journeys__main=no_sla)
    code, found = check(root, "--select", "JC6,JC006")
    assert found == [["JC601", "journeys/main.yaml", 8, 5],          # the quoted text silenced nothing
                     ["JC006", "journeys/main.yaml", 20, 78]]         # ignore[] names no code
    # (sql's JC601 is silenced by the comment on the line of its `-`)


# --- 9. links and crashes -------------------------------------------------------------------------------------


def test_item9_a_link_to_an_unreadable_special_file_is_no_crash(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "journeys" / "stdin.yaml").symlink_to("/proc/1/fd/0")
    assert check(root) == (1, [["JC005", "journeys/stdin.yaml", 1, 1]])   # said, never a crash


def test_item9_a_closed_pipe_ends_journeyc_quietly() -> None:
    exe = Path(sys.executable).with_name("journeyc")
    done = subprocess.run(f"'{exe}' explain JC201 | head -1", shell=True, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.stdout == "JC201 (avoided-word), default severity: error\n" and done.stderr == ""


def test_item9_a_named_link_is_judged_in_the_workspace_it_is_named_in(tmp_path: Path) -> None:
    outside = workspace(tmp_path / "other", journeyc=CONFIG + "x-other: true\n")   # another workspace's journey
    root = workspace(tmp_path / "ws")
    (root / "ext.yaml").symlink_to(outside / "journeys" / "main.yaml")
    code, found = check(root, "ext.yaml")
    # judged here, not in the workspace its target lives in: the journey id it repeats is this change's damage
    assert (code, found) == (1, [["JC101", "journeys/main.yaml", 3, 5]])


# --- the smaller gaps ---------------------------------------------------------------------------------------------


def test_a_template_override_that_matches_no_template_is_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    (tmp_path / "t" / "docs").mkdir(parents=True)
    (tmp_path / "t" / "docs" / "jounrey.md").write_text("typo\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "--templates", str(tmp_path / "t"), "--target", "docs",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == ("journeyc: error: --templates: docs/jounrey.md overrides no template"
                             " (did you mean 'docs/journey.md'?)\n")


def test_color_forces_colour_when_piped(tmp_path: Path) -> None:
    root = workspace(tmp_path, journeys__main=JOURNEY.replace("owner: marketing", "owner: marketting"))
    result = CliRunner().invoke(main, ["check", str(root), "--color"])
    assert "\x1b[31merror\x1b[0m" in result.stdout


def test_journeyc_yaml_is_never_a_file_not_checked(tmp_path: Path) -> None:
    """Found by the fuzzer: journeyc.yaml without a Config document was listed as not checked by `check
    journeyc.yaml`, which then hid its JC007 while `check .` reported it."""
    root = workspace(tmp_path, journeyc="just text\n--- {}\n")
    (root / "journeys" / "main.yaml").unlink()
    expected = [["JC007", "journeyc.yaml", 1, 1]]
    assert check(root) == (0, expected)
    assert check(root, "journeyc.yaml") == (0, expected[:1])
