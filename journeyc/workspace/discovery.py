"""Finding the workspace root and its YAML files (DESIGN §1)."""

from __future__ import annotations

import os
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
#: directories that never hold a workspace's own documents
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def discover(root: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every *.yaml / *.yml below `root`, sorted by relative path; hidden and build directories skipped.

    Symbolic links are followed only when they stay inside the workspace, so a
    link cannot make journeyc read (or report on) files outside it.
    """
    base = str(root.resolve())
    skipped = {os.path.realpath(p) for p in exclude}
    found: list[tuple[str, str, bool]] = []
    _walk(base, "", base, skipped, found, set(), False)
    found.sort()
    # a file reached through a link as well as directly (or through two links) is read once, where the
    # sorted walk met it first; files met without any link have their real path already
    direct = {path for _, path, linked in found if not linked}
    seen: set[str] = set()
    out = []
    for _, path, linked in found:
        real = _real(path) if linked else path
        if (linked and real in direct) or real in seen:
            continue
        seen.add(real)
        out.append(Path(path))
    return out


def _walk(base: str, rel: str, here: str, skipped: set[str], found: list[tuple[str, str, bool]],
          visited: set[str], linked: bool) -> None:
    real = os.path.realpath(here)
    if real in visited or real in skipped:
        return  # a link loop, or the build output
    visited.add(real)
    try:
        # real directories before links to them, so a file is found where it is, not through a link
        entries = sorted(os.scandir(here), key=lambda e: (e.is_symlink(), e.name))
    except OSError:
        return  # unreadable directory: nothing of ours can be in it
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        link = entry.is_symlink()
        child = f"{rel}/{name}" if rel else name
        try:
            if link and not _inside(entry.path, base):
                continue
        except OSError:  # a link journeyc may not even follow (/proc/1/fd/0): read it, and say why it cannot
            if name.endswith(YAML_SUFFIXES):
                found.append((child, entry.path, False))
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue  # a link to itself (ELOOP) or an entry that vanished: nothing to read there
        if is_dir:
            if name not in SKIPPED_DIRS:
                _walk(base, child, entry.path, skipped, found, visited, linked or link)
        elif name.endswith(YAML_SUFFIXES) and entry.is_file():
            found.append((child, entry.path, linked or link))


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return path


def _inside(path: str, base: str) -> bool:
    real = os.path.realpath(path)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
