"""`journeyc import`: a workspace from a CRM's own configuration."""

from __future__ import annotations

from pathlib import Path

import click

from journeyc.cli import crmsources
from journeyc.cli.common import guarded


@click.command("import", help="Write a workspace (or add to one) from a CRM's pipelines: one journey per pipeline,"
               " stages in CRM order, probabilities, closed stages, rotting days, forecast categories and the CRM"
               " identity of every pipeline and stage; a term for every stage label. What the CRM does not know"
               " (owners, signals, definitions, other exits) is left for people: `journeyc check` lists it.\n\n"
               + crmsources.SOURCES_HELP)
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option("--into", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="The workspace to write, or to add to (a folder holding journeyc.yaml).")
@click.option("--journey", "groups", multiple=True, metavar="ID=PIPELINE,...",
              help="Import these pipelines (CRM id or label) as one journey ID (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite existing files that would change (their diff is shown).")
@click.option("--dry-run", is_flag=True, help="Write nothing; say what would be written.")
@crmsources.source_options
@guarded
def import_command(sources: tuple[str, ...], into: Path, groups: tuple[str, ...], force: bool, dry_run: bool,
                   fetch: tuple[str, ...], api_urls: tuple[str, ...], hubspot_objects: str, timeout: float,
                   verbose: bool) -> None:
    from journeyc.crmsync import imports
    from journeyc.errors import JourneycError
    from journeyc.formatters.text import printable

    if not sources and not fetch:
        raise click.UsageError("give at least one SOURCE, or --fetch hubspot|pipedrive")
    configs = crmsources.read(sources, fetch, api_urls, hubspot_objects, timeout)
    result = imports.run(configs, into, force=force, dry_run=dry_run, groups=groups)
    crmsources.verbose_lines(configs, result.notes, result.unknown, verbose)
    for f in result.refused:
        click.echo(printable(f.diff, keep_newlines=True), nl=False)
    if result.refused and not force:
        raise JourneycError(f"{len(result.refused)} existing file(s) would change (diff above): nothing written;"
                            " use --force to overwrite")
    click.echo("\n".join(printable(line) for line in summary(result, dry_run)))


def summary(result: object, dry_run: bool) -> list[str]:
    from journeyc.crmsync.imports import ImportResult
    from journeyc.readers.config import CRM_NAMES
    from journeyc.wording import plural

    assert isinstance(result, ImportResult)
    crms = sorted({j.crm for j in result.journeys}, key=list(CRM_NAMES).index)
    head = "would write" if dry_run else "wrote"
    lines = [f"journeyc import: {plural(len(result.journeys), 'journey')} from"
             f" {', '.join(CRM_NAMES[c] for c in crms) or 'no CRM'} into {result.root}"]
    verb = {"new": head, "changed": f"{head} (replaced)", "unchanged": "unchanged"}
    lines += [f"  {verb[f.status]}: {f.path}" for f in result.files]
    lines += [f"merged: {m}" for m in result.merges] + [f"note: {h}" for h in result.hints]
    stages = [s for j in result.journeys for s in j.stages]
    exits = sum(len(s.exits) for s in stages)
    open_ = sum(not s.terminal and s.sla_days is None for s in stages)
    lines.append("Left for people (journeyc check lists each one):")
    lines.append(f"  {plural(len(stages), 'stage owner')} (JC301), {plural(result.terms, 'term definition')}"
                 f" (JC004), {plural(exits, 'exit signal')} (JC604), {plural(open_, 'SLA')} (JC601);")
    lines.append("  and the exits the CRM does not know: only its linear order was written (no rule reports"
                 " missing exits: review each journey)")
    lines.append("Next: add your teams to teams.yaml, fill in `owner:` and `definition:`, then run"
                 " journeyc check.")
    return lines
