"""`journeyc init`: scaffold a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from journeyc.cli.common import guarded


@click.command("init")
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
