"""Emitters: pure functions from the model to files (relative path -> bytes).

An emitter opens no file, prints nothing, renders nothing and keeps no state
between calls; `journeyc.build` renders the SVGs they need, runs the enabled
ones and one writer puts their files on disk atomically. Modules are imported
only when their target is built, so `journeyc check` never pays for Jinja2 or
Graphviz.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, TypeVar

from journeyc.crm.pipelines import Exported, crm_pipelines, skipped_notice
from journeyc.workspace.model import Journey, Workspace

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
    #: journey id -> its diagram rendered as SVG by the build (`journeyc.build.svg`); the emitters never render
    svgs: Mapping[str, bytes] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)   # one-line notices for the user (e.g. CRM limits)
    #: the stage history laid over the map (journeyc.funnel.result.FunnelResult, from `build.funnel`), or None
    funnel: Any = None
    #: the funnel's overlay diagrams rendered as SVG, by file stem (`<journey>` or `<journey>--<pipeline>`)
    funnel_svgs: Mapping[str, bytes] = field(default_factory=dict)


Emitter = Callable[[Workspace, EmitOptions], Files]


def emitter(target: str) -> Emitter:
    module = importlib.import_module(TARGETS[target])
    return module.emit  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Split:
    """A target whose files are some shared ones plus each journey's own, each journey's made from that
    journey, the vocabulary, the teams and the config: what lets a build make again only the files of the
    journeys that changed. `emit` is `shared()` plus `journey(j)` for every journey."""

    shared: Callable[[], Mapping[PurePosixPath, bytes]]   # a `Deferred` makes each file as it is read
    journey: Callable[[Journey], Files]

    def all(self, journeys: Iterable[Journey]) -> Files:
        files = dict(self.shared())
        for journey in sorted(journeys, key=lambda j: j.id):
            files.update(self.journey(journey))
        return dict(sorted(files.items()))


class Deferred(Mapping[PurePosixPath, bytes]):
    """Files each made when read (`Split.shared`): the build writes one before it makes the next, instead of
    holding them all (the docs' overview, glossary, team pages and search index list every journey)."""

    def __init__(self, makers: dict[PurePosixPath, Callable[[], bytes]]) -> None:
        self.makers = makers

    def __getitem__(self, path: PurePosixPath) -> bytes:
        return self.makers[path]()

    def __iter__(self) -> Iterator[PurePosixPath]:
        return iter(self.makers)

    def __len__(self) -> int:
        return len(self.makers)


T = TypeVar("T")


def by_journey(rows: Iterable[T], exported: Callable[[T], Exported]) -> dict[str, list[T]]:
    """Rows about CRM pipelines grouped by their journey's id, in their order (a CRM target's `Split`)."""
    out: dict[str, list[T]] = {}
    for row in rows:
        out.setdefault(exported(row).journey.id, []).append(row)
    return out


def unit_inputs(target: str) -> Callable[[Workspace], Mapping[str, str]] | None:
    """The target's `inputs(workspace)`, when it has one: journey id -> what that journey's files are made
    from besides the journey, the teams, the vocabulary and the config (keys of the incremental build)."""
    module = importlib.import_module(TARGETS[target])
    return getattr(module, "inputs", None)


#: writes one file's bytes to a binary file open for writing (and may start again: seek(0), truncate())
Written = Callable[[BinaryIO], None]


def streamer(target: str) -> Callable[[Workspace, EmitOptions], dict[PurePosixPath, Written]] | None:
    """The target's `stream(workspace, options)`, when it has one: the same files as `emit`, each written
    in pieces by a function rather than held whole (journeys.json is 260 MB at 10,000 journeys)."""
    module = importlib.import_module(TARGETS[target])
    return getattr(module, "stream", None)


def splitter(target: str) -> Callable[[Workspace, EmitOptions], Split] | None:
    """The target's `per_journey(workspace, options) -> Split`, when it has one."""
    module = importlib.import_module(TARGETS[target])
    return getattr(module, "per_journey", None)


def json_bytes(data: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8 as is, one trailing newline."""
    from journeyc.emitters import jsontext  # same bytes as json.dumps(indent=2), faster

    return (jsontext.dumps(data, allow_nan=True) + "\n").encode("utf-8")


__all__ = ["Deferred", "Emitter", "EmitOptions", "Exported", "Files", "Split", "TARGETS", "by_journey", "crm_pipelines",
           "emitter", "json_bytes", "skipped_notice", "splitter", "streamer", "unit_inputs"]
