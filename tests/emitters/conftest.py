"""Fixtures for emitter tests: golden files, the example workspace, emitting a target."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journeyc.emitters import EmitOptions, Files, emitter
from journeyc.engine import check, load_workspace
from journeyc.workspace.model import Workspace

TESTS = Path(__file__).resolve().parents[1]
GOLDEN = TESTS / "golden"
EXAMPLE = TESTS.parent / "examples" / "acme-saas"

Golden = Callable[[str, Files], None]


@pytest.fixture
def golden(update_golden: bool) -> Golden:
    """Compare a target's files with tests/golden/<target>/, byte for byte.

    `pytest --update-golden` rewrites the directory first; review the diff
    before committing it.
    """

    def compare(target: str, files: Files) -> None:
        where = GOLDEN / target
        if update_golden:
            shutil.rmtree(where, ignore_errors=True)
            for path, data in files.items():
                (where / path).parent.mkdir(parents=True, exist_ok=True)
                (where / path).write_bytes(data)
        expected = {p.relative_to(where).as_posix(): p.read_bytes() for p in sorted(where.rglob("*")) if p.is_file()}
        actual = {str(path): data for path, data in files.items()}
        assert sorted(actual) == sorted(expected), f"files differ from {where} (pytest --update-golden rewrites it)"
        for name, data in actual.items():
            if data != expected[name]:
                diff = difflib.unified_diff(expected[name].decode("utf-8", "replace").splitlines(),
                                            data.decode("utf-8", "replace").splitlines(),
                                            f"golden/{target}/{name}", "emitted", lineterm="")
                pytest.fail("\n".join(list(diff)[:60]) + "\n(pytest --update-golden rewrites the golden files)")

    return compare


@pytest.fixture(scope="session")
def example() -> Workspace:
    """examples/acme-saas, which must check clean for its golden files to mean anything."""
    result = check([EXAMPLE])
    errors = [d for d in result.diagnostics if d.severity.label == "error"]
    assert not errors, f"examples/acme-saas does not check clean: {errors[:3]}"
    return load_workspace(EXAMPLE).workspace


Emit = Callable[..., tuple[Files, list[str]]]


@pytest.fixture
def emit() -> Emit:
    """Run one target on a workspace (or a workspace root): its files and its notices."""

    def run(target: str, ws: Workspace | Path) -> tuple[Files, list[str]]:
        workspace = load_workspace(ws).workspace if isinstance(ws, Path) else ws
        options = EmitOptions(targets=(target,))
        return emitter(target)(workspace, options), options.notices

    return run


CONTRACTS = TESTS / "contracts"


def load_contract(name: str, definition: str | None = None) -> Any:
    """A validator for one of tests/contracts/*.schema.json (or one of its `$defs`)."""
    import json

    import jsonschema

    schema = json.loads((CONTRACTS / name).read_text(encoding="utf-8"))
    if definition is not None:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def contract() -> Callable[..., Any]:
    """`contract(file, definition=None)`: a Draft 2020-12 validator of tests/contracts/<file>."""
    return load_contract
