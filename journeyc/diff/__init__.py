"""Semantic comparison of two workspaces: what changed, by identity, and what it means for the CRMs.

Pure: two `Workspace`s in, one `WorkspaceDiff` out; no I/O. Identity is the id
(journeys, stages, signals, pipelines, teams), the case-insensitive label
(terms) or `(from, to, when)` (exits), never a line or a position, so moving
YAML around is no change and reordering stages is a reorder, not remove + add.
A stage that only changed id (same term, label, owner and exits) is a rename.
The CRM impact compares what the CRM emitters would write, by CRM identity.
"""

from journeyc.diff.changes import (
    CRM_TARGETS,
    LEVEL_KEYS,
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
    Unread,
    WorkspaceDiff,
)
from journeyc.diff.compare import compare, journey_diff
from journeyc.diff.impact import crm_impact, view
from journeyc.diff.reviewers import counts, reviewers
from journeyc.diff.targets import exported

__all__ = [
    "CRM_TARGETS", "LEVEL_KEYS", "TARGET_NAMES", "Delta", "ExitEdge", "FieldChange", "ImpactItem", "ItemChange",
    "JourneyDiff", "Level", "Reviewer", "TargetImpact", "Unread", "WorkspaceDiff", "compare", "counts", "crm_impact",
    "exported", "journey_diff", "reviewers", "view",
]
