"""Which pipelines each CRM target receives, by journeyc ids: `exported()`, kept for the callers of the diff API.

The CRM impact itself compares what the emitters write (`journeyc.diff.impact`);
this is the simpler journeyc-side view that readers and drift may want.
"""

from __future__ import annotations

from journeyc.crm import limits as crmlimits
from journeyc.diff.changes import by_id
from journeyc.workspace.model import Journey, Pipeline, Stage, Workspace

#: which pipeline objects each CRM target exports (None: all); Pipedrive has deal pipelines only
TARGET_OBJECTS: dict[str, frozenset[str] | None] = {
    "hubspot": frozenset(crmlimits.HUBSPOT_OBJECTS), "salesforce": frozenset({"deal", "lead", "ticket"}),
    "pipedrive": frozenset({"deal"}), "csv": None,
}
Exported = dict[tuple[str, str], tuple[Journey, Pipeline, list[Stage]]]


def exported(ws: Workspace, target: str) -> Exported:
    """(journey id, pipeline id) -> the pipeline and its stages, as `target` receives them."""
    objects = TARGET_OBJECTS[target]
    out: Exported = {}
    for j in ws.journeys:
        for p, stages in j.export_pipelines():
            # a pipeline without stages is not exported (the emitters leave it out with a notice)
            if stages and (objects is None or p.object in objects):
                # Pipedrive: won and lost are deal statuses, not stages
                kept = [s for s in stages if s.is_open] if target == "pipedrive" else stages
                out.setdefault((j.id, p.id), (j, p, list(by_id(kept).values())))
    return out
