"""A workspace's cache for one run: find each file's part by its content, load what is missing, save what is new.

`Store.judge` stands in for `journeyc.workspace.filepart.judge_file`: it
returns exactly what loading the bytes would, from an entry when one matches
(the digest of the bytes, in the directory of the current environment), else
by loading them and keeping the result for `save`. An entry that cannot be
read is ignored and the file loaded; its segment is dropped at the next save,
whose new segment holds the entry again. Segments accumulate one per run that
loaded something. When there are too many, the small ones are merged into
one, without the entries no longer used: the largest (usually the workspace's
first run) is not rewritten for a few changed files, which would cost a warm
run half its time. All are compacted into one when too many entries are no
longer used, or one cannot be read. Entries derived from a file's part
and more (the local rules' findings: `verdicts`) live in the same segments,
named by the file's content, its path and a digest of the rest (`lookup`,
`keep`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from journeyc.cache import codec, key, location, segments
from journeyc.workspace.filepart import FileResult, judge_file
from journeyc.workspace.limits import Limits

T = TypeVar("T")
#: from this many segments up, the next save writes one in their place
MAX_SEGMENTS = 8
#: segments larger than this keep their lines as bytes until an entry is asked for (`_large`)
LAZY_BYTES = 32 << 20
#: entries read but not used (older versions of files) beyond which a save compacts
MAX_DEAD = 64
#: another environment's entries of a workspace are kept this long (two journeyc versions used in turn)...
KEEP_OTHER_ENVIRONMENT = 7 * 86400
#: ...and a workspace's whole directory this long after its last use
KEEP_WORKSPACE = 30 * 86400


@dataclass
class Shelf:
    """The entries of one workspace made under one environment: one directory of segments."""

    directory: Path
    entries: dict[str, Any] = field(default_factory=dict)
    read: list[Path] = field(default_factory=list)
    bad: list[Path] = field(default_factory=list)
    #: entries in the segments read, duplicates included
    total: int = 0
    used: set[str] = field(default_factory=set)
    fresh: dict[str, codec.Entry] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    #: the names each segment read holds
    names: dict[Path, list[str]] = field(default_factory=dict)
    #: entries handed out and no longer held (`lend`)
    lent: set[str] = field(default_factory=set)

    def load(self) -> None:
        for path in segments.names(self.directory):
            try:
                found = segments.read(path, lazy=_large(path))
            except segments.Unreadable:
                self.bad.append(path)
                continue
            if found is None:
                continue
            self.read.append(path)
            self.names[path] = list(found)
            self.total += len(found)
            for name, entry in found.items():
                self.entries.setdefault(name, entry)

    def save(self) -> None:
        kept = self.used - self.broken
        dead = self.total - len(kept)
        if self.bad or self.broken or dead > max(MAX_DEAD, len(kept | self.fresh.keys())):
            self._write(self._held(kept) | self.fresh, self.read + self.bad)
        elif len(self.read) >= MAX_SEGMENTS:
            big = max(self.read, key=lambda p: len(self.names[p]))
            rest = [p for p in self.read if p != big]
            in_big = set(self.names[big])
            self._write(self._held(n for p in rest for n in self.names[p] if n in kept and n not in in_big)
                        | self.fresh, rest)
        elif self.fresh:
            self._write(self.fresh, [])
        else:
            _touch(self.directory)
            return
        segments.sweep(self.directory)

    def _write(self, entries: dict[str, Any], replaced: list[Path]) -> None:
        """A new segment of `entries` in place of `replaced` (only segments this run read: others' new ones stay)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        segments.write(self.directory, entries)
        segments.remove(replaced)

    def entry(self, name: str) -> Any:
        """The entry `name`, its line decoded if it is not yet; `codec.Corrupt` for a line that does not decode."""
        value = self.entries[name]
        if type(value) is segments.Pending:
            try:
                found = value.decode()
            except segments.Unreadable as exc:
                raise codec.Corrupt(str(exc)) from None
            for n, decoded in found.items():
                if self.entries.get(n) is value:  # an older segment's entry of the same name comes first
                    self.entries[n] = decoded
            value = self.entries[name]
        return value

    def lend(self, name: str) -> Any:
        """The entry `name`, let go of by the shelf: what it holds now belongs to the workspace loaded from it,
        which may let it go in turn (a check of many files: journeyc.workspace.forget). `save` reads it again."""
        value = self.entry(name)
        self.lent.add(name)
        del self.entries[name]
        return value

    def _held(self, names: Iterable[str]) -> dict[str, Any]:
        """The entries `names`, in that order; those lent read again from the segments they came from (one that
        disappeared meanwhile, compacted by another process, loses them: they are made again when next needed)."""
        order = list(dict.fromkeys(names))
        held = {}
        for n in order:
            if n in self.entries:
                try:
                    held[n] = self.entry(n)
                except codec.Corrupt:  # left out, as a broken entry is
                    pass
        wanted = {n for n in order if n not in self.entries}
        again: dict[str, Any] = {}
        for path in self.read if wanted else ():
            try:
                found = segments.read(path) or {}
            except segments.Unreadable:
                continue
            for n in wanted & found.keys():
                again.setdefault(n, found[n])
        return {n: held[n] if n in held else again[n] for n in order if n in held or n in again}


class Store:
    """The cache of one workspace during one run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.shelves: dict[Limits, Shelf] = {}
        self.hits = 0
        self.misses = 0
        #: the digest of each file's bytes judged in this run, by the path shown
        self.contents: dict[str, str] = {}
        #: the shelves let go of the entries of the files judged (`Shelf.lend`): a check that lets the data go
        self.lend = False

    def judge(self, shown: str, raw: bytes, limits: Limits) -> FileResult:
        """What the file contributes, from its entry when there is a good one."""
        shelf = self._shelf(limits)
        name = self.contents[shown] = key.content(raw)
        if name in shelf.entries and name not in shelf.broken:  # a `null` entry too is decoded, and found corrupt
            try:
                found = codec.decode_entry(shelf.lend(name) if self.lend else shelf.entry(name), shown, raw)
            except codec.Corrupt:
                shelf.broken.add(name)
            else:
                shelf.used.add(name)
                self.hits += 1
                found.same = _same(name)
                return found
        self.misses += 1
        found = judge_file(shown, raw, limits)
        found.same = _same(name)
        encoded = codec.encode(found, shown)
        if encoded is not None and name not in shelf.lent:  # lent: another file with the same bytes, kept already
            shelf.fresh[name] = encoded
            codec.compact_lines(found, encoded)
        return found

    def lookup(self, shown: str, where: str, limits: Limits, decode: Callable[[Any], T]) -> T | None:
        """What `decode` makes of the entry of the file shown as `shown` (judged in this run) under `where`, a
        digest of what else the entry depends on; None when there is none, or a bad one (`codec.Corrupt`)."""
        name = self._derived_name(shown, where)
        if name is None:
            return None
        shelf = self._shelf(limits)
        if name not in shelf.entries or name in shelf.broken:
            return None
        try:
            found = decode(shelf.entry(name))
        except codec.Corrupt:
            shelf.broken.add(name)
            return None
        shelf.used.add(name)
        return found

    def keep(self, shown: str, where: str, limits: Limits, entry: codec.Entry) -> None:
        """Keep `entry` for the file shown as `shown` (judged in this run) under `where`, for `save`."""
        name = self._derived_name(shown, where)
        if name is not None:
            self._shelf(limits).fresh[name] = entry

    def _derived_name(self, shown: str, where: str) -> str | None:
        content = self.contents.get(shown)
        return None if content is None else key.digest("derived", content, shown, where)

    def _shelf(self, limits: Limits) -> Shelf:
        shelf = self.shelves.get(limits)
        if shelf is None:
            shelf = self.shelves[limits] = Shelf(self.directory / key.environment(limits))
            shelf.load()
        return shelf

    def save(self) -> None:
        """Write what this run loaded; OSError when the location cannot be written."""
        for shelf in self.shelves.values():
            shelf.save()
        if any(s.fresh for s in self.shelves.values()):
            os.utime(self.directory)  # in use: `prune` keeps it
            prune(self.directory, {s.directory.name for s in self.shelves.values()})


def _large(path: Path) -> bool:
    """Whether a segment's lines are decoded only when an entry of theirs is asked for: a large one's (a warm
    check of 10,000 journeys held 100 MB of entries decoded at once, its peak); a small one's are decoded as it
    is read, each line's bytes freed at once (holding them all cost a warm check of 1,000 journeys a fifth more
    page faults)."""
    try:
        return path.stat().st_size > LAZY_BYTES
    except OSError:
        return False


def _same(name: str) -> Callable[[bytes], bool]:
    """Whether bytes read again are those of the entry `name` (its digest, made already: no other is)."""
    return lambda raw: key.content(raw) == name


def prune(workspace: Path, current: set[str], now: float | None = None) -> None:
    """Forget what nobody uses: other environments of this workspace, and workspaces not checked for long."""
    now = time.time() if now is None else now
    for folder, keep, spare in ((workspace, KEEP_OTHER_ENVIRONMENT, current), (workspace.parent, KEEP_WORKSPACE,
                                                                              {workspace.name})):
        try:
            with os.scandir(folder) as found:
                old = [e.path for e in found if e.is_dir(follow_symlinks=False) and e.name not in spare
                       and now - e.stat(follow_symlinks=False).st_mtime > keep]
        except OSError:
            continue
        if old:
            import shutil  # rarely needed: it imports bz2 and lzma, which a warm check would pay for

            for path in old:
                shutil.rmtree(path, ignore_errors=True)


def _touch(directory: Path) -> None:
    """Mark a directory used (a run that found everything writes nothing), at most once a day."""
    try:
        if time.time() - directory.stat().st_mtime > 86400:
            os.utime(directory)
            os.utime(directory.parent)  # the workspace's directory, which `prune` looks at
    except OSError:
        pass


def open_store(root: Path) -> tuple[Store | None, str | None]:
    """The cache of the workspace at `root`, or None and why when it cannot be used here."""
    base = location.cache_root()
    directory = location.workspace_dir(root, base)
    try:
        location.prepare(base, directory)
        if not os.access(directory, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        return None, f"cache off: cannot write to {base}: {exc.strerror or exc} (set {location.ENV_DIR}, or" \
                     f" {location.ENV_OFF}=1)"
    return Store(directory), None


def unusable(root: Path) -> str | None:
    """Why the cache cannot be used for the workspace at `root`, or None when it can."""
    return open_store(root)[1]
