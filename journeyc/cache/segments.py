"""Segment files: a batch of entries written once, whole, then renamed into place, and never changed.

A segment is a header line (`{"journeyc-cache": FORMAT}`), lines of JSON
objects of up to `PER_LINE` entries each (by content digest), each after a
line that lists its names (so that a reader can leave a line undecoded until
one of its entries is asked for: `read(lazy=True)`, `Pending`), and a trailer
line (`{"digest": ..., "entries": N}`) whose digest, a CRC-32, covers every
line between. It is written to a temporary name in the same directory and
renamed, so a reader sees all of it or nothing; the digest catches a file cut
short or damaged since. A CRC is what that takes: the trailer is no seal (it
is not keyed: whoever can write the cache can write a matching one), and every
value read is checked anyway (codec.py). It costs a fifth of blake2b's time.
Two processes never write the same name. Lines keep memory bounded on both
sides (one line at a time, never the whole file as one string) while letting
JSON share the repeated keys of the entries of a line.
Reading is JSON parsing, which builds dicts, lists, strings and numbers and
executes nothing: orjson where it is installed (it parses a warm check's
entries in three fifths of the time), else `json.loads`. Both give the same
values for every line this module writes: orjson refuses some of what YAML
data can hold (NaN, lone surrogates), and such a line is read again by `json`;
it reads an integer beyond 64 bits as a float, so an entry with a run of 19
digits (anywhere: the check is on the text) goes into a line that starts with
a space, which only `json` reads.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from journeyc.cache.key import FORMAT

_fast_loads: Callable[[bytes], Any]
try:
    from orjson import loads as _fast_loads
except ImportError:  # PyPy, or an install without it
    _fast_loads = json.loads

PREFIX, SUFFIX = "seg-", ".json"
TMP_PREFIX = ".tmp-"
#: entries per line: JSON shares the keys of one line's entries (a tenth of a warm check's memory)
PER_LINE = 256
#: a segment larger than this is not read (a workspace of 10,000 journeys writes about 100 MB)
MAX_BYTES = 1 << 30
#: a temporary file this old was left by a process that died while writing
STALE_TMP_SECONDS = 3600
#: every digit as "0", anything else as " ": a run of 19 digits (a number orjson may not read as json does:
#: int64 has 19, an integer of 18 is always read exactly) is then a plain substring search
_DIGITS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_LONG_NUMBER = b"0" * 19
_HEADER = json.dumps({"journeyc-cache": FORMAT}).encode("ascii") + b"\n"


class _Crc:
    """A running CRC-32 with hashlib's `update` and `hexdigest`."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def hexdigest(self) -> str:
        return f"{self.value:08x}"


class Unreadable(Exception):
    """A segment that is not one this journeyc wrote, cut short, or changed since."""


def names(directory: Path) -> list[Path]:
    """The segments of `directory`, oldest first (names start with the time they were written)."""
    try:
        found = os.listdir(directory)
    except FileNotFoundError:
        return []
    return [directory / n for n in sorted(found) if n.startswith(PREFIX) and n.endswith(SUFFIX)]


class Pending:
    """A line of entries read but not decoded: a warm check of many files then holds its bytes, not millions of
    objects, until the files that use them are loaded one after the other (and may let them go)."""

    __slots__ = ("line", "names", "failed")

    def __init__(self, line: bytes, names: list[str]) -> None:
        self.line, self.names, self.failed = line, names, False

    def decode(self) -> dict[str, Any]:
        """The line's entries (once: the bytes are dropped); Unreadable when they are not those its names say."""
        if self.failed:
            raise Unreadable("a line that does not decode")
        try:
            found = decode(self.line)
        except (ValueError, RecursionError) as exc:
            self.failed = True
            raise Unreadable(str(exc)) from None
        if type(found) is not dict or list(found) != self.names:
            self.failed = True
            raise Unreadable("a line that does not hold the entries its names say")
        self.line = b""
        return found


