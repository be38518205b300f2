"""`journeyc funnel`: the real flow of records over the map, and the stages where they get stuck."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from journeyc.cli.common import guarded
from journeyc.errors import JourneycError

if TYPE_CHECKING:
    from journeyc.funnel.result import FunnelResult
    from journeyc.workspace.model import Workspace

FORMATS = ("text", "json", "markdown", "dot", "mermaid")
INSTALL = "journeyc funnel needs DuckDB and sqlglot: pip install 'journeyc[funnel]'"


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command()
@click.argument("history", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", callback=_date, default=None, metavar="DATE",
              help="Read the history as it stood at the end of DATE (YYYY-MM-DD); default: today.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for a terminal, json for tools, markdown for an issue or a wiki, dot or mermaid for the"
                   " overlay diagrams.")
@click.option("--path", type=click.Path(path_type=Path), default=None,
              help="The workspace; default: the one around the current directory.")
@click.option("--pipeline", default=None, metavar="JOURNEY/PIPELINE",
              help="The pipeline of rows that name none (a Salesforce OpportunityHistory export has no pipeline).")
@click.option("--journey", "only", default=None, metavar="JOURNEY[/PIPELINE]",
              help="Report on this journey (or one of its pipelines) only: one diagram for --format dot or mermaid.")
@click.option("--timezone", default="UTC", show_default=True, metavar="TZ",
              help="How times without an offset are read (an IANA name such as Europe/Paris).")
@click.option("--emit-sql", "dialect", type=click.Choice(["duckdb", "postgres", "snowflake", "bigquery"]),
              default=None, help="Print the stage mapping and the metric queries for this SQL dialect instead.")
@guarded
def funnel(history: tuple[Path, ...], as_of: dt.date | None, fmt: str, path: Path | None, pipeline: str | None,
           only: str | None, timezone: str, dialect: str | None) -> None:
    """Lay the stage history of a CRM (HISTORY: CSV exports) over the journeys and name the bottlenecks.

    Reads a generic CSV (record_id,pipeline,stage,entered_at[,exited_at]), a
    HubSpot deals or tickets export with its "Date entered" columns, or a
    Salesforce OpportunityHistory export. Only aggregates are printed.
    """
    if not _installed("duckdb", "sqlglot"):
        raise JourneycError(INSTALL)
    if not history and dialect is None:
        raise click.UsageError("give at least one HISTORY file (or --emit-sql DIALECT)")
    files = [str(h) for h in history]
    if dialect is not None:
        from journeyc.funnel import run

        ws = _workspace(path)
        click.echo(run.emit_sql(ws, files, run.Options(as_of=as_of, timezone=timezone, pipeline=pipeline), dialect),
                   nl=False)
        return
    from journeyc.funnel import preload

    with preload.started(files, timezone) as early:  # DuckDB reads the files while the workspace loads
        from journeyc.funnel import run

        ws = _workspace(path)
        options = run.Options(as_of=as_of, timezone=timezone, pipeline=pipeline)
        result = _only(run.analyse(ws, files, options, early), only)
    click.echo(_render(result, ws, fmt), nl=False)


def _installed(*modules: str) -> bool:
    """Whether the optional modules are there, without importing them (sqlglot alone takes 0.13 s to import)."""
    import importlib.util

    for name in modules:
        try:
            if sys.modules.get(name, False) is None or importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def _only(result: FunnelResult, only: str | None) -> FunnelResult:
    if only is None:
        return result
    kept = tuple(p for p in result.pipelines if only in (p.journey, f"{p.journey}/{p.pipeline}"))
    if not kept:
        shown = ", ".join(f"{p.journey}/{p.pipeline}" for p in result.pipelines)
        raise JourneycError(f"--journey {only!r}: the history has no rows for it (it has {shown})")
    return replace(result, pipelines=kept)


def _workspace(path: Path | None) -> Workspace:
    from journeyc.diagnostics import Severity
    from journeyc.workspace.load import load_workspace, paused_gc  # not engine's: it imports every rule

    where = path if path is not None else Path.cwd()
    if not where.exists():
        raise JourneycError(f"no such file or directory: {where}")
    with paused_gc():
        loaded = load_workspace(where)
    errors = sum(d.severity == Severity.ERROR for d in loaded.diagnostics)
    if errors:
        raise JourneycError(f"the workspace has {errors} error(s) in its files: run journeyc check first")
    return loaded.workspace


def _render(result: FunnelResult, ws: Workspace, fmt: str) -> str:
    from journeyc.formatters.text import printable
    from journeyc.funnel import overlay, report

    if fmt in ("dot", "mermaid"):
        draw = overlay.dot if fmt == "dot" else overlay.mermaid
        journeys = {j.id: j for j in ws.journeys}
        return "".join(draw(journeys[p.journey], p) for p in result.pipelines)
    out = report.RENDERERS[fmt](result, ws)
    return printable(out, keep_newlines=True) if fmt == "text" else out
