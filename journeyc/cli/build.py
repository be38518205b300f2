"""`journeyc build`: diagrams, docs and CRM configuration."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from journeyc.cli.common import guarded, notify, use_cache
from journeyc.wording import plural


@click.command()
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
@click.option("--no-cache", is_flag=True,
              help="Read and render everything afresh, keep nothing (also JOURNEYC_NO_CACHE=1).")
@guarded
def build(path: Path, out: Path | None, targets: tuple[str, ...], templates: Path | None, check_only: bool,
          quiet: bool, no_svg: bool, no_cache: bool) -> None:
    """Compile the workspace: diagrams, docs, CRM configuration (refused while check finds errors)."""
    from journeyc import build as builder
    from journeyc.build.destination import shown_path
    from journeyc.formatters import FORMATTERS, Report
    from journeyc.formatters.text import printable

    show = not quiet and sys.stderr.isatty()
    options = builder.BuildOptions(out=out, targets=targets, templates=templates, check=check_only, svg=not no_svg,
                                   progress=progress_line(sys.stderr) if show else None,
                                   cache=use_cache(no_cache))
    result = builder.build(path, options)
    shown = printable(shown_path(result.out))  # build.out comes from journeyc.yaml
    if result.refused:
        click.echo(FORMATTERS["text"](Report(result.diagnostics, result.checked_files)), nl=False)
        click.echo("journeyc: build refused: check found errors; nothing was written", err=True)
    notify(result.notices)
    if result.staleness is not None:
        for kind in ("stale", "missing", "extra"):
            for rel in getattr(result.staleness, kind):
                click.echo(f"{kind}: {shown}/{printable(rel)}")  # extra: any name found on disk
        if not result.staleness.fresh:
            click.echo(f"{shown} is out of date: run journeyc build")
        elif not quiet:
            click.echo(f"{shown} is up to date ({plural(result.files, 'file')})")
    elif not result.refused and not quiet:
        click.echo(f"wrote {plural(result.files, 'file')} to {shown}")
    sys.exit(result.exit_code())


#: below this many diagrams a progress line would only flicker
PROGRESS_MIN = 8


def progress_line(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A `(done, total)` callback that redraws one line on a terminal (the CLI decides when to use it)."""
    out = stream or sys.stderr

    def show(done: int, total: int) -> None:
        if total < PROGRESS_MIN:
            return
        out.write(f"\rrendering diagrams: {done}/{total}")
        if done >= total:
            out.write("\r\x1b[K")  # clear the line: the summary follows
        out.flush()

    return show
