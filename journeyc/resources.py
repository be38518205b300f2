"""Files shipped with journeyc: the JSON Schemas and the Jinja2 templates.

In a source checkout they live at the top of the repository (`schemas/`,
`templates/`); in a wheel they are the packages `journeyc.schemas` and
`journeyc.templates`. Both are found through importlib.resources.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable

SCHEMA_FILES = {"Config": "config", "Teams": "teams", "Vocabulary": "vocabulary", "Journey": "journey"}


def schemas_dir() -> Traversable:
    from importlib import resources  # ~5 ms: only when a file is read, never on check's fast path

    return resources.files("journeyc.schemas")


def templates_dir() -> Traversable:
    from importlib import resources

    return resources.files("journeyc.templates")


@cache
def schema_text(kind: str) -> str:
    name = f"{SCHEMA_FILES[kind]}.schema.json"
    folder = _folder("journeyc.schemas")
    if folder is not None:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                return f.read()
        except OSError:
            pass  # inside a zip, say: importlib.resources reads it there
    return (schemas_dir() / name).read_text(encoding="utf-8")


def _folder(package: str) -> str | None:
    """The directory of a package of files, found without importlib.resources: every cached check reads the
    schemas (they are part of its key), and importlib.resources imports tempfile, shutil, zipfile and random."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    return locations[0] if locations else None


@cache
def schema(kind: str) -> Any:
    return json.loads(schema_text(kind))
