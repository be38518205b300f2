"""`build --check`: what writing the build would change on disk, found file by file; writes nothing."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast

from journeyc.build.destination import MARKER
from journeyc.build.fileops import BLOCK, same_files
from journeyc.build.outpaths import Claims
from journeyc.build.signature import Signature, intact
from journeyc.emitters import Written


@dataclass(frozen=True)
class Staleness:
    """What `--check` found: files whose bytes differ, files not written yet, files no build writes."""

    stale: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not (self.stale or self.missing or self.extra)


class Comparison:
    """Compares each file a build makes with the one on disk as it comes (a `Sink`, like the writer's tree)."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.claims = Claims()
        self.stale: list[str] = []
        self.missing: list[str] = []

    def put(self, path: PurePosixPath | str, data: bytes, owner: str = "") -> None:
        rel = self.claims.add(path, owner)
        on_disk = self.dest / rel
        if not os.path.lexists(on_disk) or (os.path.isdir(on_disk) and not os.path.islink(on_disk)):
            self.missing.append(rel)
        elif _read(on_disk, len(data) + 1) != data:
            self.stale.append(rel)

    def put_stream(self, path: PurePosixPath | str, written: Written, owner: str = "") -> None:
        """Make the file in a temporary file (in memory while small) and compare it with disk, block by block."""
        rel = self.claims.add(path, owner)
        on_disk = self.dest / rel
        with tempfile.SpooledTemporaryFile(max_size=BLOCK) as made:
            written(cast(BinaryIO, made))
            if not os.path.lexists(on_disk) or (os.path.isdir(on_disk) and not os.path.islink(on_disk)):
                self.missing.append(rel)
                return
            made.seek(0)
            try:
                same = _read(on_disk, 0) is not None and _same_as(on_disk, cast(BinaryIO, made))
            except OSError:
                same = False  # unreadable counts as stale
            if not same:
                self.stale.append(rel)

    def take(self, files: Mapping[str, Signature], owner: str = "") -> bool:
        """Files the last build wrote from the same inputs, untouched since: fresh without being made again."""
        if not all(intact(self.dest / rel, sig) for rel, sig in files.items()):
            return False
        for rel in files:
            self.claims.add(rel, owner)
        return True

    def part(self) -> Comparison:
        return Comparison(self.dest)

    def result(self) -> tuple[dict[str, str], list[str], list[str]]:
        return self.claims.owners, self.stale, self.missing

    def merge(self, result: tuple[dict[str, str], list[str], list[str]]) -> None:
        owners, stale, missing = result
        for rel, owner in owners.items():
            self.claims.add(rel, owner)
        self.stale += stale
        self.missing += missing

    def staleness(self) -> Staleness:
        extra = []
        if self.dest.is_dir():
            for dirpath, dirnames, filenames in os.walk(self.dest):
                dirnames.sort()
                for name in filenames:
                    rel = (Path(dirpath) / name).relative_to(self.dest).as_posix()
                    if rel != MARKER and rel not in self.claims:
                        extra.append(rel)
        return Staleness(tuple(sorted(self.stale)), tuple(sorted(self.missing)), tuple(sorted(extra)))


def compare_tree(files: Mapping[PurePosixPath, bytes], dest: Path) -> Staleness:
    """What `write_tree` would change in `dest` (the marker aside); writes nothing."""
    comparison = Comparison(dest)
    for path, data in files.items():
        comparison.put(path, data)
    return comparison.staleness()


def _same_as(path: Path, made: BinaryIO) -> bool:
    with open(path, "rb") as f:
        return same_files(made, f)


def _read(path: Path, most: int) -> bytes | None:
    """At most `most` bytes of a regular file; None (stale) for anything else, unread: `build --check` runs in
    pre-commit on a tree anyone can commit to, and a link to /dev/zero or a FIFO must not hang it."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as f:
            return f.read(most)
    except OSError:
        return None  # unreadable counts as stale
