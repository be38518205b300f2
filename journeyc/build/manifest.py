"""The build manifest: what the last build into a directory made each journey's files from, and their signatures.

Kept in journeyc's cache (never in the output, which holds exactly the build),
one JSON file per output directory: unit (`docs/<journey>`) -> the key of
everything its files were made from, and each file's `Signature`. A build
whose key for a unit is the same takes that unit's files over from the
previous output without making them again (`incremental`). Read as JSON and
checked value by value: anything unexpected is an empty manifest, which only
means a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyc.build.signature import Signature
from journeyc.fileio import write_atomic

FORMAT = 2
#: larger than any manifest of a workspace of 100,000 journeys: not read
MAX_BYTES = 256 << 20


@dataclass(frozen=True)
class Unit:
    key: str
    files: dict[str, Signature]


@dataclass
class Manifest:
    units: dict[str, Unit] = field(default_factory=dict)


def location(out: Path) -> Path:
    """Where the manifest of the output directory `out` is kept."""
    from journeyc.cache.location import LAYOUT, cache_root

    digest = hashlib.blake2b(os.path.abspath(out).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return cache_root() / LAYOUT / "builds" / f"{digest}.json"


def load(out: Path) -> Manifest:
    try:
        with open(location(out), "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        return _parse(json.loads(raw)) if len(raw) <= MAX_BYTES else Manifest()
    except (OSError, ValueError, RecursionError, TypeError, KeyError):
        return Manifest()


def _parse(data: Any) -> Manifest:
    if type(data) is not dict or data.get("format") != FORMAT or type(data.get("units")) is not dict:
        return Manifest()
    units = {}
    for name, unit in data["units"].items():
        key, files = unit["key"], unit["files"]
        if type(key) is not str or type(files) is not dict:
            return Manifest()
        sigs = {}
        for rel, sig in files.items():
            if type(sig) is not list or len(sig) != 4 or any(type(n) is not int for n in sig[:3]) \
                    or type(sig[3]) is not str:
                return Manifest()
            sigs[rel] = Signature(*sig)
        units[name] = Unit(key, sigs)
    return Manifest(units)


def save(out: Path, manifest: Manifest) -> None:
    """Write the manifest atomically; OSError when the cache cannot be written."""
    path = location(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "units": {name: {"key": u.key, "files": {r: list(s) for r, s in u.files.items()}}
                                        for name, u in sorted(manifest.units.items())}}
    write_atomic(path, json.dumps(data, separators=(",", ":")).encode("ascii"))


def forget(out: Path) -> None:
    """No manifest for `out`: the next build makes everything (it wrote without one)."""
    try:
        os.unlink(location(out))
    except OSError:
        pass
