"""Which CRM object a journeyc pipeline or stage is: the identity written under `crm:`, else one derived from ids.

Every tool that manages CRM pipelines as code matches stages by id, never by
label or position. An identity written in the YAML (`crm: {hubspot: {id: ...}}`,
usually by `journeyc import`) always wins. Without one, journeyc derives a
stable identity from the journeyc ids, in the form each CRM accepts:

- HubSpot lets a caller set `pipelineId` and `stageId` (date-versioned pipelines
  API, 2025-09 and later). Ids must be lowercase (HubSpot builds property names
  such as `hs_v2_date_entered_<stage id>` from them) and a stage id is unique
  across the object's pipelines, so the derived ids are the journeyc ids in
  snake case, the stage's prefixed with its journey's: `new_business__sql`.
  Kebab-case ids hold no `_`, so `__` keeps every pair apart.
- Salesforce names a stage by its picklist value's API name, so the identity is
  the written `value`, else the stage's label (a relabel is a new value, unless
  the old one is pinned with `value:`); a pipeline is its record type (a
  developer name derived from the ids) and the business process it selects
  (the same name with `_Process`: Salesforce's CLI mixes up a record type and a
  process of the same name, forcedotcom/cli#714).
- Pipedrive numbers pipelines and stages itself: only a written id identifies
  one; without it, journeyc has no identity to offer (`None`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from journeyc.crm.limits import HUBSPOT_OBJECT_TYPES
from journeyc.crm.pipelines import Exported
from journeyc.workspace.model import Journey, Pipeline, Stage

MAX_DEVELOPER_NAME = 40


def _written(crm: Mapping[str, Mapping[str, Any]], name: str, key: str) -> object | None:
    if not crm:
        return None  # nearly every object pins nothing: the CRM rules ask this of every stage several times
    found = crm.get(name)
    return found.get(key) if found is not None else None


def _snake(ident: str) -> str:
    return ident.replace("-", "_")


def hubspot_pipeline_id(journey: Journey, pipeline: Pipeline) -> str:
    written = _written(pipeline.crm, "hubspot", "id")
    if isinstance(written, str):
        return written
    return _snake(journey.id) if pipeline.implicit else f"{_snake(journey.id)}__{_snake(pipeline.id)}"


def hubspot_stage_id(journey: Journey, stage: Stage) -> str:
    return _hubspot_stage_id(f"{_snake(journey.id)}__", stage)


def hubspot_stage_ids(e: Exported) -> list[str]:
    """`hubspot_stage_id` of each of the pipeline's stages (the journey's part made once: JC505 asks of every
    stage on every check)."""
    prefix = f"{_snake(e.journey.id)}__"
    return [_hubspot_stage_id(prefix, s) for s in e.stages]


def _hubspot_stage_id(prefix: str, stage: Stage) -> str:
    written = _written(stage.crm, "hubspot", "id")
    return written if isinstance(written, str) else prefix + _snake(stage.id)


def salesforce_value(stage: Stage) -> str:
    written = _written(stage.crm, "salesforce", "value") if stage.crm else None
    return written if isinstance(written, str) else stage.label


def salesforce_process(e: Exported) -> str:
    written = _written(e.pipeline.crm, "salesforce", "process")
    return written if isinstance(written, str) else f"{_derived_record_type(e)[:MAX_DEVELOPER_NAME]}_Process"


def salesforce_record_type(e: Exported) -> str:
    written = _written(e.pipeline.crm, "salesforce", "record_type")
    return written if isinstance(written, str) else _derived_record_type(e)


def salesforce_path(e: Exported, entity: str) -> str:
    """The developer name of the pipeline's Path: the object and the record type (one Path per record type)."""
    return developer_name(f"{entity}_{salesforce_record_type(e)}")


def _derived_record_type(e: Exported) -> str:
    return developer_name(e.journey.id if e.pipeline.implicit else f"{e.journey.id}-{e.pipeline.id}")


def hubspot_object_type(pipeline: Pipeline) -> str | None:
    """The HubSpot objectType of the pipelines API path (None: HubSpot has no such pipeline)."""
    return HUBSPOT_OBJECT_TYPES.get(pipeline.object)


def pipedrive_id(crm: Mapping[str, Mapping[str, Any]]) -> int | None:
    written = _written(crm, "pipedrive", "id")
    return written if isinstance(written, int) and not isinstance(written, bool) else None


@lru_cache(maxsize=4096)  # the CRM rules derive each pipeline's record type three times on every check
def developer_name(text: str, limit: int = MAX_DEVELOPER_NAME) -> str:
    """A Salesforce developer name: letters, digits and single underscores, starting with a letter.

    The rule (crm-formats.md §2.7): only alphanumerics and underscores, begins
    with a letter, no spaces, no trailing underscore, no two underscores in a row.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", plain) if w]
    name = "_".join(w[:1].upper() + w[1:] for w in words) or "Journey"
    if not name[0].isalpha():
        name = "J_" + name
    return name[:limit].rstrip("_")
