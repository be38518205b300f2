"""`journeyc diff`: a journey change as a reviewer reads it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from journeyc.cli.common import guarded


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for a terminal, json for tools, markdown for a pull-request comment.")
@click.option("--path", type=click.Path(path_type=Path), default=None,
              help="The workspace (inside the repository); default: the one around the current directory.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes (like git diff --exit-code).")
@click.option("--fail-on", type=click.Choice(["safe", "migration", "destructive"]), default=None,
              help="Exit 1 when the CRM impact reaches this level (or a side could not be read fully).")
@guarded
def diff(base: str, head: str | None, fmt: str, path: Path | None, exit_code: bool, fail_on: str | None) -> None:
    """Review a journey change: what changed between BASE and HEAD, its CRM impact and who should review.

    BASE and HEAD are git revisions of the repository holding the workspace
    (read with git, never checked out) or directories; HEAD defaults to the
    working tree. An existing directory wins over a revision of the same name.
    `--fail-on migration` makes a pull request that moves CRM records fail
    until someone approves it; `--fail-on destructive` blocks only what loses
    data.
    """
    from journeyc.diff import report as diffreport
    from journeyc.diff import sources as diffsource

    result = diffsource.run(base, head, path)
    click.echo(diffreport.RENDERERS[fmt](result), nl=False)
    failed = (exit_code and result.diff.changed) or (fail_on is not None and result.diff.fails(fail_on))
    sys.exit(1 if failed else 0)
