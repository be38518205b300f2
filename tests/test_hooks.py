"""The pre-commit hooks of `.pre-commit-hooks.yaml`, tested the way check-jsonschema tests its own.

Each hook's `entry` is run on positive and negative workspaces, with the files
pre-commit would pass; the slow tests drive the real pre-commit framework.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeyc import scaffold as init
from journeyc.cli import main

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
EXAMPLE = ROOT / "examples" / "acme-saas"
BROKEN = ROOT / "examples" / "broken"
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
HAS_BUILD = "build" in main.commands

# pre_commit/clientlib.py MANIFEST_HOOK_DICT (../shared/specs/pre-commit-hooks-manifest.md)
MANIFEST_KEYS = {
    "minimum_pre_commit_version", "id", "name", "entry", "language", "alias", "files", "exclude", "types",
    "types_or", "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast", "pass_filenames",
    "description", "language_version", "log_file", "require_serial", "stages", "verbose",
}


def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list), "the manifest is a list of hooks"
    return {h["id"]: h for h in data}


def run_hook(hook_id: str, cwd: Path, files: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry as pre-commit would: its words, then its args, then the files (if it takes them)."""
    hook = hooks()[hook_id]
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    assert argv[0] == "journeyc"
    argv[0] = str(BIN / "journeyc")
    if hook.get("pass_filenames", True):
        argv += selected(hook, files if files is not None else all_files(cwd))
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=300, env=_env(cwd))


def selected(hook: dict[str, Any], files: list[str]) -> list[str]:
    """pre-commit's own filter: `files`/`exclude` regexes, then identify's type tags (by name: files may not exist)."""
    from identify.identify import tags_from_filename

    include, exclude = re.compile(hook.get("files", "")), re.compile(hook.get("exclude", "^$"))
    types = set(hook.get("types", ["file"]))
    return [f for f in files
            if include.search(f) and not exclude.search(f) and types <= tags_from_filename(f) | {"file"}]


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def make_workspace(where: Path, *, broken: bool = False) -> Path:
    init.write(where, init.scaffold())
    if broken:
        journey = where / "journeys" / "new-business.yaml"
        journey.write_text(journey.read_text(encoding="utf-8").replace("    owner: sales\n", "", 1), encoding="utf-8")
    return where


