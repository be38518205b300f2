"""`journeyc clean`: remove journeyc's cache."""

from __future__ import annotations

import click

from journeyc.cli.common import guarded


@click.command()
@guarded
def clean() -> None:
    """Remove the cache of warm runs (every workspace's: it lives outside them, see JOURNEYC_CACHE_DIR)."""
    from journeyc.cache.location import cache_root
    from journeyc.cache.location import clean as remove
    from journeyc.formatters.text import printable

    base = cache_root()
    try:
        removed = remove(base)
    except OSError as exc:
        from journeyc.errors import JourneycError

        raise JourneycError(f"cannot remove the cache at {base}: {exc.strerror or exc}") from None
    click.echo(f"{'removed the cache at' if removed else 'no cache at'} {printable(str(base))}")
