"""What identifies a file a build wrote, so that a later build can take it over without making it again.

A file of the output is known by its size, modification time and inode as
they were right after the build that wrote it, and by the digest of its bytes
(`Signature`, kept in the build manifest). A later build takes it over when
it is still plainly journeyc's (a regular file of this user with journeyc's
mode and one name) and either its size, time and inode still hold (writing to
a file changes its time, replacing it its inode: no need to read it) or its
bytes still have the digest (an output directory restored from a CI cache has
new inodes and times). As with make or git's index, a change that keeps the
size and sets the time back by hand is not seen; the output directory is
journeyc's own (`Do not edit`, says its marker).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import NamedTuple

from journeyc.build.destination import FILE_MODE
from journeyc.fileio import read_limited


class Signature(NamedTuple):
    size: int
    mtime_ns: int
    inode: int
    digest: str


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def of(st: os.stat_result, data_digest: str) -> Signature:
    return Signature(st.st_size, st.st_mtime_ns, st.st_ino, data_digest)


def plainly_ours(st: os.stat_result) -> bool:
    """A regular file of this user with journeyc's mode that nothing else links to."""
    return (stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and stat.S_IMODE(st.st_mode) == FILE_MODE
            and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)())


def intact(path: Path | str, expected: Signature) -> bool:
    """The file at `path` is still the one the signature describes: untouched, or holding the same bytes."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not plainly_ours(st) or st.st_size != expected.size:
        return False
    if (st.st_mtime_ns, st.st_ino) == (expected.mtime_ns, expected.inode):
        return True
    try:
        return digest(read_limited(str(path), expected.size + 1)) == expected.digest
    except OSError:
        return False
