"""The names of one pipeline's Salesforce components: record type, business process, Path.

They come from `journeyc.crm.identity` (written under `crm: {salesforce: ...}`,
else derived from the ids) and name files, so two pipelines that would share
one are refused (rule JC505 reports it at `check`; here it stops a build that
ignored the rule before one file overwrites another).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeyc.crm import identity
from journeyc.crm.pipelines import Exported
from journeyc.crm.salesforce import ENTITIES, Entity
from journeyc.errors import JourneycError

# what a business process name may hold to name a file (schema: pipelineCrm.salesforce.process)
_FILE_SAFE = re.compile(r'^[^\\/:*?"<>|\x00-\x1f\x7f. ][^\\/:*?"<>|\x00-\x1f\x7f]*(?<![. ])$')


@dataclass(frozen=True)
class Names:
    entity: Entity
    record_type: str     # RecordType developer name
    process: str         # BusinessProcess name
    path: str            # PathAssistant developer name

    def members(self) -> dict[str, str]:
        """package.xml members by metadata type."""
        return {"RecordType": f"{self.entity.name}.{self.record_type}",
                "BusinessProcess": f"{self.entity.name}.{self.process}", "PathAssistant": self.path}


def names_of(e: Exported) -> Names:
    entity = ENTITIES[e.pipeline.object]
    record_type = identity.salesforce_record_type(e)
    process = identity.salesforce_process(e)
    if not _FILE_SAFE.match(process) or len(process) > 80:
        raise JourneycError(f"salesforce: pipeline {e.key}: {process!r} cannot name a business process file"
                            " (run `journeyc check`)")
    return Names(entity, record_type, process, identity.salesforce_path(e, entity.name))


def all_names(taken: list[Exported]) -> dict[str, Names]:
    """Names by pipeline slug; two pipelines naming one component is refused (JC505)."""
    seen: dict[tuple[str, str], Exported] = {}
    out = {}
    for e in taken:
        n = names_of(e)
        for kind, member in n.members().items():
            key = (kind, member.casefold())
            if key in seen:
                raise JourneycError(f"salesforce: pipelines {seen[key].key} and {e.key} would both be {kind}"
                                    f" {member!r} (rule JC505: pin `crm: {{salesforce: ...}}` on one of them)")
            seen[key] = e
        out[e.slug] = n
    return out
