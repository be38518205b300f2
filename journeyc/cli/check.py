"""`journeyc check`: diagnostics in one or several formats, and the exit status."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from journeyc import __version__
from journeyc.cli import common
from journeyc.cli.common import codes_option, end, guarded, notify, use_cache
from journeyc.diagnostics import Severity
from journeyc.errors import JourneycError

if TYPE_CHECKING:
    from journeyc.engine import CheckResult
    from journeyc.formatters import Report

#: the formats of `check --format` and `--output-format` (journeyc.formatters.FORMATTERS)
CHECK_FORMATS = ("text", "json", "github", "sarif")


def _outputs_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    out: list[tuple[str, Path]] = []
    for item in value:
        name, sep, path = item.partition("=")
        if not sep or not path:
            raise click.BadParameter(f"{item!r} is not FORMAT=PATH (e.g. sarif=journeyc.sarif)")
        if name not in CHECK_FORMATS:
            raise click.BadParameter(f"unknown format {name!r} in {item!r} (formats: {', '.join(CHECK_FORMATS)})")
        if any(Path(path) == seen for _, seen in out):
            raise click.BadParameter(f"{path!r} is named twice")
        out.append((name, Path(path)))
    return tuple(out)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default=None,
              help="Format on stdout (default: github when GITHUB_ACTIONS=true, else text).")
@click.option("--output-format", "outputs", multiple=True, metavar="FORMAT=PATH", callback=_outputs_option,
              help="Also write FORMAT to the file PATH, e.g. sarif=journeyc.sarif (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--select", multiple=True, metavar="CODES", callback=codes_option,
              help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", callback=codes_option,
              help="Skip these codes or prefixes (comma-separated).")
@click.option("--color/--no-color", default=None,
              help="Colour the text output (default: on a terminal, not with NO_COLOR).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply the safe fixes first (as `journeyc fix`).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Report only findings this baseline file does not hold (default: `baseline:` of journeyc.yaml).")
@click.option("--update-baseline", is_flag=True,
              help="Write the baseline with every finding of this check (and none that is gone).")
@click.option("--no-baseline", is_flag=True, help="Report every finding, baselined or not.")
@click.option("--no-cache", is_flag=True,
              help="Read every file afresh and keep nothing (also JOURNEYC_NO_CACHE=1; `journeyc clean` empties it).")
@guarded
def check(paths: tuple[Path, ...], fmt: str | None, outputs: tuple[tuple[str, Path], ...], fail_on: str,
          select: tuple[str, ...], ignore: tuple[str, ...], color: bool | None, apply_fixes: bool,
          baseline: Path | None, update_baseline: bool, no_baseline: bool, no_cache: bool) -> None:
    """Check journeyc documents: schema, vocabulary, owners, flow and CRM rules.

    With files (as pre-commit passes them), the workspace around them gives the
    context and only diagnostics located in those files are reported.
    """
    from journeyc import engine

    if no_baseline and (baseline is not None or update_baseline):
        raise click.UsageError("--no-baseline cannot be used with --baseline or --update-baseline")
    if apply_fixes:
        _fix(paths, select, ignore)
    options = engine.CheckOptions(select=select, ignore=ignore, baseline=baseline, use_baseline=not no_baseline,
                                  update_baseline=update_baseline, cache=use_cache(no_cache),
                                  forget_texts=True)
    # the result is millions of small acyclic objects: the collector stays paused while they live, or its first
    # pass would walk them all (a fifth of a warm check); the console script ends before freeing them (`end`)
    with engine.paused_gc():
        result = engine.check(list(paths), options)
        code = _run(result, fmt, outputs, fail_on, color, update_baseline)
        if common.HARD_EXIT:
            end(code)
        del result  # freed by reference counting before the collector resumes
    sys.exit(code)


def _run(result: CheckResult, fmt: str | None, outputs: tuple[tuple[str, Path], ...], fail_on: str,
         color: bool | None, update_baseline: bool) -> int:
    """Say what the check found (notices, baselines, reports); the exit status."""
    from journeyc.formatters import FORMATTERS

    notify(result.notices)
    if update_baseline:
        _write_baselines(result)
    report = _report(result)
    for name, path in outputs:
        _write_output(path, FORMATTERS[name](report))
    fmt = fmt or default_format(os.environ)
    use_color = fmt == "text" and _use_color(color)
    # click strips ANSI codes from a stream that is not a terminal unless told: --color means colour, piped or not
    click.echo(FORMATTERS[fmt](replace(report, color=use_color)), nl=False, color=use_color)
    return result.exit_code(Severity.parse(fail_on))


def _fix(paths: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    from journeyc import engine, fixer
    from journeyc.cli.fix import summary

    result = fixer.fix(list(paths), engine.CheckOptions(select=select, ignore=ignore))
    fixer.write(result)
    if result.files or result.changed or result.refused:
        click.echo(summary(result, advice=False), err=True)


def _write_baselines(result: CheckResult) -> None:
    from journeyc import baseline
    from journeyc.engine import display_path
    from journeyc.formatters.text import printable
    from journeyc.wording import plural

    if not result.baselines:
        raise JourneycError("--update-baseline needs a baseline file: name one with --baseline FILE or with"
                            " `baseline:` in journeyc.yaml")
    for path, entries in result.baselines:
        try:
            baseline.write(path, entries)
        except OSError as exc:
            raise JourneycError(f"cannot write the baseline {path}: {exc.strerror or exc}") from None
        click.echo(f"journeyc: wrote {printable(display_path(path))}: {plural(len(entries), 'finding')}", err=True)


def default_format(environ: Mapping[str, str]) -> str:
    """`github` inside GitHub Actions (it sets GITHUB_ACTIONS=true), `text` anywhere else."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def _report(result: CheckResult) -> Report:
    from journeyc.formatters import Report, RuleInfo
    from journeyc.rules import RULES

    rules = [RuleInfo(r.code, r.name, r.severity, r.summary, r.doc) for r in RULES.values()]
    return Report(result.diagnostics, result.files, rules=rules, version=__version__, skipped=result.skipped,
                  baselined=result.baselined)


def _write_output(path: Path, text: str) -> None:
    """Write a report file atomically: a temporary file beside it, then a rename over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp.exists():
            tmp.unlink()
        raise JourneycError(f"cannot write {path}: {exc.strerror or exc}") from None


def _use_color(flag: bool | None, stream: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """An explicit flag wins; else colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if flag is not None:
        return flag
    stream = stream if stream is not None else sys.stdout
    environ = environ if environ is not None else os.environ
    return stream.isatty() and not environ.get("NO_COLOR")
