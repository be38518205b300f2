"""The click commands: parse options, call one function, print what a formatter returns.

The only package that imports click. Each command lives in its own module and
holds no logic beyond wiring; heavy imports happen inside the command, so
`journeyc check` starts fast in a pre-commit hook.
"""

from __future__ import annotations

import click

from journeyc import __version__
from journeyc.cli import build, check, clean, common, diff, drift, fix, funnel, imports, info, init, lsp
from journeyc.cli.common import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="journeyc")
def main() -> None:
    """journeyc: lint and compile customer journeys kept as code."""


for command in (check.check, fix.fix_command, build.build, diff.diff, init.init_command, imports.import_command,
                drift.drift, funnel.funnel, info.rules, info.explain, info.schema, lsp.lsp, clean.clean):
    main.add_command(command)


def console() -> None:
    """The `journeyc` console script and `python -m journeyc`: `main`, allowed to end the process at once."""
    common.HARD_EXIT = True
    main()
