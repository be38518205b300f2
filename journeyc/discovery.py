"""Finding the workspace root and its YAML files (DESIGN §1)."""

from __future__ import annotations

import os
from pathlib import Path

from journeyc.config import CONFIG_FILE

YAML_SUFFIXES = (".yaml", ".yml")
#: directories that never hold a workspace's own documents
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def find_root(start: Path) -> Path:
    """The nearest directory from `start` upwards that holds journeyc.yaml; else `start` itself."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return here


def discover(root: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every *.yaml / *.yml below `root`, sorted; hidden and build directories skipped.

    Symbolic links are followed only when they stay inside the workspace, so a
    link cannot make journeyc read (or report on) files outside it.
    """
    root = root.resolve()
    skipped = {p.resolve() for p in exclude}
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRS
                             and (here / d).resolve() not in skipped and _inside(here / d, root))
        for name in filenames:
            path = here / name
            if name.endswith(YAML_SUFFIXES) and not name.startswith(".") and _inside(path, root):
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _inside(path: Path, root: Path) -> bool:
    if not path.is_symlink():
        return True
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False
