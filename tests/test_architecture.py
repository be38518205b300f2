"""The house's contracts bind: breaking a layer fails lint-imports, and nothing below the CLI prints (issue 11)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

#: one way to break each contract, in a temporary copy of the package: (file, line to add, contract it breaks)
BREAKS = [
    ("journeyc/diff/sources.py", "from journeyc.cli import main", "Pipeline layers point one way"),
    ("journeyc/build/__init__.py", "from journeyc import cli", "Pipeline layers point one way"),
    ("journeyc/crm/limits.py", "from journeyc.emitters import json_bytes", "Pipeline layers point one way"),
    ("journeyc/workspace/suppress.py", "from journeyc import engine", "Pipeline layers point one way"),
    ("journeyc/workspace/model.py", "from journeyc.workspace import load",
     "Workspace layers: bytes, YAML, data, schema, model, directory"),
    ("journeyc/formatters/text.py", "from journeyc.workspace import model",
     "Formatters depend only on diagnostics (and the words they share)"),
    ("journeyc/build/writer.py", "import click", "Only the CLI imports click"),
    ("journeyc/readers/hubspot.py", "import duckdb", "Only the funnel imports DuckDB and sqlglot (an optional extra)"),
]


def _lint(copy: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(copy / "pyproject.toml")], cwd=copy,
                          env=env, capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed beside this Python (the `test` extra)")
    where = tmp_path_factory.mktemp("house")
    shutil.copytree(ROOT / "journeyc", where / "journeyc", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


def test_the_contracts_hold_on_the_code_as_it_is(copy: Path) -> None:
    done = _lint(copy)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("path", "line", "contract"), BREAKS, ids=[f"{p}:{c}" for p, _, c in BREAKS])
def test_breaking_a_layer_fails_lint_imports(copy: Path, path: str, line: str, contract: str) -> None:
    target = copy / path
    original = target.read_text(encoding="utf-8")
    target.write_text(original + f"\n{line}  # noqa\n", encoding="utf-8")
    try:
        done = _lint(copy)
    finally:
        target.write_text(original, encoding="utf-8")
    assert done.returncode == 1, done.stdout
    assert f"{contract} BROKEN" in done.stdout, done.stdout


#: what prints: the print function, writes to the process's own streams, click's echo
def _prints(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            return True
        if isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            return (owner in ("sys.stdout", "sys.stderr") and func.attr == "write") or owner == "click"
    return False


def test_nothing_below_the_command_layer_prints() -> None:
    """Only cli/ (and the language server, whose stdout is the protocol) talks to the terminal."""
    allowed = ("journeyc/cli/", "journeyc/lsp/", "journeyc/workspace/validators/__main__.py")
    found = []
    for path in sorted((ROOT / "journeyc").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(allowed):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _prints(node):
                found.append(f"{rel}:{node.lineno}")  # type: ignore[attr-defined]
    assert found == []
