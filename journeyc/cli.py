"""The click commands: parse options, call the engine, print what a formatter returns.

This is the only module that imports click, and it holds no logic beyond wiring.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from journeyc import __version__
from journeyc.diagnostics import Severity
from journeyc.errors import JourneycError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"journeyc: error: {message}", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="journeyc")
def main() -> None:
    """journeyc: lint and compile customer journeys kept as code."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Output format (default: text).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these codes or prefixes (comma-separated).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal, not with NO_COLOR).")
@guarded
def check(paths: tuple[Path, ...], fmt: str | None, fail_on: str, select: tuple[str, ...],
          ignore: tuple[str, ...], color: bool | None) -> None:
    """Check journeyc documents: schema, vocabulary, owners, flow and CRM rules.

    With files (as pre-commit passes them), the workspace around them gives the
    context and only diagnostics located in those files are reported.
    """
    from journeyc import engine
    from journeyc.formatters import FORMATTERS, Report

    options = engine.CheckOptions(select=_codes(select), ignore=_codes(ignore))
    result = engine.check(list(paths), options)
    fmt = fmt or "text"
    use_color = _use_color(color) if fmt == "text" else False
    click.echo(FORMATTERS[fmt](Report(result.diagnostics, result.files, use_color)), nl=False)
    sys.exit(result.exit_code(Severity.parse(fail_on)))


def _use_color(flag: bool | None) -> bool:
    import os

    if flag is not None:
        return flag
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


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
