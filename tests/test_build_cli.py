"""`journeyc build` from the command line: exact exit codes and messages, layout, --check, atomicity."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner, Result

from journeyc.build import emit as emitting
from journeyc.build import writer
from journeyc.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-saas"
BROKEN = ROOT / "examples" / "broken"
CRM = ("--target", "hubspot", "--target", "salesforce", "--target", "pipedrive", "--target", "csv")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["build", *map(str, args)])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_crm_targets_of_the_example(tmp_path: Path) -> None:
    result = run(EXAMPLE, "--out", tmp_path / "out", *CRM)
    assert result.exit_code == 0, result.output
    tree = _tree(tmp_path / "out")
    assert result.stdout == f"wrote {len(tree) - 1} files to {tmp_path / 'out'}\n"
    assert {name.split("/")[1] for name in tree if name.startswith("crm/")} == {
        "hubspot", "salesforce", "pipedrive", "stages.csv"}
    assert writer.MARKER in tree
    assert "journeyc: note: pipedrive: not exported (Pipedrive pipelines hold deals only)" in result.stderr


def test_the_whole_example_builds_deterministically(tmp_path: Path) -> None:
    first = run(EXAMPLE, "--out", tmp_path / "a", "--no-svg")
    assert first.exit_code == 0, first.output
    second = run(EXAMPLE, "--out", tmp_path / "b", "--no-svg")
    assert second.exit_code == 0, second.output
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b
    for rel in ("journeys.json", "docs/index.md", "docs/glossary.md", "crm/stages.csv",
                "crm/salesforce/package.xml", "diagrams/new-business.dot", "diagrams/new-business.mmd"):
        assert rel in a, rel


def test_errors_refuse_the_build_and_are_printed_like_check(tmp_path: Path) -> None:
    result = run(BROKEN, "--out", tmp_path / "out")
    assert result.exit_code == 1
    checked = CliRunner().invoke(main, ["check", str(BROKEN), "--format", "text", "--no-color"])
    assert result.stdout == checked.stdout
    assert result.stderr == "journeyc: build refused: check found errors; nothing was written\n"
    assert not (tmp_path / "out").exists()


def test_a_foreign_directory_is_refused_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = run(EXAMPLE, "--out", tmp_path / "mine", *CRM)
    assert result.exit_code == 2
    assert result.stderr == (f"journeyc: error: refusing to replace {tmp_path / 'mine'}: it was not created by"
                             " journeyc build (no .journeyc-build marker)\n")
    assert _tree(tmp_path / "mine") == {"notes.txt": b"keep me"}


@pytest.mark.parametrize(("args", "message"), [
    (("--target", "excel"), "unknown target 'excel' (targets: model, diagrams, docs, hubspot, salesforce,"
                            " pipedrive, csv)"),
    (("--templates", "no-such-dir"), "--templates: no-such-dir is not a directory"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run(EXAMPLE, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert result.stderr == f"journeyc: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_missing_path_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"journeyc: error: no such file or directory: {tmp_path / 'nowhere'}\n"


def test_check_fresh_stale_missing_extra(tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = run(EXAMPLE, "--out", out, "--target", "csv", "--check")
    assert missing.exit_code == 1
    assert missing.stdout == f"missing: {out}/crm/stages.csv\n{out} is out of date: run journeyc build\n"
    assert not out.exists()   # --check writes nothing
    assert run(EXAMPLE, "--out", out, "--target", "csv").exit_code == 0
    fresh = run(EXAMPLE, "--out", out, "--target", "csv", "--check")
    assert (fresh.exit_code, fresh.stdout) == (0, f"{out} is up to date (1 file)\n")
    (out / "crm" / "stages.csv").write_text("edited\n")
    (out / "crm" / "notes.md").write_text("stray\n")
    stale = run(EXAMPLE, "--out", out, "--target", "csv", "--check")
    assert stale.exit_code == 1
    assert stale.stdout == (f"stale: {out}/crm/stages.csv\nextra: {out}/crm/notes.md\n"
                            f"{out} is out of date: run journeyc build\n")
    assert (out / "crm" / "stages.csv").read_text() == "edited\n"


def test_default_out_and_targets_come_from_journeyc_yaml(make_workspace, hostile,
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = make_workspace(hostile, build={"out": "generated/crm", "targets": ["csv", "hubspot"]})
    monkeypatch.chdir(tmp_path)   # build.out is relative to the workspace root, not to the current directory
    result = run(root / "journeys")   # any path inside the workspace builds the whole workspace
    assert result.exit_code == 0, result.output
    assert sorted(_tree(root / "generated" / "crm")) == [".journeyc-build", "crm/hubspot/README.md",
                                                         "crm/hubspot/hostile.json", "crm/stages.csv"]
    assert result.stdout == "wrote 3 files to ws/generated/crm\n"


def test_default_out_without_config_and_out_relative_to_cwd(make_workspace, hostile,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = make_workspace(hostile)
    assert run(root, "--target", "csv").exit_code == 0
    assert (root / "build" / "journeyc" / "crm" / "stages.csv").is_file()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run(root, "--target", "csv", "--out", "rel", "--quiet")
    assert (result.exit_code, result.stdout) == (0, "")
    assert (tmp_path / "elsewhere" / "rel" / "crm" / "stages.csv").is_file()
    again = run(root, "--target", "csv")   # the earlier output is not read back as input
    assert again.exit_code == 0, again.output


def test_a_failing_emitter_leaves_the_previous_output_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run(EXAMPLE, "--out", out, *CRM).exit_code == 0
    before = _tree(out)

    def broken(ws: Any, options: Any) -> Any:
        def half(f: Any) -> None:  # stages.csv is written a part at a time: fail after the first
            f.write(b"journey,journey_name\n")
            raise RuntimeError("boom")

        return {PurePosixPath("crm/stages.csv"): half}

    real = emitting.streamer
    monkeypatch.setattr(emitting, "streamer", lambda target: broken if target == "csv" else real(target))
    result = run(EXAMPLE, "--out", out, *CRM)
    assert result.exit_code == 2
    assert result.stderr == "journeyc: error: internal error: RuntimeError: boom (please report this)\n"
    assert _tree(out) == before


def test_an_interrupt_while_writing_leaves_the_previous_output_intact(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run(EXAMPLE, "--out", out, *CRM).exit_code == 0
    (out / "crm" / "stages.csv").write_bytes(b"previous\n")
    before = _tree(out)
    real, count = writer.write_file, [0]

    def interrupted(root: Path, rel: str, data: bytes) -> None:
        count[0] += 1
        if count[0] == 5:
            raise KeyboardInterrupt
        real(root, rel, data)

    monkeypatch.setattr(writer, "write_file", interrupted)
    monkeypatch.setattr(writer, "reuse", lambda *args: False)  # every file written, none linked from the last build
    result = run(EXAMPLE, "--out", out, "--no-cache", *CRM)
    assert (result.exit_code, result.stderr) == (130, "journeyc: interrupted\n")
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_progress_is_drawn_only_for_many_diagrams() -> None:
    stream = io.StringIO()
    from journeyc.cli.build import progress_line

    show = progress_line(stream)
    show(1, 3)
    assert stream.getvalue() == ""
    for done in range(1, 11):
        show(done, 10)
    assert stream.getvalue().startswith("\rrendering diagrams: 1/10\rrendering diagrams: 2/10")
    assert stream.getvalue().endswith("\rrendering diagrams: 10/10\r\x1b[K")


def test_the_installed_command_builds_the_same_bytes_twice(tmp_path: Path, make_workspace, hostile) -> None:
    exe = shutil.which("journeyc", path=str(Path(sys.executable).parent))
    assert exe is not None
    root = make_workspace(hostile)
    for name in ("one", "two"):
        done = subprocess.run([exe, "build", str(root), "--out", str(tmp_path / name), *CRM],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert len(_tree(tmp_path / "one")) > 5
