"""`journeyc init`: scaffold a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from journeyc.cli.common import guarded


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--source", metavar="SOURCE", default=None,
              help="Where CI installs journeyc from: a package name, a git URL or a wheel (pinned to this version).")
@guarded
def init_command(directory: Path, force: bool, source: str | None) -> None:
    """Scaffold a workspace that checks and builds clean: config, teams, vocabulary,
    a first journey, editor schemas, a pre-commit config and a GitHub Actions workflow.

    Refuses to overwrite an existing file unless --force is given.
    """
    from journeyc import scaffold as init

    in_git = init.in_git_repository(directory)
    written = init.write(directory, init.scaffold(source), force=force)
    click.echo(f"Created a journeyc workspace in {directory}:")
    for rel in written:
        click.echo(f"  {rel}")
    click.echo("Next steps:")
    if directory != Path("."):
        click.echo(f"  cd {directory}")
    click.echo("  journeyc check                      # clean: no diagnostics")
    click.echo("  journeyc build                      # diagrams, docs and CRM files in build/journeyc")
    if in_git:
        click.echo("  pre-commit install                  # check every commit")
    else:
        click.echo("  git init && pre-commit install      # check every commit")
    click.echo(f"CI installs {init.requirement(source)} (JOURNEYC at the top of .github/workflows/journeys.yml)")
