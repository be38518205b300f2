"""The one place `journeyc build` touches the disk: write beside the destination and swap, or compare.

A build is written into a temporary directory created next to the destination
(same parent, so the final rename is atomic), marked with `.journeyc-build`,
then swapped in: old -> backup, new -> destination, backup removed. Any failure
(or Ctrl-C) before the swap leaves the previous output untouched; a failure
during it puts the old directory back. Only a destination that does not exist,
is empty or carries the marker is ever replaced: `--out` pointed at a user's
directory must never wipe it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from journeyc.errors import JourneycError

MARKER = ".journeyc-build"
MARKER_TEXT = b"Written by `journeyc build`; the next build replaces this whole directory. Do not edit.\n"
FILE_MODE = 0o644  # set explicitly: the same modes whatever the umask
DIR_MODE = 0o755


@dataclass(frozen=True)
class Staleness:
    """What `--check` found: files whose bytes differ, files not written yet, files no build writes."""

    stale: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not (self.stale or self.missing or self.extra)


def checked_paths(files: Mapping[PurePosixPath, bytes]) -> list[tuple[str, bytes]]:
    """The files sorted by path, each path proven to stay inside the output directory."""
    out: dict[str, bytes] = {}
    folded: dict[str, str] = {}
    for raw, data in files.items():
        rel = _checked(raw)
        other = folded.setdefault(rel.casefold(), rel)
        if other != rel:  # one file on Windows and macOS
            raise JourneycError(f"output paths {other!r} and {rel!r} differ only in case")
        out[rel] = data
    for rel in out:
        parent = PurePosixPath(rel).parent
        while str(parent) != ".":
            if str(parent) in out:
                raise JourneycError(f"output path {str(parent)!r} is both a file and a directory")
            parent = parent.parent
    return sorted(out.items())


def _checked(path: PurePosixPath | str) -> str:
    text = str(path)
    bad = ("\\" in text or "\0" in text or ":" in text or text in ("", ".")
           or PurePosixPath(text).is_absolute() or ".." in PurePosixPath(text).parts
           or text == MARKER)
    if bad:
        raise JourneycError(f"an emitter produced an unsafe output path: {text!r}")
    return PurePosixPath(text).as_posix()


def ensure_replaceable(dest: Path) -> None:
    """Refuse a destination that some build of journeyc did not create."""
    if dest.is_symlink():
        raise JourneycError(f"refusing to replace {shown_path(dest)}: it is a symbolic link")
    if not dest.exists():
        return
    if not dest.is_dir():
        raise JourneycError(f"refusing to replace {shown_path(dest)}: it is not a directory")
    if (dest / MARKER).is_file() or not any(dest.iterdir()):
        return
    raise JourneycError(f"refusing to replace {shown_path(dest)}: it was not created by journeyc build"
                        f" (no {MARKER} marker)")


def write_tree(files: Mapping[PurePosixPath, bytes], dest: Path) -> None:
    """Replace `dest` with exactly `files` (plus the marker), atomically."""
    items = checked_paths(files)
    dest = Path(os.path.abspath(dest))
    ensure_replaceable(dest)
    tmp: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.journeyc-new-", dir=dest.parent))
        os.chmod(tmp, DIR_MODE)
        for rel, data in items:
            _write_file(tmp, rel, data)
        _write_file(tmp, MARKER, MARKER_TEXT)
        _swap(tmp, dest)
    except BaseException as exc:  # Ctrl-C included: never leave the half-written tree behind
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise JourneycError(f"cannot write {shown_path(dest)}: {exc.strerror or exc}") from None
        raise


def _write_file(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    for parent in reversed(PurePosixPath(rel).parents):
        folder = root / parent
        if not folder.is_dir():
            folder.mkdir()
            os.chmod(folder, DIR_MODE)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, FILE_MODE)


def _swap(tmp: Path, dest: Path) -> None:
    if not dest.exists():
        os.rename(tmp, dest)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{dest.name}.journeyc-old-", dir=dest.parent))
    os.rmdir(backup)  # only its unique name is wanted: renaming onto a directory fails on Windows
    moved = False
    try:
        os.rename(dest, backup)
        moved = True
        os.rename(tmp, dest)
    except BaseException:
        if moved and not dest.exists():
            os.rename(backup, dest)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def compare_tree(files: Mapping[PurePosixPath, bytes], dest: Path) -> Staleness:
    """What `write_tree` would change in `dest` (the marker aside); writes nothing."""
    expected = dict(checked_paths(files))
    on_disk: dict[str, Path] = {}
    if dest.is_dir():
        for dirpath, dirnames, filenames in os.walk(dest):
            dirnames.sort()
            for name in filenames:
                path = Path(dirpath) / name
                rel = path.relative_to(dest).as_posix()
                if rel != MARKER:
                    on_disk[rel] = path
    stale = tuple(r for r in expected if r in on_disk and _read(on_disk[r]) != expected[r])
    missing = tuple(r for r in expected if r not in on_disk)
    extra = tuple(sorted(r for r in on_disk if r not in expected))
    return Staleness(stale, missing, extra)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # unreadable counts as stale


def shown_path(path: Path) -> str:
    """A path as the user typed it, more or less: relative when below the current directory."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)
