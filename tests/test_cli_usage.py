"""Bad usage: every wrong flag, missing path, unreadable file or bad value ends in one line and exit 2.

A bad value *inside* journeyc.yaml is not a usage error: it is a diagnostic
(JC004) at its line, like any other schema violation.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from journeyc import __version__
from journeyc import scaffold as init
from journeyc.cli import main
from journeyc.cli.check import CHECK_FORMATS, _use_color, default_format
from journeyc.formatters import FORMATTERS
from journeyc.rules import RULES

JOURNEYC = Path(sys.executable).with_name("journeyc")


def invoke(*args: str) -> Result:
    # click < 8.2 mixes stderr into stdout unless told not to
    kwargs: dict[str, Any] = {}
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        kwargs["mix_stderr"] = False
    return CliRunner(**kwargs).invoke(main, list(args))


def assert_usage_error(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr: `journeyc: error: ...`, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("journeyc: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    init.write(root, init.scaffold())
    monkeypatch.chdir(root)
    return root


# --- wrong flags and values ---------------------------------------------------------


@pytest.mark.parametrize(("args", "fragments"), [
    (["check", "--bogus"], ["No such option", "--bogus", "'journeyc check --help'"]),
    (["check", "--formt", "json"], ["No such option", "--format"]),  # with click's did-you-mean
    (["check", "--format", "xml"], ["'--format'", "'xml'", "'sarif'"]),
    (["check", "--format"], ["--format", "requires an argument"]),
    (["check", "--fail-on", "fatal"], ["'--fail-on'", "'fatal'"]),
    (["check", "--select", "XYZ"], ["'--select'", "'XYZ' is not a rule code"]),
    (["check", "--ignore", "JC6,JC12345"], ["'--ignore'", "'JC12345'"]),
    (["check", "--output-format", "sarif"], ["'--output-format'", "not FORMAT=PATH"]),
    (["check", "--output-format", "sarif="], ["'--output-format'", "not FORMAT=PATH"]),
    (["check", "--output-format", "xml=out.xml"], ["'--output-format'", "unknown format 'xml'"]),
    (["check", "--output-format", "json=a", "--output-format", "sarif=a"], ["'--output-format'", "named twice"]),
    (["chek"], ["No such command", "chek"]),
    (["--bogus"], ["No such option", "--bogus", "'journeyc --help'"]),
    (["explain"], ["Missing argument", "CODE"]),
    (["init", "a", "b"], ["unexpected extra argument", "b"]),
    (["rules", "--all"], ["No such option", "--all"]),
])
def test_wrong_usage_is_one_line_and_exit_2(ws: Path, args: list[str], fragments: list[str]) -> None:
    assert_usage_error(invoke(*args), *fragments)


def test_unknown_rule_code_lists_the_codes() -> None:
    line = assert_usage_error(invoke("explain", "JC999"), "unknown rule code or name 'JC999'")
    assert line.endswith(", ".join(RULES))


def test_explain_accepts_lower_case() -> None:
    result = invoke("explain", "jc301")
    assert result.exit_code == 0 and result.stdout.startswith("JC301 (stage-owner), default severity: error")


def test_unknown_schema_kind_lists_the_kinds() -> None:
    assert_usage_error(invoke("schema", "Pipeline"), "unknown kind 'Pipeline'", "Journey")


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"journeyc, version {__version__}\n"


# --- missing and unreadable paths -----------------------------------------------------


def test_missing_path(ws: Path) -> None:
    assert_usage_error(invoke("check", "journeys/nope.yaml"), "no such file or directory: journeys/nope.yaml")


def test_unreadable_file(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable file is a diagnostic (JC005) at its first line, never a crash and never skipped."""
    # the tests run as root, for whom chmod 000 changes nothing: refuse the loader's read of that one file
    from journeyc.workspace import load

    target = os.path.realpath(ws / "journeys" / "new-business.yaml")
    real_read = load.read_limited

    def guarded_read(file: str, most: int) -> bytes:
        if os.path.realpath(file) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_read(file, most)

    monkeypatch.setattr(load, "read_limited", guarded_read)
    for args in ((), ("journeys/new-business.yaml",)):
        result = invoke("check", *args)
        assert (result.exit_code, result.stdout.splitlines()[0]) == (
            1, "journeys/new-business.yaml:1:1: JC005 error: cannot read the file: Permission denied"
               " [check its permissions, or remove it]"), result.output


def test_dangling_symlink_given_as_a_path(ws: Path) -> None:
    (ws / "journeys" / "gone.yaml").symlink_to(ws / "journeys" / "missing.yaml")
    assert_usage_error(invoke("check", "journeys/gone.yaml"), "no such file or directory: journeys/gone.yaml")


