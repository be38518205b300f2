"""Win probabilities the CRMs get: written, closed by definition, or derived by one documented rule.

The rule, the same for every CRM (rule JC506 reports each number it makes):

- a `won` stage is 100% and a `lost` stage 0%, whatever is written (JC501
  reports a contradiction);
- an open stage with `probability:` gets it;
- an open stage without one takes the nearest earlier open stage's of the same
  pipeline, else 10% (DEFAULT_OPEN_PERCENT).

HubSpot then needs steps of 10% and never 0% or 100% on an open stage (it reads
0.0 as closed lost and 1.0 as closed won): `hubspot_probability` rounds half up
to the nearest 10% and keeps open stages between 10% and 90%, and says how.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from journeyc.workspace.model import Stage

DEFAULT_OPEN_PERCENT = 10  # an open stage with nothing to inherit


class Percent(NamedTuple):
    """A stage's probability in percent and where it comes from (a named tuple: the CRM rules make one per stage on
    every check)."""

    value: int
    source: str                  # written | closed | inherited | default
    origin: str | None = None    # the stage it was inherited from

    @property
    def derived(self) -> bool:
        return self.source in ("inherited", "default")

    @property
    def how(self) -> str:
        """The rule in a few words, for a diagnostic."""
        if self.source == "inherited":
            return f"inherited from stage {self.origin!r}"
        if self.source == "default":
            return "journeyc's default for an open stage with no earlier probability"
        return self.source


def probability_of(stage: Stage) -> int | None:
    """The probability written or implied by the outcome: closed stages are 100 / 0 by definition."""
    if stage.outcome == "won":
        return 100
    if stage.outcome == "lost":
        return 0
    return stage.probability


def percents(stages: Sequence[Stage]) -> list[Percent]:
    """Every stage's probability, in one pass over a pipeline in CRM order."""
    out: list[Percent] = []
    inherited = Percent(DEFAULT_OPEN_PERCENT, "default")
    for stage in stages:
        if stage.outcome is not None:
            out.append(Percent(100 if stage.outcome == "won" else 0, "closed"))
        elif stage.probability is not None:
            out.append(Percent(stage.probability, "written"))
            inherited = Percent(stage.probability, "inherited", stage.id)
        else:
            out.append(inherited)
    return out


def inherited_percents(stages: Sequence[Stage]) -> list[int]:
    return [p.value for p in percents(stages)]


@dataclass(frozen=True)
class HubSpotProbability:
    """What a HubSpot deal stage gets (a string in steps of 0.1) and, when it differs, why."""

    text: str
    percent: int
    change: str | None = None   # None when the stage's percent is sent as it is


def hubspot_probability(percent: int, outcome: str | None) -> HubSpotProbability:
    if outcome == "won":
        return HubSpotProbability("1.0", 100)
    if outcome == "lost":
        return HubSpotProbability("0.0", 0)
    tenths = (percent + 5) // 10           # half up: 25 -> 3, 35 -> 4 (never Python's half-to-even)
    change = None if tenths * 10 == percent else \
        f"HubSpot takes steps of 10%: {percent}% is rounded half up to {tenths * 10}%"
    if tenths == 0:
        tenths, change = 1, f"HubSpot reads 0% as closed lost: an open stage at {percent}% gets 10%"
    elif tenths == 10:
        tenths, change = 9, f"HubSpot reads 100% as closed won: an open stage at {percent}% gets 90%"
    return HubSpotProbability(f"{tenths / 10:.1f}", tenths * 10, change)


def hubspot_probabilities(stages: Sequence[Stage]) -> list[str]:
    return [hubspot_probability(p.value, s.outcome).text for s, p in zip(stages, percents(stages), strict=True)]
