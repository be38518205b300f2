"""What a build makes and where: the targets chosen, and the output directory allowed."""

from __future__ import annotations

import os
from pathlib import Path

from journeyc.emitters import TARGETS
from journeyc.errors import JourneycError
from journeyc.workspace.config import CONFIG_FILE, Config


def output_dir(root: Path, config: Config, out: Path | None) -> Path:
    """`--out` is relative to the current directory; `build.out` to the workspace root, and stays below it.

    journeyc.yaml comes with the journeys, from anyone's pull request: it may not
    send the build elsewhere (`..`, an absolute path, a symbolic link out). Where
    the build goes outside the workspace is the caller's choice, with `--out`.
    """
    if out is not None:
        return Path(os.path.abspath(out))
    path = Path(os.path.abspath(root / config.out))
    base = os.path.realpath(root)
    if not os.path.realpath(path).startswith(base.rstrip(os.sep) + os.sep):
        raise JourneycError(f"build.out of {CONFIG_FILE} must be a directory inside the workspace, not"
                            f" {config.out!r} (use --out to build elsewhere)")
    return path


def select_targets(asked: tuple[str, ...], config: Config) -> tuple[str, ...]:
    """The targets to build, in build order: the flags, else the config, else all."""
    unknown = [t for t in asked if t not in TARGETS]
    if unknown:
        raise JourneycError(f"unknown target {unknown[0]!r} (targets: {', '.join(TARGETS)})")
    chosen = set(asked or config.targets or TARGETS)
    return tuple(t for t in TARGETS if t in chosen)
