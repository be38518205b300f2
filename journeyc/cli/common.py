"""What every command shares: one-line failures (exit 2), one-line usage errors, rule-code options."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click

from journeyc.errors import JourneycError

F = TypeVar("F", bound=Callable[..., Any])

#: set by the `journeyc` console script (`journeyc.cli.console`), never by callers of `main` (tests, CliRunner):
#: a command may then end the process without freeing what it built (`end`)
HARD_EXIT = False


def fail(message: str) -> None:
    from journeyc.formatters.text import printable  # a path or a value from YAML must not drive the terminal

    click.echo(f"journeyc: error: {printable(message)}", err=True)
    sys.exit(2)


def guarded(fn: F) -> F:
    """journeyc's own failures exit 2 with one line on stderr, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                sys.stdout.flush()  # here, not at exit: a closed pipe is then a BrokenPipeError we can end on
        except BrokenPipeError:
            quiet_pipe()
        except JourneycError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("journeyc: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: report, don't dump
            first = str(exc).splitlines()[0] if str(exc) else ""
            fail(f"internal error: {type(exc).__name__}: {first} (please report this)")

    return wrapper  # type: ignore[return-value]


def end(code: int) -> NoReturn:
    """Exit with `code`. From the console script, at once: freeing a large workspace's millions of objects one
    by one takes a tenth of a warm check, and the process is over anyway (mypy ends the same way). Output is
    flushed first; journeyc registers nothing to run at exit."""
    if HARD_EXIT:
        sys.stdout.flush()  # a closed pipe raises here, inside `guarded`, which ends quietly
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def quiet_pipe() -> None:
    """The reader of our output went away (`journeyc rules | head -1`): end quietly, as `yes | head` does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush must not fail again
    sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a command a closed pipe stopped


def use_cache(no_cache: bool) -> bool:
    """The cache is on unless `--no-cache` or JOURNEYC_NO_CACHE says otherwise."""
    from journeyc.cache.location import disabled

    return not no_cache and not disabled()


def notify(notices: list[str]) -> None:
    """Notes for the user on stderr, each once, made printable (a path from journeyc.yaml, a value from YAML)."""
    from journeyc.formatters.text import printable

    for notice in dict.fromkeys(notices):
        click.echo(f"journeyc: note: {printable(notice)}", err=True)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """Codes from `--select`/`--ignore`, normalised as journeyc.yaml's are; one that names no rule is refused."""
    from journeyc.rules import RULES
    from journeyc.workspace.config import code_problem, normalise_code

    out = []
    for value in values:
        for item in value.split(","):
            code = normalise_code(item)
            if code:
                problem = code_problem(code, RULES)
                if problem is not None:
                    raise click.BadParameter(problem)
                out.append(code)
    return tuple(out)


def codes_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
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
        if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # bare `journeyc`: the help is the answer
            raise
        raise _UsageError(exc.format_message(), exc.ctx) from exc


class Group(click.Group):
    """Every wrong flag, value or command ends in one line and exit status 2."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        with _one_line_usage():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage():
            return super().invoke(ctx)


