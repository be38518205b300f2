"""Where a build may go, and one build at a time: the marker, the refusals, the lock beside the destination.

Only a destination that does not exist, is empty or carries the marker (a
regular file, not a link) is ever replaced: `--out` pointed at a user's
directory must never wipe it. A marker can be forged (committed in a pull
request), so some destinations are refused even with one: the file-system
root, the home directory, a directory holding the workspace (`keep`) or a git
repository. Builds into one destination take turns (a lock file beside it), so
two at once never lose the output or mix trees.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from journeyc.errors import JourneycError

MARKER = ".journeyc-build"
MARKER_TEXT = b"Written by `journeyc build`; the next build replaces this whole directory. Do not edit.\n"
FILE_MODE = 0o644  # set explicitly: the same modes whatever the umask
DIR_MODE = 0o755


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
    if is_marker(dest / MARKER) or not any(dest.iterdir()):
        return
    raise refuse(f"it was not created by journeyc build (no {MARKER} marker)")


def is_marker(path: Path) -> bool:
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


@contextmanager
def locked(dest: Path) -> Iterator[None]:
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


def shown_path(path: Path) -> str:
    """A path as the user typed it, more or less: relative when below the current directory."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)
