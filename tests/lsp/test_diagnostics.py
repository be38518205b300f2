"""`journeyc lsp` diagnostics through a real client: what `journeyc check` says, as you type, where it reaches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from journeyc import engine
from lsp.editing import Editor, brief


def check_rows(root: Path, rel: str, overrides: dict[str, bytes] | None = None) -> list[tuple[object, ...]]:
    """What `journeyc check .` says about one file, as the editor's rows (0-based, message with its hint)."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = engine.check([root], engine.CheckOptions(overrides=overrides))
    finally:
        os.chdir(cwd)
    return sorted((d.position.line - 1, d.position.column - 1, d.position.span.end_line - 1,
                   d.position.span.end_column - 1, d.code, f"{d.message} [{d.hint}]" if d.hint else d.message)
                  for d in result.diagnostics if d.position.file == rel)


@pytest.mark.asyncio
async def test_opening_a_journey_shows_what_check_says(editor: Editor, workspace: Path) -> None:
    uri = editor.open("journeys/inbound.yaml")
    found = await editor.diagnostics(uri, lambda d: len(d) == 15)
    assert brief(found) == check_rows(workspace, "journeys/inbound.yaml")
    assert (21, 46, 21, 56, "JC201", "'lead chaud' is a word to avoid: the vocabulary says 'MQL' [use 'MQL']") \
        in brief(found)
    assert {d.source for d in found} == {"journeyc"}
    assert {d.code_description.href for d in found if d.code == "JC201"} == \
        {"https://github.com/journeyc/journeyc/blob/main/docs/rules.md#jc201"}
    assert {d.code: d.severity for d in found}["JC006"] == types.DiagnosticSeverity.Information


@pytest.mark.asyncio
async def test_other_files_are_published_at_start(editor: Editor, workspace: Path) -> None:
    found = await editor.diagnostics(editor.uri("teams.yaml"))
    assert brief(found) == [(14, 4, 14, 12, "JC004", "unknown key 'fonction' [did you mean 'function'?]")]


@pytest.mark.asyncio
async def test_typing_an_avoided_word_is_reported_at_once_and_unsaved(editor: Editor, workspace: Path) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    # line 30: "    description: Monthly newsletter until the person engages again."
    editor.type(uri, 29, len("    description: Monthly newsletter until the "), "hot lead ")
    found = await editor.diagnostics(uri, lambda d: len(d) == 16)
    assert (29, 46, 29, 54, "JC201", "'hot lead' is a word to avoid: the vocabulary says 'MQL' [use 'MQL']") \
        in brief(found)
    assert b"hot lead " not in (workspace / "journeys" / "inbound.yaml").read_bytes()[:1200]  # nothing written
    text = (workspace / "journeys" / "inbound.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[29] = lines[29].replace("until the ", "until the hot lead ")
    assert brief(found) == check_rows(workspace, "journeys/inbound.yaml",
                                      {str(workspace / "journeys" / "inbound.yaml"): "\n".join(lines).encode()})


@pytest.mark.asyncio
async def test_closing_a_document_makes_the_disk_the_truth_again(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    editor.type(uri, 29, 4, "owner: marketing\n    ")   # the nurture stage gets an owner: JC301 goes
    await editor.diagnostics(uri, lambda d: "JC301" not in {x.code for x in d})
    editor.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    found = await editor.diagnostics(uri, lambda d: "JC301" in {x.code for x in d})
    assert len(found) == 15


@pytest.mark.asyncio
async def test_removing_a_team_marks_the_journeys_that_use_it(editor: Editor) -> None:
    journey = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(journey, lambda d: len(d) == 15)
    teams = editor.open("teams.yaml")
    await editor.diagnostics(teams, lambda d: len(d) == 1)
    # lines 10-12 declare `sdr`, which stage `sql` of the journey names as its owner
    editor.type(teams, 9, 0, "", end=(12, 0))
    found = await editor.diagnostics(journey, lambda d: "unknown team 'sdr'" in {x.message.split(" [")[0]
                                                                               for x in d})
    assert [x for x in brief(found) if x[4] == "JC102"] == [
        (38, 11, 38, 14, "JC102", "unknown team 'sdr' [declared teams: marketing, sales]"),
        (54, 11, 54, 15, "JC102", "unknown team 'sale' [did you mean 'sales'?]")]
    editor.type(teams, 9, 0, "  - id: sdr\n    name: Sales Development\n    function: sales\n")
    found = await editor.diagnostics(journey, lambda d: "JC102" in {x.code for x in d} and len(d) == 15)
    assert [x for x in brief(found) if x[4] == "JC102"] == [(54, 11, 54, 15, "JC102",
                                                             "unknown team 'sale' [did you mean 'sales'?]")]


@pytest.mark.asyncio
async def test_a_duplicate_journey_id_reaches_the_other_file_once_typing_pauses(editor: Editor,
                                                                               workspace: Path) -> None:
    other = workspace / "journeys" / "aaa.yaml"  # before journeys/inbound.yaml: its id is the first one
    other.write_text("apiVersion: journeyc/v1\nkind: Journey\nid: other\nname: Other\nowner: sales\nstages:\n"
                     "  - {id: won, owner: sales, outcome: won, terminal: true, probability: 100}\n", encoding="utf-8")
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(other.as_uri(), types.FileChangeType.Created)]))
    uri = editor.open("journeys/aaa.yaml")
    await editor.diagnostics(uri, lambda d: not d)
    editor.type(uri, 2, 4, "", end=(2, 9))
    editor.type(uri, 2, 4, "inbound")   # now `id: inbound`, as journeys/inbound.yaml
    found = await editor.diagnostics(editor.uri("journeys/inbound.yaml"), lambda d: "JC101" in {x.code for x in d})
    assert [x[4:] for x in brief(found) if x[4] == "JC101"] == [
        ("JC101", "duplicate journey 'inbound' (first defined at journeys/aaa.yaml:3) [journeys must be unique:"
                  " rename or merge this one]")]


@pytest.mark.asyncio
async def test_positions_count_utf16_code_units(editor: Editor) -> None:
    uri = editor.open("journeys/inbound.yaml")
    await editor.diagnostics(uri, lambda d: len(d) == 15)
    editor.type(uri, 29, len("    description: "), "😀 hot lead, ")
    found = await editor.diagnostics(uri, lambda d: len(d) == 16)
    # the emoji is one character for journeyc and two UTF-16 code units for the editor
    assert (29, 20, 29, 28, "JC201", "'hot lead' is a word to avoid: the vocabulary says 'MQL' [use 'MQL']") \
        in brief(found)


def test_without_the_extra_lsp_says_what_to_install(tmp_path: Path) -> None:
    code = "import sys; sys.modules['pygls'] = None; from journeyc.cli import main; main(['lsp'])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "journeyc: error: journeyc lsp needs the `lsp` extra: pip install 'journeyc[lsp]'\n"
