"""What identifies a file a build wrote, so that a later build can take it over without reading it.

A file of the output is known by its size, modification time and inode as
they were right after the build that wrote it (`Signature`, kept in the build
manifest). A later build takes it over unread only when all three still hold
and the file is still plainly journeyc's (a regular file of this user with
journeyc's mode and one name): writing to a file changes its time, replacing
it changes its inode. As with make or git's index, a change that keeps the
size and sets the time back by hand is not seen; the output directory is
journeyc's own (`Do not edit`, says its marker).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from journeyc.build.destination import FILE_MODE


class Signature(NamedTuple):
    size: int
    mtime_ns: int
    inode: int


def of(st: os.stat_result) -> Signature:
    return Signature(st.st_size, st.st_mtime_ns, st.st_ino)


def plainly_ours(st: os.stat_result) -> bool:
    """A regular file of this user with journeyc's mode that nothing else links to."""
    return (stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and stat.S_IMODE(st.st_mode) == FILE_MODE
            and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)())


def intact(path: Path | str, expected: Signature) -> bool:
    """The file at `path` is still the one the signature describes, untouched."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return plainly_ours(st) and of(st) == expected