def _env(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.pop("GITHUB_ACTIONS", None)
    env["NO_COLOR"] = "1"
    return env


# --- the manifest ----------------------------------------------------------------


def test_manifest_has_the_two_hooks_with_known_fields_only() -> None:
    found = hooks()
    assert list(found) == ["journeyc-check", "journeyc-docs"]
    for hook in found.values():
        assert set(hook) <= MANIFEST_KEYS, set(hook) - MANIFEST_KEYS
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # both read the whole workspace
    check, docs = found["journeyc-check"], found["journeyc-docs"]
    assert check["entry"] == "journeyc check" and check["types"] == ["yaml"]
    assert docs["entry"] == "journeyc build --check" and docs["pass_filenames"] is False


def test_check_hook_selects_yaml_files_only() -> None:
    files = ["journeyc.yaml", "journeys/a.yml", "README.md", "schemas/x.json", "yaml.txt", "journeys/a.yaml.bak"]
    assert selected(hooks()["journeyc-check"], files) == ["journeyc.yaml", "journeys/a.yml"]


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (test extras)")
def test_pre_commit_accepts_the_manifest_and_the_project_config() -> None:
    for command in (["validate-manifest", ".pre-commit-hooks.yaml"], ["validate-config", ".pre-commit-config.yaml"]):
        done = subprocess.run([str(PRE_COMMIT), *command], cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_project_config_dogfoods_the_check_hook_on_the_examples() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "journeyc-check"]
    assert hook["entry"] == hooks()["journeyc-check"]["entry"]
    files = ["examples/acme-saas/teams.yaml", "examples/broken/teams.yaml", "journeyc/scaffold/x.yaml", "a.yaml"]
    assert selected(hook, files) == ["examples/acme-saas/teams.yaml"]


# --- journeyc-check ---------------------------------------------------------------


def test_check_hook_passes_a_clean_workspace(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    done = run_hook("journeyc-check", ws)
    assert done.returncode == 0, done.stdout + done.stderr
    # pre-commit passes every YAML file: those that are not journeyc's are named, never counted as checked
    assert done.stdout == ("All checks passed: 4 files, no problems.\n"
                           "Not checked: .github/workflows/journeys.yml (not a journeyc document),"
                           " .pre-commit-config.yaml (not a journeyc document).\n")


def test_check_hook_fails_a_broken_journey_with_its_line_and_hint(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", broken=True)
    done = run_hook("journeyc-check", ws, ["journeys/new-business.yaml"])
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "journeys/new-business.yaml:41:5: JC301 error: stage 'sql' has no owner: every stage needs an accountable"
        " team, or customers stagnate in it with nobody to act [add `owner: <team id>`]",
        "Found 1 error, 0 warnings, 0 infos in 1 file.",
    ]


def test_check_hook_reports_only_the_files_it_is_given(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", broken=True)
    done = run_hook("journeyc-check", ws, ["teams.yaml", "vocabulary.yaml", ".pre-commit-config.yaml"])
    assert done.returncode == 0, done.stdout
    assert "JC301" not in done.stdout


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/acme-saas is not there")
def test_check_hook_passes_the_example() -> None:
    files = [f"examples/acme-saas/{f}" for f in all_files(EXAMPLE)]
    done = run_hook("journeyc-check", ROOT, files)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not BROKEN.is_dir(), reason="examples/broken is not there")
def test_check_hook_fails_the_broken_example() -> None:
    files = [f"examples/broken/{f}" for f in all_files(BROKEN)]
    done = run_hook("journeyc-check", ROOT, files)
    assert done.returncode == 1
    assert re.search(r"^examples/broken/\S+:\d+:\d+: JC\d{3} error: ", done.stdout, re.M), done.stdout


# --- journeyc-docs ----------------------------------------------------------------


@pytest.mark.skipif(not HAS_BUILD, reason="journeyc build is not there yet")
def test_docs_hook_passes_fresh_output_and_fails_stale_output_with_the_command(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    built = subprocess.run([str(BIN / "journeyc"), "build"], cwd=ws, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    fresh = run_hook("journeyc-docs", ws)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    journey = ws / "journeys" / "new-business.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("sla_days: 30", "sla_days: 21"), encoding="utf-8")
    stale = run_hook("journeyc-docs", ws)
    assert stale.returncode == 1
    assert "run journeyc build" in stale.stdout + stale.stderr


@pytest.mark.skipif(not HAS_BUILD, reason="journeyc build is not there yet")
def test_docs_hook_fails_when_nothing_was_built(tmp_path: Path) -> None:
    done = run_hook("journeyc-docs", make_workspace(tmp_path / "ws"))
    assert done.returncode == 1
    assert "journeyc build" in done.stdout + done.stderr


# --- the real pre-commit framework (slow: it installs journeyc in an environment of its own) ----------------


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True, env=_env(cwd))


@pytest.fixture(scope="module")
def project_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's working tree as a fresh git repository with one commit (its own HEAD may lag behind)."""
    if shutil.which("git") is None or not PRE_COMMIT.exists():
        pytest.skip("needs git and pre-commit")
    repo = tmp_path_factory.mktemp("project") / "journeyc"
    skipped = shutil.ignore_patterns(  # .ci/run's venv is .ci-venv, inside the tree
        ".git", ".*venv*", "venv", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "out")

    def ignore(where: str, names: list[str]) -> set[str]:  # build/ output, not the journeyc.build package
        return set(skipped(where, names)) | ({"build"} if Path(where).name != "journeyc" else set())

    shutil.copytree(ROOT, repo, ignore=ignore)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")
    return repo


def _pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(cwd)
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=900, env=env)


def _user_repo(where: Path, *, broken: bool) -> Path:
    make_workspace(where, broken=broken)
    _git(where, "init", "-q")
    _git(where, "add", "-A")
    return where


@pytest.mark.slow
def test_try_repo_check_hook(project_repo: Path, tmp_path: Path) -> None:
    files = ["journeyc.yaml", "teams.yaml", "vocabulary.yaml", "journeys/new-business.yaml"]
    clean = _user_repo(tmp_path / "clean", broken=False)
    done = _pre_commit(clean, tmp_path / "home", "try-repo", str(project_repo), "journeyc-check", "--files", *files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^journeyc check\.+Passed$", done.stdout, re.M), done.stdout
    bad = _user_repo(tmp_path / "bad", broken=True)
    done = _pre_commit(bad, tmp_path / "home", "try-repo", str(project_repo), "journeyc-check", "--files", *files)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^journeyc check\.+Failed$", done.stdout, re.M), done.stdout
    assert "journeys/new-business.yaml:41:5: JC301 error: stage 'sql' has no owner" in done.stdout


@pytest.mark.slow
def test_readme_repo_block_with_the_docs_hook(project_repo: Path, tmp_path: Path) -> None:
    """The `repo:` block of the docs, pointed at the project copy, run by `pre-commit run`."""
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    block = re.search(r"<!-- journeyc-doc-test: pre-commit-repo -->\n```yaml\n(.*?)```",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block
    config = yaml.safe_load(block.group(1))
    config["repos"][0].update(repo=str(project_repo), rev=sha)
    if HAS_BUILD:
        config["repos"][0]["hooks"].append({"id": "journeyc-docs"})
    repo = _user_repo(tmp_path / "user", broken=False)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    installed = _pre_commit(repo, tmp_path / "home", "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (journeyc,) = (tmp_path / "home").glob("repo*/py_env-*/bin/journeyc")
    # pre-commit's journeyc is a plain (wheel) install: its `init` finds the scaffold as package data
    subprocess.run([str(journeyc), "init", "fresh"], cwd=tmp_path, check=True, capture_output=True)
    fresh = subprocess.run([str(journeyc), "check"], cwd=tmp_path / "fresh", capture_output=True, text=True,
                           check=False)
    assert fresh.returncode == 0 and fresh.stdout == "All checks passed: 4 files, no problems.\n", fresh.stdout
    if HAS_BUILD:  # build with the journeyc pre-commit installed, so both sides are the same code
        subprocess.run([str(journeyc), "build"], cwd=repo, check=True, capture_output=True)
    _git(repo, "add", "-A")
    done = _pre_commit(repo, tmp_path / "home", "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    if HAS_BUILD:
        journey = repo / "journeys" / "new-business.yaml"
        journey.write_text(journey.read_text(encoding="utf-8").replace("sla_days: 30", "sla_days: 21"), "utf-8")
        done = _pre_commit(repo, tmp_path / "home", "run", "--all-files")
        assert done.returncode == 1
        assert re.search(r"^journeyc docs are up to date\.+Failed$", done.stdout, re.M), done.stdout
        assert "run journeyc build" in done.stdout


@pytest.mark.slow
def test_project_config_runs_clean_on_the_examples(project_repo: Path, tmp_path: Path) -> None:
    done = _pre_commit(project_repo, tmp_path / "home", "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^journeyc check \(examples\)\.+Passed$", done.stdout, re.M), done.stdout


def test_project_workflow_runs_the_ci_script_and_dogfoods_the_hooks() -> None:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for job in flow["jobs"].values() for step in job["steps"]]
    assert "bash .ci/run" in runs
    assert "pre-commit run --all-files --show-diff-on-failure" in runs
    assert any(r.startswith("journeyc check examples/acme-saas --output-format sarif=") for r in runs)


def test_a_team_removed_from_teams_yaml_shows_the_journeys_it_breaks(tmp_path: Path) -> None:
    """Issue 9 item 7: a staged Teams document reports the damage its change causes in the other files."""
    ws = make_workspace(tmp_path / "ws")
    teams = ws / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    start = text.index("  - id: marketing")
    teams.write_text(text[:start] + text[text.index("  - id: sales"):], encoding="utf-8")
    done = run_hook("journeyc-check", ws, ["teams.yaml"])   # only teams.yaml is staged
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] and all(" JC102 error: unknown team 'marketing'" in line for line in lines[:-1]), done.stdout
    assert {line.split(":")[0] for line in lines[:-1]} == {"journeys/new-business.yaml", "vocabulary.yaml"}
    # the same file staged with an unrelated journey problem elsewhere: that one is not this change's damage
    journey = ws / "journeys" / "new-business.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("    sla_days:", "    sla_dayz:", 1),
                       encoding="utf-8")
    again = run_hook("journeyc-check", ws, ["teams.yaml"])
    assert "JC004" not in again.stdout and again.stdout.count("JC102") == len(lines) - 1
