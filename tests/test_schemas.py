"""The JSON Schemas: valid draft 2020-12, strict, and the generated fast validators up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from journeyc.resources import SCHEMA_FILES, schema, schema_text
from journeyc.workspace.schema import generate_validator

VALIDATORS = Path(__file__).resolve().parents[1] / "journeyc" / "workspace" / "validators"


@pytest.mark.parametrize("kind", list(SCHEMA_FILES))
def test_schema_is_valid_2020_12(kind: str) -> None:
    Draft202012Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("kind", list(SCHEMA_FILES))
def test_generated_validator_is_current(kind: str) -> None:
    written = (VALIDATORS / f"{SCHEMA_FILES[kind]}.py").read_text(encoding="utf-8")
    assert written == generate_validator(kind), "run: python -m journeyc.workspace.validators"


def _objects(node: object) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


@pytest.mark.parametrize("kind", list(SCHEMA_FILES))
def test_every_object_is_strict_but_for_x_keys(kind: str) -> None:
    for obj in _objects(schema(kind)):
        assert obj["additionalProperties"] is False
        assert set(obj["patternProperties"]) == {"^x-"}


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_schema_text_is_the_packaged_file(kind: str) -> None:
    """schema_text reads the package's folder directly (a cached check reads it for its key); the same text as
    importlib.resources gives."""
    from importlib import resources

    packaged = resources.files("journeyc.schemas") / f"{SCHEMA_FILES[kind]}.schema.json"
    assert schema_text(kind) == packaged.read_text(encoding="utf-8")
