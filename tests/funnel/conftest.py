"""Fixtures for the funnel: the funnel workspace, history files written on the fly, and one run as JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb", reason="the funnel needs the `funnel` extra (duckdb, sqlglot)")
pytest.importorskip("sqlglot", reason="the funnel needs the `funnel` extra (duckdb, sqlglot)")

from funnelkit import AS_OF, GENERIC, WORKSPACE, Run, Write  # noqa: E402

from journeyc.engine import load_workspace  # noqa: E402
from journeyc.funnel.result import to_json  # noqa: E402
from journeyc.funnel.run import Options, analyse  # noqa: E402
from journeyc.workspace.model import Workspace  # noqa: E402


@pytest.fixture(scope="session")
def ws() -> Workspace:
    return load_workspace(WORKSPACE).workspace


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a history file and return its path; `body` is the text after the header."""

    def _write(body: str, header: str = GENERIC, name: str = "history.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes((header + body).encode(encoding))
        return str(path)

    return _write


@pytest.fixture
def funnel(ws: Workspace) -> Run:
    """The JSON of one run (as_of 2026-12-01 unless told)."""

    def _run(*paths: str, as_of: dt.date = AS_OF, **options: Any) -> dict[str, Any]:
        return to_json(analyse(ws, list(paths), Options(as_of=as_of, **options)))

    return _run
