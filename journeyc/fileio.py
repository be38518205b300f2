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
