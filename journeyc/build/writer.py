"""The one place `journeyc build` writes: a new tree beside the destination, file by file, then one swap.

A build is written into a temporary directory created next to the destination
(same parent, so the final rename is atomic) as its files are made, so that a
build never holds its whole output in memory; the marker goes in last, then
the tree is swapped in: old -> backup, new -> destination, backup removed. Any
failure (or Ctrl-C) before the swap leaves the previous output untouched; a
failure during it puts the old directory back. Which destinations may be
replaced, and the lock that makes builds take turns: `destination`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path, PurePosixPath
from types import TracebackType

from journeyc.build import signature
from journeyc.build.destination import (
    DIR_MODE,
    MARKER,
    MARKER_TEXT,
    ensure_replaceable,
    is_marker,
    locked,
    shown_path,
)
from journeyc.build.fileops import make_parents, reuse, swap, write_file, write_stream
from journeyc.build.outpaths import Claims, checked_paths
from journeyc.build.signature import Signature, intact
from journeyc.emitters import Written
from journeyc.errors import JourneycError

#: `write_tree` hard-links unchanged files from the previous build from this many files up (see `reuse`): a
#: small tree is cheap to write whole and keeps the one simple path
REUSE_FROM = 256


class Part:
    """Files written into a new tree: `put` writes one (hard-linked from the previous build when it holds
    exactly those bytes), `take` takes over files of the previous build that the build manifest says are
    still right, without reading them. With `signed`, every file's `Signature` is kept for the next build's
    manifest (a build without the cache keeps none: 110,000 of them at 10,000 journeys). A forked process
    writes into the same tree through its own part (`part`, `result`, `merge`)."""

    def __init__(self, dest: Path, tmp: Path, previous: str | None, signed: bool = True) -> None:
        self.dest, self.tmp, self.previous, self.signed = dest, tmp, previous, signed
        self.claims = Claims()
        self.signatures: dict[str, Signature] = {}

    def put(self, path: PurePosixPath | str, data: bytes, owner: str = "") -> None:
        rel = self.claims.add(path, owner)
        try:
            if self.previous is None or not reuse(self.previous, str(self.tmp), rel, data):
                write_file(self.tmp, rel, data)
            if self.signed:
                self.signatures[rel] = signature.of(os.lstat(os.path.join(self.tmp, rel)), signature.digest(data))
        except OSError as exc:
            raise JourneycError(f"cannot write {shown_path(self.dest)}: {exc.strerror or exc}") from None

    def put_stream(self, path: PurePosixPath | str, written: Written, owner: str = "") -> None:
        """Write one file through `written`, in pieces (never whole in memory)."""
        rel = self.claims.add(path, owner)
        try:
            digest = write_stream(self.tmp, rel, written)
            if self.signed:
                self.signatures[rel] = signature.of(os.lstat(os.path.join(self.tmp, rel)), digest)
        except OSError as exc:
            raise JourneycError(f"cannot write {shown_path(self.dest)}: {exc.strerror or exc}") from None

    def take(self, files: Mapping[str, Signature], owner: str = "") -> bool:
        """Link `files` from the previous build, all or none; False when one of them is not as described."""
        if self.previous is None or any(rel in self.claims for rel in files):
            return False
        done: list[str] = []
        try:
            for rel, sig in files.items():
                old = os.path.join(self.previous, rel)
                if not intact(old, sig):
                    raise OSError("changed since the last build")
                make_parents(str(self.tmp), rel)
                os.link(old, os.path.join(self.tmp, rel), follow_symlinks=False)
                done.append(rel)
        except OSError:
            for rel in done:
                os.unlink(os.path.join(self.tmp, rel))
            return False
        for rel, sig in files.items():
            self.claims.add(rel, owner)
            self.signatures[rel] = signature.of(os.lstat(os.path.join(self.tmp, rel)), sig.digest)
        return True

    def part(self) -> Part:
        return Part(self.dest, self.tmp, self.previous, self.signed)

    def result(self) -> tuple[dict[str, str], dict[str, Signature]]:
        return self.claims.owners, self.signatures

    def merge(self, result: tuple[dict[str, str], dict[str, Signature]]) -> None:
        owners, signatures = result
        for rel, owner in owners.items():
            self.claims.add(rel, owner)
        self.signatures.update(signatures)


class Tree(Part):
    """The next output tree, written beside `dest` between `with` and `commit`, which swaps it in; leaving
    the `with` without committing removes it."""

    def __init__(self, dest: Path, keep: Iterable[Path] = (), *, reuse: bool = True, signed: bool = True) -> None:
        dest = Path(os.path.abspath(dest))
        super().__init__(dest, dest, None, signed)
        self.keep = tuple(keep)
        self.reuse = reuse
        self.writing = False
        self._lock: AbstractContextManager[None] = nullcontext()

    def __enter__(self) -> Tree:
        try:
            ensure_replaceable(self.dest, self.keep)
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            self._lock = locked(self.dest)
            self._lock.__enter__()
        except OSError as exc:
            raise JourneycError(f"cannot write {shown_path(self.dest)}: {exc.strerror or exc}") from None
        try:
            ensure_replaceable(self.dest, self.keep)  # again: another build may have swapped it while this one waited
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.dest.name}.journeyc-new-", dir=self.dest.parent))
            self.writing = True
            os.chmod(self.tmp, DIR_MODE)
            if self.reuse and os.name == "posix" and is_marker(self.dest / MARKER):
                self.previous = str(self.dest)
        except BaseException as exc:
            self.__exit__(type(exc), exc, exc.__traceback__)
            if isinstance(exc, OSError):
                raise JourneycError(f"cannot write {shown_path(self.dest)}: {exc.strerror or exc}") from None
            raise
        return self

    def commit(self) -> None:
        try:
            write_file(self.tmp, MARKER, MARKER_TEXT)
            swap(self.tmp, self.dest)
        except OSError as exc:
            raise JourneycError(f"cannot write {shown_path(self.dest)}: {exc.strerror or exc}") from None
        self.writing = False

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        # Ctrl-C included: never leave the half-written tree behind
        if self.writing:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.writing = False
        self._lock.__exit__(kind, exc, traceback)


def write_tree(files: Mapping[PurePosixPath, bytes], dest: Path, keep: Iterable[Path] = ()) -> None:
    """Replace `dest` with exactly `files` (plus the marker), atomically; `destination.ensure_replaceable`
    says what `keep` protects."""
    items = checked_paths(files)
    with Tree(dest, keep, reuse=len(items) >= REUSE_FROM) as tree:
        for rel, data in items:
            tree.put(rel, data)
        tree.commit()
