"""Emitters: pure functions from the model to files (relative path -> bytes).

An emitter opens no file and prints nothing; `journeyc.build` runs the enabled
ones and one writer puts their files on disk atomically. Modules are imported
only when their target is built, so `journeyc check` never pays for Jinja2 or
Graphviz. The helpers at the end are shared by the CRM emitters, so that every
CRM sees the same pipelines, in the same order, with the same probabilities.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from journeyc.crm import limits as crmlimits
from journeyc.workspace.model import Journey, Pipeline, Stage, Workspace

Files = dict[PurePosixPath, bytes]

#: target name -> module holding `emit(workspace, options) -> Files`, in build order
TARGETS: dict[str, str] = {
    "model": "journeyc.emitters.model_json",
    "diagrams": "journeyc.emitters.diagrams",
    "docs": "journeyc.emitters.docs",
    "hubspot": "journeyc.emitters.hubspot",
    "salesforce": "journeyc.emitters.salesforce",
    "pipedrive": "journeyc.emitters.pipedrive",
    "csv": "journeyc.emitters.csv_stages",
}


@dataclass
class EmitOptions:
    """What an emitter may need besides the workspace."""

    templates: Path | None = None          # --templates DIR: overrides templates/ file by file
    targets: tuple[str, ...] = tuple(TARGETS)
    svg: bool = True                        # render SVG (pygraphviz, else `dot`); False in benchmarks
    jobs: int | None = None                 # worker processes for rendering; None: os.cpu_count()
    notices: list[str] = field(default_factory=list)   # one-line notices for the user (e.g. no SVG renderer)
    progress: Callable[[int, int], None] | None = None  # (done, total) while rendering many diagrams


Emitter = Callable[[Workspace, EmitOptions], Files]


def emitter(target: str) -> Emitter:
    module = importlib.import_module(TARGETS[target])
    return module.emit  # type: ignore[no-any-return]


# --- shared by the CRM emitters ------------------------------------------------


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
        from journeyc.emitters.render import file_stem

        journey = file_stem(self.journey.id)
        return journey if self.pipeline.implicit else f"{journey}--{file_stem(self.pipeline.id)}"

    @property
    def key(self) -> str:
        """How notices name the pipeline: `journey/pipeline`."""
        return f"{self.journey.id}/{self.pipeline.id}"


def crm_pipelines(ws: Workspace) -> list[Exported]:
    """Every exported pipeline, journeys by id (stable when files move), pipelines as declared."""
    out = []
    for journey in sorted(ws.complete_journeys(), key=lambda j: j.id):
        for pipeline, stages in journey.export_pipelines():
            out.append(Exported(journey, pipeline, tuple(stages)))
    return out


def stage_percent(stages: tuple[Stage, ...] | list[Stage], index: int) -> int:
    """Win probability in percent for CRMs that take 0..100: the stage's own, else inherited.

    Closed stages are 100 / 0; an open stage without a probability takes the
    nearest earlier open stage's, as `crmlimits.hubspot_probability` does, so
    every CRM shows the same number for the same stage.
    """
    return stage_percents(stages[: index + 1])[index]


def stage_percents(stages: tuple[Stage, ...] | list[Stage]) -> list[int]:
    """`stage_percent` of every stage, in one pass: the same inheritance as HubSpot's probabilities."""
    return crmlimits.inherited_percents(stages)


NOTICE_NAMES = 5  # a notice stays one readable line in a workspace of a thousand journeys


def skipped_notice(target: str, reason: str, skipped: Iterable[Exported]) -> list[str]:
    """One notice per target for the pipelines it cannot take (nothing when there are none)."""
    names = [f"{e.pipeline.object} pipeline {e.key}" for e in skipped]
    if not names:
        return []
    more = f" and {len(names) - NOTICE_NAMES} more" if len(names) > NOTICE_NAMES else ""
    return [f"{target}: not exported ({reason}): {', '.join(names[:NOTICE_NAMES])}{more}"]


def json_bytes(data: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8 as is, one trailing newline."""
    from journeyc.emitters import jsontext  # same bytes as json.dumps(indent=2), faster

    return (jsontext.dumps(data, allow_nan=True) + "\n").encode("utf-8")