@pytest.mark.parametrize("target", ["journeys", "no/such/dir/out.sarif"])
def test_unwritable_output_file(ws: Path, target: str) -> None:
    line = assert_usage_error(invoke("check", "--output-format", f"sarif={target}"), f"cannot write {target}")
    assert line.count(":") >= 2  # the reason follows
    assert not [p for p in ws.rglob("*.tmp")], "a temporary file was left behind"


def test_internal_failure_is_one_line(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from journeyc import engine

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(engine, "check", explode)
    assert_usage_error(invoke("check"), "internal error: RuntimeError: boom", "please report")


# --- bad values inside journeyc.yaml are diagnostics, not crashes ----------------------------


@pytest.mark.parametrize(("rules", "column", "message"), [
    ("{select: 5}", 17, "select is a list"),
    ("{select: [5]}", 18, "select must be text, but YAML reads `5` as a number"),
    ("{ignore: [JC6xx]}", 18, "ignore 'JC6xx' is not in the expected form"),
    ("{ignore: [JC9]}", 18, "'JC9' is not a rule code or a prefix of one"),
    ("{severity: {JC601: loud}}", 27, "JC601 must be one of: error, warning, info (not 'loud')"),
    ("{severity: {JC004: warning}}", 13, "JC004 stays an error"),
    ("{selekt: [JC1]}", 16, "selekt"),
    ("null", 8, "rules must be a mapping of keys to values"),
])
def test_bad_config_value_is_jc004(ws: Path, rules: str, column: int, message: str) -> None:
    (ws / "journeyc.yaml").write_text(f"apiVersion: journeyc/v1\nkind: Config\nrules: {rules}\n", encoding="utf-8")
    result = invoke("check", "--format", "json")
    assert result.exit_code == 1, result.output
    (found,) = json.loads(result.stdout)["diagnostics"]
    assert (found["file"], found["line"], found["code"]) == ("journeyc.yaml", 3, "JC004"), found
    assert message in found["message"], found
    assert found["column"] >= 8


def test_bad_config_severity_shape_is_jc004(ws: Path) -> None:
    (ws / "journeyc.yaml").write_text("apiVersion: journeyc/v1\nkind: Config\nrules: {severity: [JC601]}\n",
                                      encoding="utf-8")
    result = invoke("check", "--format", "json")
    assert result.exit_code == 1, result.output
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["JC004"]


def test_config_syntax_error_is_jc001(ws: Path) -> None:
    (ws / "journeyc.yaml").write_text("apiVersion: journeyc/v1\nkind: Config\nrules: [\n", encoding="utf-8")
    result = invoke("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("journeyc.yaml:4:1: JC001 error: YAML syntax error")


# --- formats and colour -----------------------------------------------------------------


def test_every_format_has_a_formatter() -> None:
    assert set(CHECK_FORMATS) == set(FORMATTERS)


def test_default_format() -> None:
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github"
    assert default_format({"GITHUB_ACTIONS": "false"}) == "text"
    assert default_format({}) == "text"


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert _use_color(None, _Stream(True), {}) is True  # type: ignore[arg-type]
    assert _use_color(None, _Stream(False), {}) is False  # type: ignore[arg-type]
    assert _use_color(None, _Stream(True), {"NO_COLOR": "1"}) is False  # type: ignore[arg-type]
    assert _use_color(None, _Stream(True), {"NO_COLOR": ""}) is True  # type: ignore[arg-type]  # no-color.org: empty is unset
    assert _use_color(True, _Stream(False), {"NO_COLOR": "1"}) is True  # type: ignore[arg-type]  # an explicit flag wins
    assert _use_color(False, _Stream(True), {}) is False  # type: ignore[arg-type]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_colour_on_a_real_terminal(tmp_path: Path, no_color: str | None, coloured: bool) -> None:
    import pty

    ws = tmp_path / "ws"
    init.write(ws, init.scaffold())
    (ws / "teams.yaml").write_text((ws / "teams.yaml").read_text(encoding="utf-8").replace("    owner: x", ""),
                                   encoding="utf-8")
    journey = ws / "journeys" / "new-business.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("    owner: sales\n", "", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run([str(JOURNEYC), "check"], cwd=ws, stdout=secondary, stderr=subprocess.PIPE, env=env,
                              check=False, timeout=120)
        os.close(secondary)
        out = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(primary)
    assert done.returncode == 1
    assert b"JC301" in out
    assert (b"\x1b[" in out) is coloured


# --- the installed command ----------------------------------------------------------------


@pytest.mark.parametrize(("args", "fragment"), [
    (["check", "--bogus"], "No such option"),
    (["check", "missing.yaml"], "no such file or directory: missing.yaml"),
    (["explain", "JC000"], "unknown rule code"),
])
def test_installed_command_bad_usage(tmp_path: Path, args: list[str], fragment: str) -> None:
    done = subprocess.run([str(JOURNEYC), *args], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and fragment in done.stderr
    assert "Traceback" not in done.stderr
