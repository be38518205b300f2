"""`journeyc init`: a workspace that checks (and builds) clean at once, and never overwrites by surprise."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml
from click.testing import CliRunner

from journeyc import scaffold as init
from journeyc.cli import main
from journeyc.resources import schema_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "README.md"
JOURNEYC = Path(sys.executable).with_name("journeyc")
BIN = str(Path(sys.executable).parent)
YAML_FILES = ["journeyc.yaml", "journeys/new-business.yaml", "teams.yaml", "vocabulary.yaml"]
EXPECTED = sorted([
    ".github/workflows/journeys.yml", ".gitignore", ".journeyc/schemas/config.schema.json",
    ".journeyc/schemas/journey.schema.json",
    ".journeyc/schemas/teams.schema.json", ".journeyc/schemas/vocabulary.schema.json", ".pre-commit-config.yaml",
    *YAML_FILES,
])


def doc_block(name: str) -> str:
    """A block of README.md marked `<!-- journeyc-doc-test: NAME -->`."""
    marker = rf"<!-- journeyc-doc-test: {re.escape(name)} -->\n```\w*\n(.*?)```"
    found = re.search(marker, DOCS.read_text(encoding="utf-8"), re.S)
    assert found, name
    return found.group(1)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def test_init_writes_every_file_and_says_so(workspace: Path) -> None:
    written = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*") if p.is_file())
    assert written == EXPECTED
    out = CliRunner().invoke(main, ["init", str(workspace.parent / "other")]).stdout
    assert out.splitlines()[0] == f"Created a journeyc workspace in {workspace.parent / 'other'}:"
    assert all(f"  {name}" in out.splitlines() for name in EXPECTED)
    assert "journeyc check" in out


def test_the_workspace_checks_clean(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--fail-on", "info"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["diagnostics"] == []
    assert report["summary"] == {"errors": 0, "warnings": 0, "infos": 0, "files": 4}


def test_the_workspace_builds_clean(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (workspace / "build" / "journeyc").is_dir()
    check = CliRunner().invoke(main, ["build", "--check"])
    assert check.exit_code == 0, check.output


def test_each_yaml_file_starts_with_a_modeline_that_resolves(workspace: Path) -> None:
    for name in YAML_FILES:
        path = workspace / name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, (name, first)
        target = (path.parent / found.group(1)).resolve()
        assert target.is_file(), (name, target)
        kind = yaml.safe_load(path.read_text(encoding="utf-8"))["kind"]
        assert target.read_text(encoding="utf-8") == schema_text(kind)


def test_the_documents_satisfy_their_schemas(workspace: Path) -> None:
    """What an editor would say: each file is valid against the schema its modeline names."""
    from jsonschema import Draft202012Validator

    for name in YAML_FILES:
        path = workspace / name
        target = path.read_text(encoding="utf-8").splitlines()[0].split("$schema=")[1]
        schema = json.loads((path.parent / target).read_text(encoding="utf-8"))
        errors = list(Draft202012Validator(schema).iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (name, [e.message for e in errors])


def test_refuses_to_overwrite_and_writes_nothing(workspace: Path) -> None:
    (workspace / "teams.yaml").write_text("mine\n", encoding="utf-8")
    (workspace / "journeyc.yaml").unlink()
    result = CliRunner().invoke(main, ["init", str(workspace)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journeyc: error: ") and "already exists" in lines[0]
    assert "--force" in lines[0]
    assert not (workspace / "journeyc.yaml").exists(), "init wrote a file before refusing"
    assert (workspace / "teams.yaml").read_text(encoding="utf-8") == "mine\n"


def test_force_overwrites(workspace: Path) -> None:
    (workspace / "teams.yaml").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", "--force", str(workspace)])
    assert result.exit_code == 0, result.output
    assert (workspace / "teams.yaml").read_bytes() == init.scaffold()[PurePosixPath("teams.yaml")]


def test_init_into_a_file_or_over_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "file")])
    assert result.exit_code == 2 and "is not a directory" in result.stderr
    (tmp_path / "ws" / "teams.yaml").mkdir(parents=True)
    result = CliRunner().invoke(main, ["init", "--force", str(tmp_path / "ws")])
    assert result.exit_code == 2 and "teams.yaml is a directory" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_init_defaults_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "journeyc.yaml").is_file()
    assert "  cd " not in result.stdout


def test_scaffold_is_deterministic() -> None:
    assert init.scaffold() == init.scaffold()
    assert init.requirement() in init.scaffold()[PurePosixPath(".github/workflows/journeys.yml")].decode()


def test_generated_pre_commit_config_is_valid(workspace: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (test extras)")
    done = subprocess.run([str(pre_commit), "validate-config", ".pre-commit-config.yaml"], cwd=workspace,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((workspace / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["hooks"][0]["id"] == "journeyc-check"
    assert config == yaml.safe_load(doc_block("pre-commit-local"))


def test_generated_workflow_does_what_the_issue_asks(workspace: Path) -> None:
    text = (workspace / ".github" / "workflows" / "journeys.yml").read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    steps = flow["jobs"]["journeyc"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert "journeyc check --format github --output-format sarif=journeyc.sarif" in runs
    assert "pre-commit run --all-files" in runs
    assert "journeyc build" in runs
    assert 'journeyc diff "origin/$BASE_REF" --format markdown' in runs
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert flow["jobs"]["journeyc"]["permissions"]["security-events"] == "write"
    assert flow["env"]["JOURNEYC"] == init.requirement()
    # the README shows the same file (up to the version pinned)
    pinned = re.compile(r"journeyc==[\w.+-]+")
    assert pinned.sub("journeyc==X", doc_block("workflow")) == pinned.sub("journeyc==X", text)


def test_docs_init_block_runs(tmp_path: Path) -> None:
    done = _sh(doc_block("init"), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed: 4 files, no problems." in done.stdout


def test_docs_refresh_schemas_block_runs(workspace: Path) -> None:
    shutil.rmtree(workspace / ".journeyc")
    done = _sh(doc_block("refresh-schemas"), workspace)
    assert done.returncode == 0, done.stderr
    for rel, data in init.scaffold().items():
        if rel.parts[0] == ".journeyc":
            assert (workspace / rel).read_bytes() == data


def test_docs_output_format_block_runs(workspace: Path) -> None:
    done = _sh(doc_block("output-format"), workspace)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # clean: no annotations at all
    assert json.loads((workspace / "journeyc.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert json.loads((workspace / "journeyc.json").read_text(encoding="utf-8"))["diagnostics"] == []


def test_new_user_story(tmp_path: Path) -> None:
    """init, commit with the generated pre-commit config, break a journey: the hook stops the commit."""
    if shutil.which("git") is None or not Path(sys.executable).with_name("pre-commit").exists():
        pytest.skip("needs git and pre-commit")
    env = _env(tmp_path)
    repo = tmp_path / "my-journeys"
    assert _sh("journeyc init my-journeys", tmp_path, env).returncode == 0
    for command in ("git init -q", "git config user.email dev@example.com", "git config user.name Dev",
                    "git config commit.gpgsign false", "pre-commit install", "git add -A"):
        assert _sh(command, repo, env).returncode == 0, command
    first = _sh("git commit -q -m 'journeys'", repo, env)
    assert first.returncode == 0, first.stdout + first.stderr
    journey = repo / "journeys" / "new-business.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("    owner: sales\n", "", 1), encoding="utf-8")
    _sh("git add -A", repo, env)
    second = _sh("git commit -q -m 'sql without owner'", repo, env)
    assert second.returncode != 0
    out = second.stdout + second.stderr
    assert "journeys/new-business.yaml:41:5: JC301 error: stage 'sql' has no owner" in out
    assert "[add `owner: <team id>`]" in out
    shown = doc_block("commit-stopped").splitlines()
    assert shown[0].startswith("$ git commit")
    assert "\n".join(shown[1:]) in out  # the README shows what really happens


def test_docs_annotations_block_is_real_output(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journey = workspace / "journeys" / "new-business.yaml"
    text = journey.read_text(encoding="utf-8").replace("nurtures the contact", "nurtures the hot lead")
    journey.write_text(text, encoding="utf-8")
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout == doc_block("annotations")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env["PRE_COMMIT_HOME"] = str(tmp_path / ".pre-commit-home")
    env["HOME"] = str(tmp_path)  # no global git config of the machine running the tests
    env.pop("GITHUB_ACTIONS", None)
    env["NO_COLOR"] = "1"
    return env


def _sh(script: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env or _env(cwd), capture_output=True, text=True,
                          check=False, timeout=300)
