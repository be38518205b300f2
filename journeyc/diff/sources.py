"""The two sides of `journeyc diff`: a directory, the working tree, or a git revision read with git itself.

A revision is exported into a temporary directory with `git ls-tree` and `git
cat-file --batch`: read-only plumbing that never checks anything out and never
touches the user's working tree or index (GIT_OPTIONAL_LOCKS=0 keeps git from
even refreshing the index). Both sides then go through the normal loader and
checker, so the diff sees exactly what `journeyc check` sees.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from journeyc.diagnostics import Severity
from journeyc.diff import Unread, WorkspaceDiff, compare
from journeyc.engine import Loaded, check
from journeyc.errors import JourneycError
from journeyc.workspace.config import CONFIG_FILE
from journeyc.workspace.discovery import YAML_SUFFIXES
from journeyc.workspace.load import find_root

WORKING_TREE = "working tree"


#: loading and schema errors: a file with one of them was not read as written
UNREAD_CODES = frozenset({"JC001", "JC002", "JC003", "JC004", "JC005"})


@dataclass(frozen=True)
class Side:
    """One loaded side: what the user named it, its workspace and how many check errors it has."""

    label: str
    loaded: Loaded
    errors: int

    def unread(self, side: str) -> tuple[Unread, ...]:
        """The files of this side that did not load cleanly, with their first loading or schema error."""
        first: dict[str, Unread] = {}
        for d in sorted(self.loaded.diagnostics, key=lambda d: d.sort_key()):
            if d.code in UNREAD_CODES and d.severity >= Severity.ERROR:
                rel = os.path.relpath(os.path.abspath(d.position.file), self.loaded.root).replace(os.sep, "/")
                first.setdefault(rel, Unread(side, rel, d.code, d.position.line, d.message))
        return tuple(first.values())


@dataclass(frozen=True)
class DiffRun:
    base: Side
    head: Side
    diff: WorkspaceDiff


def run(base: str, head: str | None = None, path: Path | None = None) -> DiffRun:
    """Compare BASE with HEAD (default: the working tree) for the workspace around `path` (default: cwd)."""
    where = path if path is not None else Path.cwd()
    if not where.exists():
        raise JourneycError(f"no such file or directory: {where}")
    with materialised(base, where) as (base_dir, base_label):
        old = _load(base_dir, base_label)
    with materialised(head, where) as (head_dir, head_label):
        new = _load(head_dir, head_label)
    unread = old.unread("base") + new.unread("head")
    return DiffRun(old, new, compare(old.loaded.workspace, new.loaded.workspace, new.loaded.config.targets, unread))


def _load(directory: Path, label: str) -> Side:
    result = check([directory])
    assert result.loaded is not None  # check() of one directory always loads it
    return Side(label, result.loaded, result.count(Severity.ERROR))


@contextmanager
def materialised(spec: str | None, where: Path) -> Iterator[tuple[Path, str]]:
    """A directory holding one side: the working tree, a directory as given, or a revision exported to /tmp.

    An existing directory wins over a revision of the same name (as `./main` over branch `main`). The
    workspace around `where` is looked for only when a side is the working tree or a revision.
    """
    if spec is not None and Path(spec).is_dir():
        yield Path(spec), spec
    elif spec is None:
        yield find_root(where), WORKING_TREE
    else:
        _repo_top(spec, Path(os.path.abspath(where)))  # not a directory and not in a repository: say so first
        with tempfile.TemporaryDirectory(prefix="journeyc-diff-") as tmp:
            export_revision(spec, find_root(where), Path(tmp))
            yield Path(tmp), spec


def export_revision(rev: str, workspace: Path, dest: Path) -> int:
    """Write the YAML files of `workspace` as of revision `rev` into `dest`; return how many."""
    top = _repo_top(rev, workspace)
    rel = workspace.resolve().relative_to(top).as_posix()
    rel = "" if rel == "." else rel
    if rev.startswith("-"):
        raise JourneycError(f"unknown revision {rev!r}")
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}",
                  error=f"unknown revision {rev!r} (not a directory either)").decode().strip()
    listing = _git(top, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-name", commit, "--", rel or ".",
                   error=f"cannot list {rel or '.'} at {rev!r}")
    blobs = _yaml_blobs(listing, rel)
    if blobs:
        contents = _cat_blobs(top, [sha for sha, _ in blobs])
        for (_, relpath), data in zip(blobs, contents, strict=True):
            target = dest.joinpath(*relpath.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    if not (dest / CONFIG_FILE).exists():
        # an empty config keeps the loader from looking for a workspace root above the temporary directory
        (dest / CONFIG_FILE).write_bytes(b"")
    return len(blobs)


def _repo_top(rev: str, workspace: Path) -> Path:
    out = _git(workspace, "rev-parse", "--show-toplevel",
               error=f"{rev!r} is not a directory, and {workspace} is not in a git repository")
    return Path(os.fsdecode(out.rstrip(b"\r\n"))).resolve()


def _yaml_blobs(listing: bytes, rel: str) -> list[tuple[str, PurePosixPath]]:
    """(object id, path below the workspace) of the regular YAML files in an `ls-tree -z` listing."""
    out = []
    prefix = PurePosixPath(rel) if rel else None
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = PurePosixPath(os.fsdecode(raw))
        # symbolic links and submodules are skipped: the loader would not follow them out of the workspace
        if kind != "blob" or mode not in ("100644", "100755") or not path.name.endswith(YAML_SUFFIXES):
            continue
        inner = path.relative_to(prefix) if prefix else path
        if inner.is_absolute() or any(part in ("", ".", "..") for part in inner.parts):
            continue
        out.append((sha, inner))
    return out


def _cat_blobs(top: Path, shas: list[str]) -> list[bytes]:
    raw = _git(top, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode(),
               error="cannot read objects with git cat-file")
    out, pos = [], 0
    for sha in shas:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].decode().split(" ")
        if len(header) != 3 or header[0] != sha:
            raise JourneycError(f"git cat-file: unexpected answer for {sha}: {' '.join(header)}")
        size = int(header[2])
        out.append(raw[end + 1 : end + 1 + size])
        pos = end + 1 + size + 1  # the content is followed by a newline
    return out


def _git(cwd: Path, *args: str, error: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], input=stdin, capture_output=True, env=env,
                              check=False)
    except FileNotFoundError:
        raise JourneycError("git is not installed (or not on PATH): needed to read a revision") from None
    if done.returncode != 0:
        raise JourneycError(error)
    return done.stdout
