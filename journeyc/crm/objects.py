"""What a CRM target holds after a build, object by object: the view `journeyc diff` compares.

Each CRM emitter describes what it writes as `CrmPipeline`s with their
`CrmStage`s, built by the same code that writes the files. An object's `keys`
are its identities in the CRM, strongest first: HubSpot's pipelineId and
stageId, Salesforce's record type and picklist value, a pinned Pipedrive id.
A CRM that numbers objects itself (Pipedrive without pinned ids) matches on
what the file says instead: the journeyc id, then the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CrmStage:
    keys: tuple[str, ...]           # identities, strongest first
    shown: str                      # the first identity as the CRM writes it (a stageId, a value's API name)
    label: str
    source: str                     # the journeyc stage id
    closed: str | None = None       # won | lost | closed (a closed ticket or case status) | None: open
    percent: int | None = None      # the probability the CRM gets, when it takes one
    fields: tuple[tuple[str, Any], ...] = ()   # everything else the CRM holds for the stage

    @property
    def identity(self) -> str:
        return self.keys[0]


@dataclass(frozen=True)
class CrmPipeline:
    keys: tuple[str, ...]
    shown: str
    label: str
    object: str                     # the journeyc object: deal | lead | ticket
    journey: str
    pipeline: str                   # the journeyc pipeline id
    stages: tuple[CrmStage, ...] = ()
    fields: tuple[tuple[str, Any], ...] = ()

    @property
    def identity(self) -> str:
        return self.keys[0]


@dataclass(frozen=True)
class CrmView:
    """A target's objects after a build (Salesforce's org-wide values are the stages of its pipelines)."""

    target: str
    pipelines: tuple[CrmPipeline, ...]
