"""Inherited stage probabilities, computed in one pass for every CRM."""

from __future__ import annotations

from typing import Any

from journeyc.crm import limits as crmlimits
from journeyc.workspace.model import Ref, Stage


def _stage(n: int, probability: int | None = None, outcome: str | None = None) -> Stage:
    return Stage(f"s{n}", None, "sales", None, None, probability, None, (), (), None, outcome, outcome is not None,
                 (), Ref(None))  # type: ignore[arg-type]


def _pipeline(*specs: Any) -> list[Stage]:
    return [_stage(n, *(spec if isinstance(spec, tuple) else (spec,))) for n, spec in enumerate(specs)]


STAGES = _pipeline(None, 30, None, (None, "won"), None, (None, "lost"), 75, None, 95, 5)


def test_open_stages_inherit_the_nearest_earlier_open_probability() -> None:
    assert crmlimits.inherited_percents(STAGES) == [10, 30, 30, 100, 30, 0, 75, 75, 95, 5]


def test_hubspot_rounds_to_tenths_and_keeps_open_stages_open() -> None:
    expected = ["0.1", "0.3", "0.3", "1.0", "0.3", "0.0", "0.8", "0.8", "0.9", "0.1"]
    assert crmlimits.hubspot_probabilities(STAGES) == expected


def test_a_long_pipeline_without_probabilities() -> None:
    stages = _pipeline(40, *([None] * 5000), (None, "won"))
    assert crmlimits.inherited_percents(stages) == [40] * 5001 + [100]
    assert crmlimits.hubspot_probabilities(stages) == ["0.4"] * 5001 + ["1.0"]
