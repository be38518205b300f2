"""`journeyc lsp`: the language server, on stdio."""

from __future__ import annotations

import sys

import click

from journeyc.cli.common import fail


@click.command()
def lsp() -> None:
    """Run the language server on stdin/stdout (for editors: see the README's editor setups).

    It needs the `lsp` extra: pip install 'journeyc[lsp]'.
    """
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        fail("journeyc lsp needs the `lsp` extra: pip install 'journeyc[lsp]'")
        return
    from journeyc.lsp.server import serve

    try:
        serve()  # stdout belongs to the protocol: nothing else may be printed there, even at exit
    except KeyboardInterrupt:
        sys.exit(130)
