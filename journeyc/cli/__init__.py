"""The click commands: parse options, call the engine, print what a formatter returns.

This is the only module that imports click, and it holds no logic beyond wiring.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from journeyc import __version__
from journeyc.diagnostics import Severity
from journeyc.errors import JourneycError

if TYPE_CHECKING:
    from journeyc.engine import CheckResult
    from journeyc.formatters import Report

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    from journeyc.formatters.text import printable  # a path or a value from YAML must not drive the terminal

    click.echo(f"journeyc: error: {printable(message)}", err=True)
    sys.exit(2)


def guarded(fn: F) -> F:
    """journeyc's own failures exit 2 with one line on stderr, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except JourneycError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("journeyc: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: report, don't dump
            first = str(exc).splitlines()[0] if str(exc) else ""
            _fail(f"internal error: {type(exc).__name__}: {first} (please report this)")

    return wrapper  # type: ignore[return-value]


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for value in values:
        for code in value.split(","):
            code = code.strip().upper()
            if code:
                if not (code == "ALL" or (code.startswith("JC") and code[2:].isdigit() and len(code) <= 5)):
                    raise click.BadParameter(f"{code!r} is not a rule code (JC001..JC604 or a prefix like JC6)")
                out.append(code)
    return tuple(out)


def _codes_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    return _codes(value)


class _UsageError(click.UsageError):
    """A usage error told in one line on stderr (click's own adds the usage block)."""

    def show(self, file: Any = None) -> None:
        names, ctx = [], self.ctx
        while ctx is not None and ctx.parent is not None:  # the root's name depends on how journeyc was started
            names.append(ctx.info_name or "")
            ctx = ctx.parent
        hint = f" (see '{' '.join(['journeyc', *reversed(names)])} --help')" if self.ctx is not None else ""
        click.echo(f"journeyc: error: {' '.join(self.format_message().split())}{hint}", err=True)


@contextmanager
def _one_line_usage() -> Iterator[None]:
    try:
        yield
    except _UsageError:
        raise
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `journeyc`: the help is the answer
            raise
        raise _UsageError(exc.format_message(), exc.ctx) from exc


class _Group(click.Group):
    """Every wrong flag, value or command ends in one line and exit status 2."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        with _one_line_usage():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="journeyc")
def main() -> None:
    """journeyc: lint and compile customer journeys kept as code."""


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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default=None,
              help="Format on stdout (default: github when GITHUB_ACTIONS=true, else text).")
@click.option("--output-format", "outputs", multiple=True, metavar="FORMAT=PATH", callback=_outputs_option,
              help="Also write FORMAT to the file PATH, e.g. sarif=journeyc.sarif (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--select", multiple=True, metavar="CODES", callback=_codes_option,
              help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", callback=_codes_option,
              help="Skip these codes or prefixes (comma-separated).")
@click.option("--color/--no-color", default=None,
              help="Colour the text output (default: on a terminal, not with NO_COLOR).")
@guarded
def check(paths: tuple[Path, ...], fmt: str | None, outputs: tuple[tuple[str, Path], ...], fail_on: str,
          select: tuple[str, ...], ignore: tuple[str, ...], color: bool | None) -> None:
    """Check journeyc documents: schema, vocabulary, owners, flow and CRM rules.

    With files (as pre-commit passes them), the workspace around them gives the
    context and only diagnostics located in those files are reported.
    """
    from journeyc import engine
    from journeyc.formatters import FORMATTERS

    result = engine.check(list(paths), engine.CheckOptions(select=select, ignore=ignore))
    report = _report(result)
    for name, path in outputs:
        _write_output(path, FORMATTERS[name](report))
    fmt = fmt or default_format(os.environ)
    use_color = fmt == "text" and _use_color(color)
    click.echo(FORMATTERS[fmt](replace(report, color=use_color)), nl=False)
    sys.exit(result.exit_code(Severity.parse(fail_on)))


def default_format(environ: Mapping[str, str]) -> str:
    """`github` inside GitHub Actions (it sets GITHUB_ACTIONS=true), `text` anywhere else."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def _report(result: CheckResult) -> Report:
    from journeyc.formatters import Report, RuleInfo
    from journeyc.rules import RULES

    rules = [RuleInfo(r.code, r.name, r.severity, r.summary, r.doc) for r in RULES.values()]
    return Report(result.diagnostics, result.files, rules=rules, version=__version__)


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


@main.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@guarded
def init_command(directory: Path, force: bool) -> None:
    """Scaffold a workspace that checks and builds clean: config, teams, vocabulary,
    a first journey, editor schemas, a pre-commit config and a GitHub Actions workflow.

    Refuses to overwrite an existing file unless --force is given.
    """
    from journeyc import scaffold as init

    written = init.write(directory, init.scaffold(), force=force)
    click.echo(f"Created a journeyc workspace in {directory}:")
    for rel in written:
        click.echo(f"  {rel}")
    click.echo("Next steps:")
    if directory != Path("."):
        click.echo(f"  cd {directory}")
    click.echo("  journeyc check                      # clean: no diagnostics")
    click.echo("  journeyc build                      # diagrams, docs and CRM files in build/journeyc")
    click.echo("  git init && pre-commit install      # check every commit")


