"""Semantic comparison of two workspaces: what changed, by identity, and what it means for the CRMs.

Pure: two `Workspace`s in, one `WorkspaceDiff` out; no I/O. Identity is the id
(journeys, stages, signals, pipelines, teams), the case-insensitive label
(terms) or `(from, to, when)` (exits), never a line or a position, so moving
YAML around is no change and reordering stages is a reorder, not remove + add.
"""

from journeyc.diff.changes import (
    CRM_TARGETS,
    TARGET_NAMES,
    Delta,
    ExitEdge,
    FieldChange,
    ImpactItem,
    ItemChange,
    JourneyDiff,
    Level,
    Reviewer,
    TargetImpact,
    WorkspaceDiff,
)
from journeyc.diff.compare import compare, journey_diff
from journeyc.diff.impact import crm_impact, exported
from journeyc.diff.reviewers import counts, reviewers

__all__ = [
    "CRM_TARGETS", "TARGET_NAMES", "Delta", "ExitEdge", "FieldChange", "ImpactItem", "ItemChange", "JourneyDiff",
    "Level", "Reviewer", "TargetImpact", "WorkspaceDiff", "compare", "counts", "crm_impact", "exported",
    "journey_diff", "reviewers",
]