def read(path: Path, *, lazy: bool = False) -> dict[str, Any] | None:
    """The entries of a segment (with `lazy`, each a `Pending` line until decoded); None when it disappeared
    meanwhile (another process compacted it)."""
    try:
        f = open(path, "rb", buffering=1 << 20)  # lines of megabytes: read in 8 KiB, a third slower
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Unreadable(str(exc)) from None
    with f:
        try:
            return _entries(f, lazy)
        except OSError as exc:
            raise Unreadable(str(exc)) from None
        except (ValueError, RecursionError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
            raise Unreadable(str(exc)) from None


def _entries(f: Any, lazy: bool) -> dict[str, Any]:
    if os.fstat(f.fileno()).st_size > MAX_BYTES:
        raise Unreadable("too large")
    if f.readline() != _HEADER:
        raise Unreadable("not a segment of this journeyc")
    digest = _Crc()
    entries: dict[str, Any] = {}
    count = 0
    names: list[str] | None = None
    for line in f:
        if not line.startswith(b'{"digest"'):
            digest.update(line)
            if names is None:  # the names of the next line
                names = json.loads(line)
                if type(names) is not list or not all(type(n) is str for n in names):
                    raise Unreadable("not a list of names")
                continue
            pending = Pending(line, names)
            entries.update(dict.fromkeys(names, pending) if lazy else pending.decode())
            count += len(names)
            names = None
            continue
        trailer = json.loads(line)
        if names is not None or trailer != {"digest": digest.hexdigest(), "entries": count} or f.read(1):
            raise Unreadable("cut short or changed since it was written")
        return entries
    raise Unreadable("cut short")


def decode(line: bytes) -> Any:
    """The JSON value of a line, as `json.loads` gives it."""
    if line[:1] == b" ":
        return json.loads(line)
    try:
        return _fast_loads(line)
    except ValueError:  # orjson.JSONDecodeError is one
        return json.loads(line)


def write(directory: Path, entries: Mapping[str, Any]) -> int:
    """Write `entries` as a new segment of `directory`; how many were written (one that JSON cannot say,
    such as an integer of thousands of digits, is left out: its file is loaded each time)."""
    # os.urandom rather than `secrets`, whose imports (base64, hmac, random) a warm check would pay for
    token = f"{time.time_ns():020d}-{os.getpid()}-{os.urandom(4).hex()}"
    tmp = directory / f"{TMP_PREFIX}{token}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            count = _write_lines(f, entries)
        if count:
            os.replace(tmp, directory / f"{PREFIX}{token}{SUFFIX}")
        else:
            _unlink(tmp)
    except BaseException:
        _unlink(tmp)
        raise
    return count


def _write_lines(f: Any, entries: Mapping[str, Any]) -> int:
    f.write(_HEADER)
    digest = _Crc()
    count = 0
    lines: tuple[list[tuple[str, str]], list[tuple[str, str]]] = ([], [])  # for orjson, for json only
    for name, entry in entries.items():
        try:
            part = json.dumps(name) + ":" + json.dumps(entry, ensure_ascii=True, check_circular=False,
                                                       separators=(",", ":"))
        except (ValueError, TypeError, RecursionError):
            continue
        exact = _LONG_NUMBER in part.encode("ascii").translate(_DIGITS)
        lines[exact].append((name, part))
        if len(lines[exact]) == PER_LINE:
            count += _line(f, digest, lines[exact], exact)
    count += _line(f, digest, lines[False], False) + _line(f, digest, lines[True], True)
    f.write(json.dumps({"digest": digest.hexdigest(), "entries": count}).encode("ascii") + b"\n")
    return count


def _line(f: Any, digest: Any, parts: list[tuple[str, str]], exact: bool) -> int:
    if not parts:
        return 0
    names = (json.dumps([name for name, _ in parts], ensure_ascii=True) + "\n").encode("ascii")
    line = ((" {" if exact else "{") + ",".join(part for _, part in parts) + "}\n").encode("ascii")
    for written in (names, line):
        digest.update(written)
        f.write(written)
    count = len(parts)
    parts.clear()
    return count


def remove(paths: list[Path]) -> None:
    for path in paths:
        _unlink(path)


def sweep(directory: Path) -> None:
    """Remove the temporary files that processes which died while writing left behind."""
    now = time.time()
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(TMP_PREFIX) and now - entry.stat().st_mtime > STALE_TMP_SECONDS:
                    _unlink(Path(entry.path))
    except OSError:
        pass


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # gone already (another process compacted), or not ours to remove
