"""What a cached result depends on besides the file's own bytes: journeyc, its schemas, the libraries, the limits.

An entry is found by the digest of the file's content inside a directory named
by `environment(limits)`: a new journeyc (its version, or any change to the
code that loads and validates, as in a checkout being edited), other schemas,
another PyYAML or jsonschema, or other input limits in journeyc.yaml lead to
another directory, so nothing made under other conditions is ever read.
Entries that also depend on the rules (`verdicts`) add `rules_code()` to
their own key.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import astuple
from functools import cache
from pathlib import Path

from journeyc import __version__
from journeyc.workspace.limits import Limits

try:  # hashlib's own blake2b: `import hashlib` also loads OpenSSL's hashes, 4 ms of every cached check
    from _blake2 import blake2b as blake2b
except ImportError:  # an interpreter built without the module
    from hashlib import blake2b as blake2b

#: the entries' format: bump it when codec.py or segments.py writes something else (2: lines only json reads,
#: a CRC-32 trailer; 3: each line of entries after a line of its names)
FORMAT = 3
#: journeyc's packages whose code decides what a file contributes before the rules run, and how it is kept
OWN_CODE = ("journeyc/workspace", "journeyc/workspace/validators", "journeyc/cache")
OWN_FILES = ("journeyc/diagnostics.py", "journeyc/__init__.py")
#: the code the rules' findings depend on besides that: the rules, the CRM facts they use, the engine that
#: turns findings into diagnostics, the words of their messages
RULES_CODE = ("journeyc/rules", "journeyc/rules/crm", "journeyc/crm")
RULES_FILES = ("journeyc/engine.py", "journeyc/wording.py")
#: libraries whose behaviour is part of the result: the YAML parser, the schema's error messages
LIBRARIES = ("yaml", "jsonschema")


def digest(*parts: bytes | str) -> str:
    h = blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def content(raw: bytes) -> str:
    """The digest of a file's bytes: an entry's name."""
    return blake2b(raw, digest_size=16).hexdigest()


def environment(limits: Limits) -> str:
    """The name of the directory of entries made under these conditions."""
    return digest(str(FORMAT), _fixed(), repr(astuple(limits)))


@cache
def _fixed() -> str:
    """Everything but the limits; computed once per process (about a millisecond)."""
    version = f"{sys.implementation.name} {sys.version_info[:2]}"
    return digest(__version__, version, _own_code(), _schemas(), *(_library(name) for name in LIBRARIES))


def _own_code() -> str:
    """The source of the loading and validating code, by content: an edited checkout is another journeyc."""
    return _code(OWN_CODE, OWN_FILES)


@cache
def rules_code() -> str:
    """The source of the rules and of what they call beyond the model, by content (the local rules' findings
    depend on it; the loading code is in every entry's environment already)."""
    return _code(RULES_CODE, RULES_FILES)


def _code(folders: tuple[str, ...], files: tuple[str, ...]) -> str:
    base = Path(__file__).resolve().parent.parent.parent
    parts: list[bytes | str] = []
    for folder in folders:
        try:
            names = sorted(n for n in os.listdir(base / folder) if n.endswith(".py"))
        except OSError:
            names = []
        parts += [f"{folder}/{n}" for n in names] + [_read(base / folder / n) for n in names]
    parts += [_read(base / f) for f in files]
    return digest(*parts)


def _schemas() -> str:
    from journeyc.resources import SCHEMA_FILES, schema_text

    return digest(*(schema_text(kind) for kind in sorted(SCHEMA_FILES)))


def _library(name: str) -> str:
    """A library's installed files by name, size and time, without importing it (jsonschema costs 60 ms)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return f"{name}: none"
    folder = list(spec.submodule_search_locations)[0]
    stamps = [name, folder]
    try:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_file():
                    st = entry.stat()
                    stamps.append(f"{entry.name} {st.st_size} {st.st_mtime_ns}")
    except OSError:
        stamps.append("unreadable")
    return digest(*stamps)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"?"
