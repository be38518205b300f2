"""The console script ends `check` at once (without freeing the workspace), with all of its output and its status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyc.cache import location
from journeyc.cli import common, main

BROKEN = Path(__file__).resolve().parents[1] / "examples" / "broken"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BROKEN, root)
    return root


@pytest.mark.parametrize("args", [["--format", "json"], ["--format", "text", "--no-color"], ["--no-cache"]])
def test_the_console_script_says_all_that_main_says(workspace: Path, tmp_path: Path, args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != location.ENV_OFF} | {location.ENV_DIR: str(tmp_path / "c")}
    report = tmp_path / "report.sarif"
    argv = ["check", *args, "--output-format", f"sarif={report}", str(workspace)]
    done = subprocess.run([sys.executable, "-m", "journeyc", *argv], capture_output=True, env=env, check=False,
                          cwd=tmp_path)
    sarif = report.read_bytes()
    report.unlink()
    assert common.HARD_EXIT is False  # what tests and other callers of `main` use: no early end
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        expected = CliRunner().invoke(main, argv, env={location.ENV_DIR: str(tmp_path / "c"), location.ENV_OFF: ""})
    finally:
        os.chdir(here)
    assert (done.returncode, done.stdout.decode("utf-8")) == (expected.exit_code, expected.stdout) == \
        (1, expected.stdout)
    assert len(done.stdout) > 1000 and done.stderr == b""
    assert report.read_bytes() == sarif


@pytest.mark.parametrize(("entry", "ends_at_once"), [("console", True), ("main", False)])
def test_only_the_console_script_ends_at_once(workspace: Path, entry: str, ends_at_once: bool) -> None:
    """An exit handler runs after `main`, not after the console script's `check` (nothing of journeyc's needs one)."""
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('exit handlers ran'))\n"
              f"from journeyc.cli import {entry}\n"
              f"sys.argv = ['journeyc', 'check', '--no-cache', {str(workspace)!r}]\n"
              f"{entry}()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert done.returncode == 1
    assert done.stdout.decode("utf-8").endswith("Found 10 errors, 5 warnings, 1 info in 4 files.\n" if ends_at_once
                                                else "exit handlers ran\n")
