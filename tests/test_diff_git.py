"""`journeyc diff REV` in a real git repository: revisions are read with git, the worktree and index stay as they were.

Each test builds a throwaway repository in tmp_path with the workspace in a
subdirectory (`revenue/`), commits the `done` fixture's base then its head (an
owner change, a removed stage and a redefined term: the issue's "Done means"),
and compares what `journeyc diff` says with the same diff of the two directories.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeyc.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "diff" / "done"
GOLDEN = Path(__file__).parent / "golden" / "diff" / "done.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


def fill(workspace: Path, side: str) -> None:
    if workspace.exists():
        shutil.rmtree(workspace)
    shutil.copytree(FIXTURE / side, workspace)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # the user's git configuration must not leak in (nor be needed)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key, value in (("NAME", "Test"), ("EMAIL", "test@example.com")):
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("not a journeyc file\n", encoding="utf-8")
    fill(root / "revenue", "base")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    fill(root / "revenue", "head")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "head")
    return root


def state(root: Path) -> tuple[str, str]:
    """What must not change: `git status --porcelain` and the index file itself."""
    status = git(root, "status", "--porcelain", "--untracked-files=all")  # refreshes the index first
    return status, hashlib.sha256((root / ".git" / "index").read_bytes()).hexdigest()


def directories_json() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["diff", str(FIXTURE / "base"), str(FIXTURE / "head"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def without_labels(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("base", "head")}


def test_diff_against_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = state(repo)
    monkeypatch.chdir(repo / "revenue" / "journeys")  # below the workspace root: found by journeyc.yaml
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["base"], data["head"]) == ("HEAD~1", "working tree")
    assert without_labels(data) == without_labels(directories_json())
    assert state(repo) == before


def test_two_revisions(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = state(repo)
    monkeypatch.chdir(repo / "revenue")
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--format", "json", "--exit-code"])
    assert result.exit_code == 1  # changes found
    assert without_labels(json.loads(result.output)) == without_labels(directories_json())
    assert CliRunner().invoke(main, ["diff", "HEAD", "HEAD", "--exit-code"]).output == \
        "journeyc diff: HEAD → HEAD\nNo changes.\n"
    assert state(repo) == before


def test_the_installed_command_names_the_three_changes(repo: Path) -> None:
    """The issue's "Done means", as a reviewer runs it: the installed `journeyc`, in a subprocess."""
    exe = Path(sys.executable).with_name("journeyc")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "journeyc"]
    before = state(repo)
    done = subprocess.run([*command, "diff", "HEAD~1", "--format", "markdown"], cwd=repo / "revenue",
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert (done.returncode, done.stderr) == (0, "")
    golden = GOLDEN.read_text(encoding="utf-8").replace("`base` → `head`", "`HEAD~1` → `working tree`")
    assert done.stdout == golden
    # exactly the three changes, what they mean for the CRM, and who should review
    assert "| stage | `demo` | **removed** |" in done.stdout
    assert "| stage | `sql` | changed: owner: `sdr` → `sales` |" in done.stdout
    assert "| term | MQL | redefined: definition:" in done.stdout
    assert "| Salesforce | **destructive** |" in done.stdout
    assert "| `sdr` Sales Development | `#sdr` | former owner of stage sales/sql |" in done.stdout
    assert "```mermaid\nflowchart LR\n" in done.stdout
    assert state(repo) == before


def test_dirty_working_tree_is_read_not_touched(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journey = repo / "revenue" / "journeys" / "sales.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("name: New business", "name: New deals"),
                       encoding="utf-8")
    (repo / "revenue" / "journeys" / "notes.yaml").write_text("untracked: true\n", encoding="utf-8")
    git(repo, "add", "revenue/journeys/notes.yaml")  # a staged change must survive too
    before = state(repo)
    monkeypatch.chdir(repo / "revenue")
    result = CliRunner().invoke(main, ["diff", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    (j,) = json.loads(result.output)["journeys"]
    assert j["changes"] == {"name": {"from": "New business", "to": "New deals"}}
    assert state(repo) == before
    assert "name: New deals" in journey.read_text(encoding="utf-8")


def test_path_option_and_workspace_at_the_repository_root(repo: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # outside the repository
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "--path", str(repo / "revenue"), "--format", "json"])
    assert without_labels(json.loads(result.output)) == without_labels(directories_json())
    # a workspace that is the whole repository (files with spaces and accents in their names too)
    flat = tmp_path / "flat"
    flat.mkdir()
    git(flat, "init", "-q")
    fill(flat / "ws", "base")
    for item in (flat / "ws").iterdir():
        item.rename(flat / item.name)
    (flat / "journeys" / "sales.yaml").rename(flat / "journeys" / "sales pipeline é.yaml")
    git(flat, "add", "-A")
    git(flat, "commit", "-q", "-m", "base")
    shutil.copy(FIXTURE / "head" / "journeys" / "sales.yaml", flat / "journeys" / "sales pipeline é.yaml")
    shutil.copy(FIXTURE / "head" / "vocabulary.yaml", flat / "vocabulary.yaml")
    monkeypatch.chdir(flat)
    result = CliRunner().invoke(main, ["diff", "HEAD", "--format", "json"])
    assert without_labels(json.loads(result.output)) == without_labels(directories_json())


def test_workspace_missing_at_the_base_revision(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    git(repo, "rm", "-q", "-r", "--cached", "revenue")
    git(repo, "commit", "-q", "-m", "drop")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "again")
    monkeypatch.chdir(repo / "revenue")
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(j["id"], j["status"]) for j in data["journeys"]] == [("sales", "added")]
    assert data["base_errors"] == 0
    assert first  # the repository really has history before the workspace came back


def test_bad_revision(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "revenue")
    for rev in ("no-such-branch", "--output=x"):
        result = CliRunner().invoke(main, ["diff", "--", rev] if rev.startswith("-") else ["diff", rev])
        assert result.exit_code == 2
        assert result.output.startswith(f"journeyc: error: unknown revision {rev!r}")
        assert result.output.count("\n") == 1
