"""Helpers of the funnel tests: stage tables and pipelines picked out of a run's JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORKSPACE = Path(__file__).resolve().parents[1] / "fixtures" / "funnel" / "workspace"
AS_OF = dt.date(2026, 12, 1)
GENERIC = "record_id,pipeline,stage,entered_at,exited_at\n"

Write = Callable[..., str]
Run = Callable[..., dict[str, Any]]


def table(result: dict[str, Any], journey: str = "new-business") -> list[tuple[Any, ...]]:
    """Every stage of a journey as (id, entered, open, stuck, converted, left, conversion, median, p90)."""
    found = next(j for j in result["journeys"] if j["id"] == journey)
    return [(s["id"], s["entered"], s["open"], s["stuck"], s["converted"], s["left"], s["conversion"],
             s["median_days"], s["p90_days"]) for s in found["stages"]]


def pipeline(result: dict[str, Any], journey: str = "new-business") -> dict[str, Any]:
    return dict(next(j for j in result["journeys"] if j["id"] == journey))
