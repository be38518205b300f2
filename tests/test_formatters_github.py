"""`--format github`: workflow annotation commands, escaped as the Actions toolkit escapes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyc.cli import main
from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.formatters import FORMATTERS, Report
from journeyc.formatters.github import ANNOTATION_LIMIT, annotation, escape_data, escape_property

# the contract from ../shared/specs/github-annotations.md, verbatim
COMMAND = re.compile(
    r"^::(error|warning|notice)( (file|line|endLine|col|endColumn|title)=[^,:\r\n]*"
    r"(,(file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*)?::[^\r\n]*$"
)


ONE_LINE = Span(3, 5, 3, 12)


def diag(code: str = "JC201", severity: Severity = Severity.ERROR, message: str = "bad word",
         file: str = "journeys/a.yaml", span: Span = ONE_LINE, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, severity, message, Position(file, span), hint)


def render(*diags: Diagnostic, files: int = 1) -> str:
    return FORMATTERS["github"](Report(list(diags), files))


def assert_commands(output: str) -> list[str]:
    lines = output.splitlines()
    assert output.endswith("\n")
    for line in lines:
        assert COMMAND.match(line), line
    return lines


def test_one_error_exact() -> None:
    out = render(diag(hint="use 'MQL'"))
    assert out == (
        "::error file=journeys/a.yaml,line=3,col=5,endLine=3,endColumn=11,title=JC201::bad word [use 'MQL']\n"
        "::notice title=journeyc::Found 1 error, 0 warnings, 0 infos in 1 file. Each one is annotated above.\n"
    )
    assert_commands(out)


def test_severities_map_to_commands() -> None:
    lines = assert_commands(render(diag(severity=Severity.ERROR), diag(severity=Severity.WARNING),
                                   diag(severity=Severity.INFO)))
    assert [line.split(" ")[0] for line in lines[:3]] == ["::error", "::warning", "::notice"]


def test_multi_line_span_has_no_columns() -> None:
    line = annotation(diag(span=Span(4, 5, 9, 7)))
    assert line.startswith("::error file=journeys/a.yaml,line=4,endLine=9,title=JC201::")
    assert "col=" not in line and "endColumn" not in line


def test_span_ending_at_start_of_next_line_ends_on_the_line_before() -> None:
    assert annotation(diag(span=Span(4, 5, 5, 1))).startswith("::error file=journeys/a.yaml,line=4,col=5,endLine=4,")


def test_point_span_gives_one_column() -> None:
    assert ",col=1,endLine=2,endColumn=1," in annotation(diag(span=Span.point(2, 1)))


def test_escaping_of_data_and_properties() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    hostile = diag(message="line one\nline two: 100% sure, really\r", file="we:ird,name%.yaml",
                   hint="a: b, c")
    line = annotation(hostile)
    assert line == ("::error file=we%3Aird%2Cname%25.yaml,line=3,col=5,endLine=3,endColumn=11,title=JC201"
                    "::line one%0Aline two: 100%25 sure, really%0D [a: b, c]")
    assert_commands(line + "\n")


def test_clean_run_prints_nothing() -> None:
    assert render(files=4) == ""


def test_summary_counts_what_github_does_not_annotate() -> None:
    many = [diag(message=f"e{i}", span=Span(i + 1, 1, i + 1, 2)) for i in range(13)]
    warnings = [diag(severity=Severity.WARNING, message=f"w{i}") for i in range(2)]
    infos = [diag(severity=Severity.INFO, message=f"i{i}") for i in range(ANNOTATION_LIMIT)]
    lines = assert_commands(render(*many, *warnings, *infos, files=3))
    assert len(lines) == 13 + 2 + ANNOTATION_LIMIT + 1
    assert lines[-1] == (
        "::notice title=journeyc::Found 13 errors, 2 warnings, 10 infos in 3 files. GitHub annotates only 10 of"
        " each level per step: 3 errors, 1 notice not shown as annotations; every diagnostic is in this step's log."
    )


def test_every_line_of_a_real_run_is_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _broken_workspace(tmp_path)
    monkeypatch.chdir(ws)
    result = CliRunner().invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 1
    lines = assert_commands(result.stdout)
    assert any(",title=JC301::" in line for line in lines)
    assert lines[-1].startswith("::notice title=journeyc::Found ")


def test_github_is_the_default_inside_github_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _broken_workspace(tmp_path)
    monkeypatch.chdir(ws)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    auto = CliRunner().invoke(main, ["check"])
    assert auto.exit_code == 1 and auto.stdout.startswith("::error file=journeys/new-business.yaml,line=")
    text = CliRunner().invoke(main, ["check", "--format", "text"])
    assert text.stdout.startswith("journeys/new-business.yaml:")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert CliRunner().invoke(main, ["check"]).stdout.startswith("journeys/new-business.yaml:")


def _broken_workspace(tmp_path: Path) -> Path:
    """The `journeyc init` workspace with the owner of stage `sql` removed (JC301)."""
    from journeyc import scaffold as init

    ws = tmp_path / "ws"
    init.write(ws, init.scaffold())
    journey = ws / "journeys" / "new-business.yaml"
    text = journey.read_text(encoding="utf-8")
    journey.write_text(text.replace("    owner: sales\n", "", 1), encoding="utf-8")
    return ws
