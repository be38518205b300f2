"""`journeyc lsp`: the language server, on stdio."""

from __future__ import annotations

import click

from journeyc.cli.common import fail, guarded


@click.command()
@guarded
def lsp() -> None:
    """Run the language server on stdin/stdout (for editors: see the README's editor setups)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        fail("journeyc lsp needs the `lsp` extra: pip install 'journeyc[lsp]'")
        return
    from journeyc.lsp.server import serve

    serve()
