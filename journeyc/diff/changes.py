"""What a diff is made of: the changes, their CRM impact, the reviewers (plain frozen values)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

JOURNEY_FIELDS = ("name", "owner", "description", "start")
STAGE_FIELDS = ("term", "owner", "description", "sla_days", "probability", "outcome", "risk", "terminal",
                "pipeline", "actions", "content")
SIGNAL_FIELDS = ("description", "source")
PIPELINE_FIELDS = ("name", "object")
TERM_FIELDS = ("term", "definition", "owner", "aliases", "avoid", "see_also")
TEAM_FIELDS = ("name", "function", "contact")
CRM_TARGETS = ("hubspot", "salesforce", "pipedrive", "csv")
TARGET_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive", "csv": "CSV"}
LEVEL_KEYS = {"safe": 1, "migration": 2, "destructive": 3}   # `diff --fail-on`
K = TypeVar("K", bound=Hashable)


class Level(enum.IntEnum):
    """How a change lands in a CRM, ordered so that the worst item gives a target's level."""

    NONE = 0
    SAFE = 1
    MIGRATION = 2
    DESTRUCTIVE = 3

    @property
    def label(self) -> str:
        return ("no change", "safe", "needs migration", "destructive")[self]

    @property
    def key(self) -> str:
        return ("none", "safe", "needs-migration", "destructive")[self]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Delta:
    """Items of one kind added, removed (ids or labels, in document order) and changed."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass(frozen=True)
class ExitEdge:
    source: str
    to: str
    when: str | None

    @property
    def text(self) -> str:
        return f"{self.source} → {self.to}" + (f" when {self.when}" if self.when else "")


@dataclass(frozen=True)
class JourneyDiff:
    id: str
    status: str  # added | removed | changed
    name: str
    changes: tuple[FieldChange, ...]
    stages: Delta
    reordered: tuple[tuple[str, ...], tuple[str, ...]] | None
    exits_added: tuple[ExitEdge, ...]
    exits_removed: tuple[ExitEdge, ...]
    signals: Delta
    pipelines: Delta
    #: (old id, new id): a stage with the same term, label, owner and exits under a new id
    renamed: tuple[tuple[str, str], ...] = ()

    @property
    def count(self) -> int:
        return (len(self.changes) + self.stages.count + bool(self.reordered) + len(self.exits_added)
                + len(self.exits_removed) + self.signals.count + self.pipelines.count + len(self.renamed))

    def with_stage(self, edge: ExitEdge) -> str | None:
        """The added or removed stage an exit comes or goes with (None: the exit itself was rewired)."""
        moved = set(self.stages.added) | set(self.stages.removed)
        return next((sid for sid in (edge.source, edge.to) if sid in moved), None)

    def rewired(self) -> tuple[tuple[ExitEdge, ...], tuple[ExitEdge, ...]]:
        """Exits added and removed, less those of added or removed stages (they come and go with their stage)."""
        return (tuple(e for e in self.exits_added if self.with_stage(e) is None),
                tuple(e for e in self.exits_removed if self.with_stage(e) is None))


@dataclass(frozen=True)
class ImpactItem:
    level: Level
    journey: str
    pipeline: str
    stage: str | None
    message: str
    to: tuple[str, ...] = ()  # where open records should move, when the journey says
    hint: str | None = None   # how to make it safe (pin the old identity), when there is a way


@dataclass(frozen=True)
class TargetImpact:
    target: str
    items: tuple[ImpactItem, ...]

    @property
    def level(self) -> Level:
        return max((i.level for i in self.items), default=Level.NONE)


@dataclass(frozen=True)
class Reviewer:
    team: str
    name: str | None
    contact: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unread:
    """A file of one side that did not load cleanly (JC001-JC005), and what the diff left out because of it."""

    side: str          # base | head
    file: str          # relative to that side's workspace root
    code: str
    line: int
    message: str


@dataclass(frozen=True)
class WorkspaceDiff:
    journeys: tuple[JourneyDiff, ...]
    terms: Delta
    teams: Delta
    crm: tuple[TargetImpact, ...] = ()
    reviewers: tuple[Reviewer, ...] = ()
    unread: tuple[Unread, ...] = ()
    #: journeys, terms and teams not compared because a side could not read them: (kind, id)
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.journeys or self.terms or self.teams)

    @property
    def level(self) -> Level:
        """The worst CRM impact of all targets."""
        return max((t.level for t in self.crm), default=Level.NONE)

    def fails(self, threshold: str) -> bool:
        """`diff --fail-on THRESHOLD`: the impact reaches it, or a side could not be read (its impact is unknown)."""
        return self.level >= LEVEL_KEYS[threshold] or bool(self.unread)



def by(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, Any]:
    """First item per identity (a duplicate is a JC101 error, reported by check)."""
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(key(item), item)
    return out

def by_id(items: Iterable[Any]) -> dict[str, Any]:
    return by(items, lambda item: item.id)

def union(a: Mapping[K, Any], b: Mapping[K, Any]) -> list[K]:
    """Identities of both sides: head order first, then what only the base had."""
    return list(b) + [k for k in a if k not in b]

def quoted(text: str | None) -> str:
    """Text from YAML quoted (and escaped) inside a message."""
    return json.dumps(text, ensure_ascii=False)
