"""The paths an emitter may write: relative, inside the output directory, and one file each.

Checked as a whole (`checked_paths`, for a tree in memory) or one at a time as
a build writes them (`Claims`): the same refusals either way, so no path an
emitter makes can leave the output directory or collide with another one on
a case-insensitive file system.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from journeyc.build.destination import MARKER
from journeyc.errors import JourneycError


def checked(path: PurePosixPath | str) -> str:
    """`path` as a relative POSIX path that stays inside the output directory, or a JourneycError."""
    text = str(path)
    parts = text.split("/")
    # `a//b`, `a/./b`, `a/` as PurePosixPath writes them (an emitter's PurePosixPath never has them)
    rel = PurePosixPath(text).as_posix() if "" in parts or "." in parts else text
    if "\\" in text or "\0" in text or ":" in text or text.startswith("/") or ".." in parts \
            or rel in ("", ".", MARKER):
        raise JourneycError(f"an emitter produced an unsafe output path: {text!r}")
    return rel


def checked_paths(files: Mapping[PurePosixPath, bytes]) -> list[tuple[str, bytes]]:
    """The files sorted by path, each path proven to stay inside the output directory."""
    claims = Claims()
    out = {claims.add(raw): data for raw, data in files.items()}
    return sorted(out.items())


class Claims:
    """The paths written so far: a new one may not repeat one, differ from one only in case, or be a file
    where another path needs a directory (or the reverse)."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        self.folders: set[str] = set()

    def add(self, path: PurePosixPath | str, owner: str = "") -> str:
        rel = checked(path)
        if rel in self.owners:
            raise JourneycError(f"targets {self.owners[rel]!r} and {owner!r} both write {rel}")
        other = self.folded.setdefault(rel.casefold(), rel)
        if other != rel:  # one file on Windows and macOS
            raise JourneycError(f"output paths {other!r} and {rel!r} differ only in case")
        if rel in self.folders:
            raise JourneycError(f"output path {rel!r} is both a file and a directory")
        parent = rel.rpartition("/")[0]
        while parent and parent not in self.folders:  # a known folder's parents were checked already
            if parent in self.owners:
                raise JourneycError(f"output path {parent!r} is both a file and a directory")
            self.folders.add(parent)
            parent = parent.rpartition("/")[0]
        self.owners[rel] = owner
        return rel

    def __contains__(self, rel: str) -> bool:
        return rel in self.owners
