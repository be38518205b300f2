"""`journeyc fix`: apply the safe fixes, or show them as a unified diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from journeyc.cli.common import codes_option, guarded
from journeyc.wording import plural

if TYPE_CHECKING:
    from journeyc.fixer import FixResult


@click.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--select", multiple=True, metavar="CODES", callback=codes_option,
              help="Only fix these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", callback=codes_option,
              help="Do not fix these codes or prefixes (comma-separated).")
@guarded
def fix_command(paths: tuple[Path, ...], show_diff: bool, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Apply the safe fixes: avoided words become the term, unused suppressions go.

    Only the edited text changes: comments, quoting, key order and blank lines
    stay byte for byte. A fix that would make any other diagnostic appear is
    not applied. Files are written atomically, and not at all if they changed
    on disk meanwhile. Exit status: 0, or 1 when a file could not be written
    (with --diff: 1 when there is something to fix).
    """
    from journeyc import engine, fixer

    result = fixer.fix(list(paths), engine.CheckOptions(select=select, ignore=ignore))
    if show_diff:
        click.echo(unified(result), nl=False)
        sys.exit(1 if result.files else 0)
    fixer.write(result)
    click.echo(summary(result))
    sys.exit(1 if result.changed else 0)


def unified(result: FixResult) -> str:
    """The fixes as one unified diff (`a/` and `b/` paths, as `git apply -p1` reads them)."""
    import difflib

    out = []
    for f in result.files:
        before = f.before.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        after = f.after.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{f.shown}", f"b/{f.shown}"):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def summary(result: FixResult, *, advice: bool = True) -> str:
    """What `fix` did, in a few lines: the files written, the ones left alone, what is left to do by hand."""
    from journeyc.formatters.text import printable

    lines = [f"{printable(f.shown)}: {plural(f.fixes, 'fix', 'fixes')} applied" for f in result.files
             if f.shown not in result.changed]
    lines += [f"{printable(shown)}: changed on disk while journeyc was fixing it, not written: run `journeyc fix`"
              " again" for shown in result.changed]
    written = [f for f in result.files if f.shown not in result.changed]
    total = sum(f.fixes for f in written)
    done = f"Fixed {plural(total, 'problem')} in {plural(len(written), 'file')}." if total else "Nothing to fix."
    if result.refused:
        done += f" {plural(result.refused, 'fix', 'fixes')} left out: each would have made another diagnostic appear."
    if advice and result.left:
        done += f" {plural(result.left, 'diagnostic')} left: run `journeyc check`."
    return "\n".join([*lines, done])
