"""The file operations of the writer: a file written, a file linked from the previous build, the swap.

Creating a file is most of what writing a build costs (a new inode each: up to
half a millisecond on some virtual disks, thousands of files per build); a
hard link costs a directory entry, and is used whenever the previous build
already holds exactly the bytes to write.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, cast

from journeyc.build.destination import DIR_MODE, FILE_MODE
from journeyc.build.signature import plainly_ours
from journeyc.emitters import Written
from journeyc.fileio import read_fd


def write_file(root: Path, rel: str, data: bytes) -> None:
    path = os.path.join(root, rel)
    make_parents(str(root), rel)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, FILE_MODE)


def write_stream(root: Path, rel: str, written: Written) -> str:
    """Write one file through `written`, in pieces; the digest of what it holds."""
    path = os.path.join(root, rel)
    make_parents(str(root), rel)
    with open(path, "wb") as f:
        hashing = HashingFile(f)
        written(cast(BinaryIO, hashing))
    os.chmod(path, FILE_MODE)
    return hashing.hexdigest()


def make_parents(root: str, rel: str) -> None:
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


def reuse(previous: str, root: str, rel: str, data: bytes) -> bool:
    """Hard-link `rel` from the previous build into the new tree when it already holds exactly `data`.

    The swap keeps its meaning: the new tree is complete before it replaces the
    old one, which stays intact until then.
    Only a file plainly journeyc's (`signature.plainly_ours`) is taken, and
    its bytes are compared through the new link, so what lands in the tree is
    exactly `data`; anything else is written anew.
    """
    old = os.path.join(previous, rel)
    try:
        st = os.lstat(old)
    except OSError:
        return False
    if not plainly_ours(st) or st.st_size != len(data):
        return False
    make_parents(root, rel)
    new = os.path.join(root, rel)
    try:
        os.link(old, new, follow_symlinks=False)
    except OSError:
        return False  # no hard links on this file system, or not allowed (fs.protected_hardlinks)
    try:
        fd = os.open(new, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            same = os.path.samestat(os.fstat(fd), st) and holds(fd, data)
        finally:
            os.close(fd)
    except OSError:
        same = False
    if not same:
        os.unlink(new)
    return same


#: bytes compared at a time: a large file (journeys.json) is not read into memory whole beside its new bytes
BLOCK = 1 << 20


def holds(fd: int, data: bytes) -> bool:
    """The open file `fd` holds exactly `data`, read block by block."""
    view = memoryview(data)
    done = 0
    while done < len(data):
        block = read_fd(fd, min(BLOCK, len(data) - done))
        if not block or view[done:done + len(block)] != block:
            return False
        done += len(block)
    return not os.read(fd, 1)


class HashingFile:
    """A binary file being written, and the digest of what it holds (a writer may start again from 0)."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.hash = hashlib.blake2b(digest_size=16)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.f.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise OSError("only a new start is possible")
        self.hash = hashlib.blake2b(digest_size=16)
        return self.f.seek(0)

    def truncate(self, size: int | None = None) -> int:
        return self.f.truncate(size)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def same_files(a: BinaryIO, b: BinaryIO) -> bool:
    """Two open binary files hold the same bytes (read block by block)."""
    while True:
        x, y = a.read(BLOCK), b.read(BLOCK)
        if x != y:
            return False
        if not x:
            return True


def swap(tmp: Path, dest: Path) -> None:
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
