"""The neutral CRM configuration that every reader returns and that drift and the round-trip compare.

A CRM's pipelines and stages with only what journeyc models, in the CRM's own
terms: identity (`key`), label, CRM order, probability in percent, the closed
state, ticket state, rotting days, forecast category, lead conversion. `None`
means "this source does not say", so a comparison skips it; a definite "off"
is a value (`rotting_days=0`, `ticket_state="OPEN"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeyc.errors import JourneycError

CRMS = ("hubspot", "salesforce", "pipedrive")
CRM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive"}


class ReadError(JourneycError):
    """A malformed CRM input: one line naming the file (or URL) and the place in it."""


@dataclass(frozen=True)
class Anchor:
    """Where a pipeline or stage is written: a vendor file and a place in it, or a journeyc YAML file and line."""

    file: str
    place: str = ""
    line: int | None = None
    journey: str | None = None   # the journeyc ids, on the map's side
    pipeline: str | None = None
    stage: str | None = None


@dataclass(frozen=True)
class CrmStage:
    key: str | None               # HubSpot stage id, Salesforce value API name, Pipedrive id (as text)
    label: str
    probability: int | None = None        # percent, as the CRM shows it
    outcome: str | None = None            # "won" | "lost" | None (open)
    ticket_state: str | None = None       # "OPEN" | "CLOSED" for ticket and case pipelines
    rotting_days: int | None = None       # Pipedrive: 0 means rotting is off
    forecast_category: str | None = None  # Salesforce metadata name (Forecast is shown as "Commit")
    converted: bool | None = None         # Salesforce lead status
    description: str | None = field(default=None, compare=False)
    anchor: Anchor | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CrmPipeline:
    crm: str
    object: str                  # "deal" | "lead" | "ticket"
    key: str | None              # HubSpot pipeline id, Salesforce process name, Pipedrive id (as text)
    label: str
    stages: tuple[CrmStage, ...]
    record_type: str | None = None        # Salesforce record type developer name
    master: bool = False                  # Salesforce: the org-wide value set, no business process
    probability_enabled: bool | None = None   # Pipedrive pipelines can switch deal probability off
    anchor: Anchor | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CrmConfig:
    crm: str
    pipelines: tuple[CrmPipeline, ...]
    sources: tuple[str, ...] = ()
    #: what was read but left out, one line each (archived pipelines, inactive values...)
    notes: tuple[str, ...] = ()
    #: vendor fields journeyc does not know: ignored, listed with --verbose ("file: place: name")
    unknown: tuple[str, ...] = ()
    #: the pipeline objects the sources cover (a HubSpot deals file says nothing of tickets); empty: all
    objects: tuple[str, ...] = ()


def merged(configs: list[CrmConfig]) -> list[CrmConfig]:
    """One configuration per CRM, in CRMS order, whatever the number of sources each came from."""
    out = []
    for crm in CRMS:
        mine = [c for c in configs if c.crm == crm]
        if mine:
            out.append(CrmConfig(crm, tuple(p for c in mine for p in c.pipelines),
                                 tuple(s for c in mine for s in c.sources),
                                 tuple(n for c in mine for n in c.notes), tuple(u for c in mine for u in c.unknown),
                                 () if any(not c.objects for c in mine)
                                 else tuple(dict.fromkeys(o for c in mine for o in c.objects))))
    return out
