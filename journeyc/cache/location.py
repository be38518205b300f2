"""Where the cache lives, how it is turned off, and how `journeyc clean` removes it.

The cache is kept outside the workspace, in the user's cache directory of the
platform (platformdirs: `~/.cache/journeyc` on Linux, `~/Library/Caches/journeyc`
on macOS, `%LOCALAPPDATA%\\journeyc\\Cache` on Windows), or where
JOURNEYC_CACHE_DIR says. Outside the repository on purpose: a pull request can
commit any file into a workspace, and a cache it could fill would decide what
`journeyc check` reads. Each workspace has its own directory in it, named by a
digest of the workspace's absolute path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_DIR = "JOURNEYC_CACHE_DIR"
ENV_OFF = "JOURNEYC_NO_CACHE"
#: the layout's version: a journeyc that changes it starts a new tree beside the old one
LAYOUT = "v1"
#: marks the directory as a cache for backup tools (https://bford.info/cachedir/)
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by journeyc: its results for warm runs.\n"
            "# For information about cache directory tags see https://bford.info/cachedir/\n")


def disabled(environ: Mapping[str, str] | None = None) -> bool:
    """JOURNEYC_NO_CACHE set to anything but an empty string, 0, false or no turns the cache off."""
    value = (os.environ if environ is None else environ).get(ENV_OFF, "")
    return value.strip().lower() not in ("", "0", "false", "no")


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """The directory holding every journeyc cache of this user (it may not exist yet)."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_DIR, "").strip()
    if chosen:
        return Path(os.path.abspath(os.path.expanduser(chosen)))
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("journeyc", appauthor=False))


def workspace_dir(root: Path, base: Path) -> Path:
    """The directory of one workspace's entries: a digest of its absolute path (no name of it leaks)."""
    # here: `check --no-cache` imports this module to ask whether the cache is on
    from journeyc.cache.key import blake2b

    digest = blake2b(os.path.abspath(root).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return base / LAYOUT / digest


def prepare(base: Path, directory: Path) -> None:
    """Create `directory` below `base`, tagging `base` as a cache; OSError when it cannot be written."""
    directory.mkdir(parents=True, exist_ok=True)
    tag = base / TAG
    if not tag.exists():
        tmp = base / f".{TAG}.{os.getpid()}"
        tmp.write_text(TAG_TEXT, encoding="ascii")
        os.replace(tmp, tag)


def clean(base: Path) -> bool:
    """Remove journeyc's cache under `base` (its own tree and tag, then `base` if that left it empty); False
    when there was none. Nothing else is touched: JOURNEYC_CACHE_DIR may name a directory that holds more."""
    import shutil

    layout = base / LAYOUT
    found = layout.is_dir()
    if found:
        shutil.rmtree(layout)
    for name in (TAG,):
        try:
            os.unlink(base / name)
        except FileNotFoundError:
            pass
    try:
        os.rmdir(base)
    except OSError:
        pass  # not empty (or absent): someone else's files stay
    return found
