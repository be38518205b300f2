"""`journeyc drift`: the map against a CRM's configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from journeyc.cli import crmsources
from journeyc.cli.common import guarded


@click.command(help="Compare the workspace with a CRM's configuration: pipelines and stages matched by CRM"
               " identity (by label as a reported fallback), stages missing on either side, and per stage the label,"
               " order, probability, closed/won state, rotting days, forecast category and ticket state that"
               " differ, each with the YAML to write or the change to make in the CRM. Without SOURCE or --fetch,"
               " fetches every CRM whose token is set.\n\n" + crmsources.SOURCES_HELP)
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--path", type=click.Path(path_type=Path, exists=True), default=Path("."),
              help="The workspace (default: the one around the current directory).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "github"]), default=None,
              help="text (default; github in GitHub Actions), json (shape in the README), markdown for an issue"
                   " or pull-request comment, github annotations.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there is drift (for a scheduled CI job).")
@click.option("--only-mapped", is_flag=True, help="Leave out CRM pipelines that no journey maps.")
@crmsources.source_options
@guarded
def drift(sources: tuple[str, ...], path: Path, fmt: str | None, exit_code: bool, only_mapped: bool,
          fetch: tuple[str, ...], api_urls: tuple[str, ...], hubspot_objects: str, timeout: float,
          verbose: bool) -> None:
    from journeyc.crmsync import drift as drifting
    from journeyc.crmsync.report import RENDERERS

    if not sources and not fetch:
        fetch = crmsources.tokens_set()
        if not fetch:
            raise click.UsageError("give a SOURCE or --fetch, or set HUBSPOT_TOKEN or PIPEDRIVE_API_TOKEN")
    configs = crmsources.read(sources, fetch, api_urls, hubspot_objects, timeout)
    result = drifting.run(path, configs, only_mapped=only_mapped)
    crmsources.verbose_lines(configs, [], result.unknown, verbose)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    click.echo(RENDERERS[fmt](result), nl=False)
    sys.exit(1 if exit_code and result.drift else 0)
