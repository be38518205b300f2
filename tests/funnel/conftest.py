"""Fixtures for the funnel: the funnel workspace, history files written on the fly, and one run as JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb", reason="the funnel needs the `funnel` extra (duckdb, sqlglot)")
pytest.importorskip("sqlglot", reason="the funnel needs the `funnel` extra (duckdb, sqlglot)")

from journeyc.engine import load_workspace  # noqa: E402
from journeyc.funnel.result import to_json  # noqa: E402
from journeyc.funnel.run import Options, analyse  # noqa: E402
from journeyc.workspace.model import Workspace  # noqa: E402

WORKSPACE = Path(__file__).resolve().parents[1] / "fixtures" / "funnel" / "workspace"
AS_OF = dt.date(2026, 12, 1)
GENERIC = "record_id,pipeline,stage,entered_at,exited_at\n"

Write = Callable[..., str]
Run = Callable[..., dict[str, Any]]


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


def table(result: dict[str, Any], journey: str = "new-business") -> list[tuple[Any, ...]]:
    """Every stage of a journey as (id, entered, open, stuck, converted, left, conversion, median, p90)."""
    found = next(j for j in result["journeys"] if j["id"] == journey)
    return [(s["id"], s["entered"], s["open"], s["stuck"], s["converted"], s["left"], s["conversion"],
             s["median_days"], s["p90_days"]) for s in found["stages"]]


def pipeline(result: dict[str, Any], journey: str = "new-business") -> dict[str, Any]:
    return dict(next(j for j in result["journeys"] if j["id"] == journey))