@main.command()
@guarded
def rules() -> None:
    """List every rule: code, name, default severity and summary."""
    from journeyc.rules import RULES

    width = max(len(r.name) for r in RULES.values())
    for r in RULES.values():
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {r.summary}")


@main.command()
@click.argument("code")
@guarded
def explain(code: str) -> None:
    """Print one rule's documentation, with examples."""
    from journeyc.rules import RULES

    rule = RULES.get(code.strip().upper())
    if rule is None:
        _fail(f"unknown rule code {code!r}; known codes: {', '.join(RULES)}")
        return
    click.echo(f"{rule.code} ({rule.name}), default severity: {rule.severity.label}\n")
    click.echo(rule.doc)


@main.command()
@click.argument("kind", required=False)
@guarded
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a kind (Config, Teams, Vocabulary, Journey); without one, list them."""
    from journeyc.resources import SCHEMA_FILES, schema_text

    if kind is None:
        for name, stem in SCHEMA_FILES.items():
            click.echo(f"{name:<11} schemas/{stem}.schema.json")
        return
    match = next((k for k in SCHEMA_FILES if k.lower() == kind.lower()), None)
    if match is None:
        _fail(f"unknown kind {kind!r}; kinds: {', '.join(SCHEMA_FILES)}")
        return
    click.echo(schema_text(match), nl=False)


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for a terminal, json for tools, markdown for a pull-request comment.")
@click.option("--path", type=click.Path(path_type=Path), default=None,
              help="The workspace (inside the repository); default: the one around the current directory.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes (like git diff --exit-code).")
@guarded
def diff(base: str, head: str | None, fmt: str, path: Path | None, exit_code: bool) -> None:
    """Review a journey change: what changed between BASE and HEAD, its CRM impact and who should review.

    BASE and HEAD are git revisions of the repository holding the workspace
    (read with git, never checked out) or directories; HEAD defaults to the
    working tree. An existing directory wins over a revision of the same name.
    """
    from journeyc.diff import report as diffreport
    from journeyc.diff import sources as diffsource

    result = diffsource.run(base, head, path)
    click.echo(diffreport.RENDERERS[fmt](result), nl=False)
    sys.exit(1 if exit_code and result.diff.changed else 0)


@main.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output directory, relative to the current directory (default: build.out of journeyc.yaml,"
                   " else build/journeyc under the workspace root).")
@click.option("--target", "targets", multiple=True, metavar="NAME",
              help="Build only this target (repeatable): model, diagrams, docs, hubspot, salesforce, pipedrive,"
                   " csv. Default: build.targets of journeyc.yaml, else all.")
@click.option("--templates", type=click.Path(path_type=Path), default=None,
              help="A directory of Jinja2 templates that override the built-in ones, file by file.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the output on disk is stale, missing files or has extra ones.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary line.")
@click.option("--no-svg", is_flag=True, help="Do not render SVG (the DOT and Mermaid files are still written).")
@guarded
def build(path: Path, out: Path | None, targets: tuple[str, ...], templates: Path | None, check_only: bool,
          quiet: bool, no_svg: bool) -> None:
    """Compile the workspace: diagrams, docs, CRM configuration (refused while check finds errors)."""
    from journeyc import build as builder
    from journeyc.build.writer import shown_path
    from journeyc.formatters import FORMATTERS, Report
    from journeyc.formatters.text import printable

    show = not quiet and sys.stderr.isatty()
    options = builder.BuildOptions(out=out, targets=targets, templates=templates, check=check_only, svg=not no_svg,
                                   progress=builder.progress_line(sys.stderr) if show else None)
    result = builder.build(path, options)
    shown = printable(shown_path(result.out))  # build.out comes from journeyc.yaml
    if result.refused:
        click.echo(FORMATTERS["text"](Report(result.diagnostics, result.checked_files)), nl=False)
        click.echo("journeyc: build refused: check found errors; nothing was written", err=True)
    for notice in result.notices:
        click.echo(f"journeyc: note: {printable(notice)}", err=True)
    if result.staleness is not None:
        for kind in ("stale", "missing", "extra"):
            for rel in getattr(result.staleness, kind):
                click.echo(f"{kind}: {shown}/{printable(rel)}")  # extra: any name found on disk
        if not result.staleness.fresh:
            click.echo(f"{shown} is out of date: run journeyc build")
        elif not quiet:
            click.echo(f"{shown} is up to date ({result.files} files)")
    elif not result.refused and not quiet:
        click.echo(f"wrote {result.files} files to {shown}")
    sys.exit(result.exit_code())
