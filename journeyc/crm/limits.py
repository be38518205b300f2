"""What each CRM accepts: limits shared by the JC503 rule and the CRM emitters.

Sources: ../shared/reference/crm-formats.md (HubSpot pipelines API v3,
Salesforce Metadata API, Pipedrive API).
"""

from __future__ import annotations

from collections.abc import Sequence

from journeyc.workspace.model import Stage

HUBSPOT_MAX_STAGES = 100          # deal and ticket pipelines
HUBSPOT_OBJECTS = ("deal", "ticket")
SALESFORCE_MAX_VALUES = 100       # OpportunityStage and LeadStatus picklists
SALESFORCE_MAX_VALUE_LENGTH = 255
SALESFORCE_MAX_PROCESS_NAME = 80  # BusinessProcess name
SALESFORCE_MAX_DESCRIPTION = 255
SALESFORCE_MAX_GUIDANCE = 1000    # Path step guidance (UI limit)


def probability_of(stage: Stage) -> int | None:
    """The win probability a CRM should get: closed stages are 100 / 0 by definition."""
    if stage.outcome == "won":
        return 100
    if stage.outcome == "lost":
        return 0
    return stage.probability


def hubspot_probabilities(stages: Sequence[Stage]) -> list[str]:
    """HubSpot deal-stage probabilities: strings in steps of 0.1, won "1.0", lost "0.0".

    An open stage without a probability takes the nearest earlier one's; an
    open stage never gets 0.0 or 1.0, which HubSpot reads as closed lost / won.
    """
    return [("1.0" if stage.outcome == "won" else "0.0") if stage.outcome is not None
            else f"{round(min(max(percent, 10), 90) / 10) / 10:.1f}"
            for stage, percent in zip(stages, inherited_percents(stages), strict=True)]


DEFAULT_OPEN_PERCENT = 10  # an open stage with nothing to inherit


def inherited_percents(stages: Sequence[Stage]) -> list[int]:
    """Win probability in percent of every stage, in one pass: closed stages are 100 / 0, and an open
    stage without a probability takes the nearest earlier open stage's, so every CRM shows the same
    number for the same stage."""
    out: list[int] = []
    inherited = DEFAULT_OPEN_PERCENT
    for stage in stages:
        value = probability_of(stage)
        if value is not None and stage.is_open:
            inherited = value
        out.append(inherited if value is None else value)
    return out
