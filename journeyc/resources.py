"""Files shipped with journeyc: the JSON Schemas and the Jinja2 templates.

In a source checkout they live at the top of the repository (`schemas/`,
`templates/`); in a wheel they are the packages `journeyc.schemas` and
`journeyc.templates`. Both are found through importlib.resources.
"""

from __future__ import annotations

import json
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
    return (schemas_dir() / f"{SCHEMA_FILES[kind]}.schema.json").read_text(encoding="utf-8")


@cache
def schema(kind: str) -> Any:
    return json.loads(schema_text(kind))
