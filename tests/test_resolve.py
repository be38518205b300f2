"""The model builder's shortcut for extensions: every key the schemas define is known, and `x-` keys are kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyc.workspace.resolve import FIELDS, _ext

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def _properties(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        yield from node.get("properties", {})
        for value in node.values():
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)


def test_fields_are_the_schemas_keys() -> None:
    """A key missing here would only cost time; a key here that no schema defines would hide an extension."""
    defined = {k for name in ("journey", "teams", "vocabulary")
               for k in _properties(json.loads((SCHEMAS / f"{name}.schema.json").read_text()))}
    assert FIELDS == defined


@pytest.mark.parametrize(("data", "expected"), [
    ({"id": "a", "term": "Demo"}, {}),
    ({"id": "a", "x-color": "red", "term": "Demo"}, {"x-color": "red"}),
    ({"id": "a", "color": "red"}, {}),  # unknown, not an extension (JC004 says so)
    ({"x-b": 1, "x-a": 2}, {"x-b": 1, "x-a": 2}),
    ({}, {}),
])
def test_extensions(data: dict[str, Any], expected: dict[str, Any]) -> None:
    found = _ext(data)
    assert dict(found) == expected
    assert list(found) == list(expected)  # in the order written
