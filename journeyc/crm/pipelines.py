"""The pipelines each CRM receives: every journey's exported pipelines, with their stages in journey order.

Shared by the CRM emitters, the CRM rules, the diff's CRM impact and the CRM
readers' drift, so that every one of them sees the same pipelines, in the same
order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from journeyc.errors import JourneycError
from journeyc.workspace.model import Journey, Pipeline, Stage, Workspace

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def file_stem(ident: str) -> str:
    """An id used as a file name; the schema guarantees the pattern, this keeps a bad one from escaping --out."""
    if not _ID.match(ident) or len(ident) > 64:
        raise JourneycError(f"{ident!r} is not a valid id for a file name (run `journeyc check`)")
    return ident


@dataclass(frozen=True)
class Exported:
    """One CRM pipeline of one journey, with its stages in journey order."""

    journey: Journey
    pipeline: Pipeline
    stages: tuple[Stage, ...]

    @property
    def slug(self) -> str:
        """A unique, file-safe name: `<journey>` for the implicit pipeline, else `<journey>--<pipeline>`.

        Ids are kebab-case with single hyphens, so `--` cannot occur inside one
        and two different pairs never give the same slug. Both are checked here
        too: a file name is never made of text the schema did not accept.
        """
        journey = file_stem(self.journey.id)
        return journey if self.pipeline.implicit else f"{journey}--{file_stem(self.pipeline.id)}"

    @cached_property
    def key(self) -> str:
        """How notices name the pipeline: `journey/pipeline` (the CRM rules ask it of each pipeline many times)."""
        return f"{self.journey.id}/{self.pipeline.id}"

    @cached_property
    def value_keys(self) -> tuple[str, ...]:
        """Each stage's Salesforce value key (`salesforce.value_key`), made once: the CRM rules and the value sets
        each read every stage's on every check."""
        from journeyc.crm.salesforce import value_key  # it imports this module

        return tuple([value_key(s) for s in self.stages])


def crm_pipelines(ws: Workspace) -> list[Exported]:
    """Every exported pipeline, journeys by id (stable when files move), pipelines as declared (made once per
    workspace: the CRM rules and emitters all read it)."""
    return list(ws.derived("crm_pipelines", _crm_pipelines))


def _crm_pipelines(ws: Workspace) -> tuple[Exported, ...]:
    out = []
    for journey in sorted(ws.journeys, key=lambda j: j.id):
        for pipeline, stages in journey.export_pipelines():
            out.append(Exported(journey, pipeline, tuple(stages)))
    return tuple(out)


NOTICE_NAMES = 5  # a notice stays one readable line in a workspace of a thousand journeys


def skipped_notice(target: str, reason: str, skipped: Iterable[Exported]) -> list[str]:
    """One notice per target for the pipelines it cannot take (nothing when there are none)."""
    names = [f"{e.pipeline.object} pipeline {e.key}" for e in skipped]
    if not names:
        return []
    more = f" and {len(names) - NOTICE_NAMES} more" if len(names) > NOTICE_NAMES else ""
    return [f"{target}: not exported ({reason}): {', '.join(names[:NOTICE_NAMES])}{more}"]
