"""Bounded reads with os-level calls, shared by the check engine and the build writer."""

from __future__ import annotations

import os


def read_fd(fd: int, most: int) -> bytes:
    """At most `most` bytes from an open file descriptor (a read may return less than asked)."""
    chunks = []
    while most > 0:
        chunk = os.read(fd, most)
        if not chunk:
            break
        chunks.append(chunk)
        most -= len(chunk)
    return b"".join(chunks)


def read_limited(path: str, most: int) -> bytes:
    """At most `most` bytes of a file. os-level reads: a pre-commit run reads every file of the workspace,
    and a buffered file object per file costs a third more than the read itself."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        return read_fd(fd, min(os.fstat(fd).st_size + 1, most))
    finally:
        os.close(fd)


def write_atomic(path: os.PathLike[str] | str, data: bytes, *, unchanged: bytes | None = None) -> None:
    """Write `data` to `path` whole or not at all: a temporary file beside it, then a rename over it.

    The file keeps its permission bits. With `unchanged`, the file must still
    hold exactly those bytes when it is replaced (it was read, then judged):
    otherwise FileChangedError, and nothing is written.
    """
    target = os.fspath(path)
    directory, name = os.path.split(target)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.journeyc-tmp")
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        if unchanged is not None and _current(target, len(unchanged) + 1) != unchanged:
            raise FileChangedError(target)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class FileChangedError(OSError):
    """The file changed on disk since it was read: it is not written over."""


def _current(path: str, most: int) -> bytes | None:
    try:
        return read_limited(path, most)
    except OSError:
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
