"""The one place `journeyc build` touches the disk: write beside the destination and swap, or compare.

A build is written into a temporary directory created next to the destination
(same parent, so the final rename is atomic), marked with `.journeyc-build`,
then swapped in: old -> backup, new -> destination, backup removed. Any failure
(or Ctrl-C) before the swap leaves the previous output untouched; a failure
during it puts the old directory back. Only a destination that does not exist,
is empty or carries the marker (a regular file, not a link) is ever replaced:
`--out` pointed at a user's directory must never wipe it. A marker can be
forged (committed in a pull request), so some destinations are refused even
with one: the file-system root, the home directory, a directory holding the
workspace (`keep`) or a git repository. Builds into one destination take turns
(a lock file beside it), so two at once never lose the output or mix trees.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from journeyc.errors import JourneycError
from journeyc.fileio import read_fd

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


def ensure_replaceable(dest: Path, keep: Iterable[Path] = ()) -> None:
    """Refuse a destination that some build of journeyc did not create, or that must survive any build.

    `keep`: directories that must not be replaced nor lie inside the destination (the workspace).
    """
    def refuse(why: str) -> JourneycError:
        return JourneycError(f"refusing to replace {shown_path(dest)}: {why}")

    if dest.is_symlink():
        raise refuse("it is a symbolic link")
    real = os.path.realpath(dest)
    if os.path.dirname(real) == real:
        raise refuse("it is the root of the file system")
    if real == _home():
        raise refuse("it is the home directory")
    for kept in keep:
        inner = os.path.realpath(kept)
        if inner == real or inner.startswith(real.rstrip(os.sep) + os.sep):
            raise refuse(f"it holds the workspace {shown_path(kept)}")
    if not dest.exists():
        return
    if not dest.is_dir():
        raise refuse("it is not a directory")
    if os.path.lexists(dest / ".git"):
        raise refuse("it holds a git repository")
    if _is_marker(dest / MARKER) or not any(dest.iterdir()):
        return
    raise refuse(f"it was not created by journeyc build (no {MARKER} marker)")


def _is_marker(path: Path) -> bool:
    """The marker journeyc writes: a regular file (a link or a directory of that name proves nothing)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _home() -> str | None:
    try:
        return os.path.realpath(Path.home())
    except (RuntimeError, KeyError, OSError):  # no HOME and no password entry: nothing to protect
        return None


def write_tree(files: Mapping[PurePosixPath, bytes], dest: Path, keep: Iterable[Path] = ()) -> None:
    """Replace `dest` with exactly `files` (plus the marker), atomically; see `ensure_replaceable` for `keep`."""
    items = checked_paths(files)
    dest = Path(os.path.abspath(dest))
    keep = tuple(keep)
    tmp: Path | None = None
    try:
        ensure_replaceable(dest, keep)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _locked(dest):
            ensure_replaceable(dest, keep)  # again: another build may have swapped it while this one waited
            tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.journeyc-new-", dir=dest.parent))
            os.chmod(tmp, DIR_MODE)
            previous = _previous(dest, len(items))
            for rel, data in items:
                if previous is None or not _reuse(previous, str(tmp), rel, data):
                    _write_file(tmp, rel, data)
            _write_file(tmp, MARKER, MARKER_TEXT)
            _swap(tmp, dest)
    except BaseException as exc:  # Ctrl-C included: never leave the half-written tree behind
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise JourneycError(f"cannot write {shown_path(dest)}: {exc.strerror or exc}") from None
        raise


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """Hold the lock of `dest` (`.<name>.journeyc-lock` beside it); a second build waits for the first.

    The lock is the OS's (released when the process dies, so never stale). The
    file is removed on release; a waiter that then holds a lock on the removed
    file sees that it is not the file at the path any more and starts over.
    """
    path = dest.parent / f".{dest.name}.journeyc-lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            _lock(fd)
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass  # Windows cannot remove an open file; the next build reuses it
        os.close(fd)  # closing releases the lock


def _lock(fd: int) -> None:
    """Block until this process holds the exclusive lock of the open file `fd`."""
    if sys.platform == "win32":
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError as exc:
                if exc.errno != errno.EDEADLK:  # what it raises after ten seconds of waiting: wait on
                    raise
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _write_file(root: Path, rel: str, data: bytes) -> None:
    path = os.path.join(root, rel)
    _make_parents(str(root), rel)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, FILE_MODE)


def _make_parents(root: str, rel: str) -> None:
    """The folders above `rel`; one stat when they exist (a build writes thousands of files into a few folders)."""
    head = rel.rpartition("/")[0]
    if not head or os.path.isdir(os.path.join(root, head)):
        return
    folder = root
    for part in head.split("/"):
        folder = os.path.join(folder, part)
        if not os.path.isdir(folder):
            os.mkdir(folder)
            os.chmod(folder, DIR_MODE)


#: from this many files up, unchanged files are hard-linked from the previous build (see `_reuse`); a
#: small tree is cheap to write whole and keeps the one simple path
REUSE_FROM = 256


def _previous(dest: Path, count: int) -> str | None:
    """The previous build whose unchanged files this one may take over, if any (POSIX only)."""
    if count < REUSE_FROM or os.name != "posix" or not _is_marker(dest / MARKER):
        return None
    return str(dest)


def _reuse(previous: str, root: str, rel: str, data: bytes) -> bool:
    """Hard-link `rel` from the previous build into the new tree when it already holds exactly `data`.

    Creating a file is most of what writing a build costs (a new inode each: up
    to half a millisecond on some virtual disks, thousands of files per build);
    a link costs a directory entry. The swap keeps its meaning: the new tree is
    complete before it replaces the old one, which stays intact until then.
    Only a regular file of this user with journeyc's mode that nothing else
    links to is taken, and its bytes are compared through the new link, so
    what lands in the tree is exactly `data`; anything else is written anew.
    """
    old = os.path.join(previous, rel)
    try:
        st = os.lstat(old)
    except OSError:
        return False
    if not (stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and st.st_size == len(data)
            and stat.S_IMODE(st.st_mode) == FILE_MODE and st.st_uid == os.getuid()):
        return False
    _make_parents(root, rel)
    new = os.path.join(root, rel)
    try:
        os.link(old, new, follow_symlinks=False)
    except OSError:
        return False  # no hard links on this file system, or not allowed (fs.protected_hardlinks)
    try:
        fd = os.open(new, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            same = os.path.samestat(os.fstat(fd), st) and read_fd(fd, len(data) + 1) == data
        finally:
            os.close(fd)
    except OSError:
        same = False
    if not same:
        os.unlink(new)
    return same


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
    stale = tuple(r for r in expected if r in on_disk and _read(on_disk[r], len(expected[r]) + 1) != expected[r])
    missing = tuple(r for r in expected if r not in on_disk)
    extra = tuple(sorted(r for r in on_disk if r not in expected))
    return Staleness(stale, missing, extra)


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


def shown_path(path: Path) -> str:
    """A path as the user typed it, more or less: relative when below the current directory."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)
