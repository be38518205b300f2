"""Run the emitters into a sink: the writer's tree, a `--check` comparison, or memory.

Each file goes to the sink as soon as it is made (a journey's files as soon
as that journey's are; journeys.json journey by journey, `emitters.streamer`),
so that a build never holds its whole output. With a
`Plan`, a journey whose files the last build made from the same inputs is not
made again: the sink takes its files over from the previous output.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any, Protocol

from journeyc.build.incremental import Plan, unit_of
from journeyc.build.outpaths import Claims
from journeyc.build.signature import Signature
from journeyc.emitters import EmitOptions, Files, Split, Written, emitter, splitter, streamer
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace


class Sink(Protocol):
    """Where a build's files go, one at a time."""

    def put(self, path: PurePosixPath | str, data: bytes, owner: str = "") -> None: ...

    def put_stream(self, path: PurePosixPath | str, written: Written, owner: str = "") -> None: ...

    def take(self, files: Mapping[str, Signature], owner: str = "") -> bool: ...

    def part(self) -> Sink: ...

    def result(self) -> Any: ...

    def merge(self, result: Any) -> None: ...


class Memory:
    """A sink that keeps the files (`emit_all`, the tests)."""

    def __init__(self) -> None:
        self.files: Files = {}
        self.claims = Claims()

    def put(self, path: PurePosixPath | str, data: bytes, owner: str = "") -> None:
        self.claims.add(path, owner)
        self.files[PurePosixPath(path)] = data

    def put_stream(self, path: PurePosixPath | str, written: Written, owner: str = "") -> None:
        buffer = io.BytesIO()
        written(buffer)
        self.put(path, buffer.getvalue(), owner)

    def take(self, files: Mapping[str, Signature], owner: str = "") -> bool:
        return False

    def part(self) -> Memory:
        return Memory()

    def result(self) -> list[tuple[PurePosixPath, bytes, str]]:
        return [(path, data, self.claims.owners[str(path)]) for path, data in self.files.items()]

    def merge(self, result: list[tuple[PurePosixPath, bytes, str]]) -> None:
        for path, data, owner in result:
            self.put(path, data, owner)


def emit_into(sink: Sink, ws: Workspace, options: EmitOptions, target: str, plan: Plan | None = None) -> list[str]:
    """Make one target's files into `sink` (only the journeys `plan` says changed); the notices it added.

    A target that splits by journey is made journey by journey with or without
    a plan (`Split.all` is its `emit`): its files go to the sink as each
    journey's are made, never all of them at once.
    """
    before = len(options.notices)
    try:
        split = splitter(target)
        streams = streamer(target) if split is None else None
        if streams is not None:
            for path, written in streams(ws, options).items():
                sink.put_stream(path, written, target)
        elif split is None:
            for path, data in emitter(target)(ws, options).items():
                sink.put(path, data, target)
        else:
            _emit_split(sink, ws, options, target, split, plan if plan is not None and target in plan.targets else None)
    except ImportError as exc:
        raise JourneycError(f"target {target!r} cannot be built: {exc}") from None
    return options.notices[before:]


def _emit_split(sink: Sink, ws: Workspace, options: EmitOptions, target: str,
                split: Callable[[Workspace, EmitOptions], Split], plan: Plan | None) -> None:
    """The shared files, then each journey's (taken over from the last build when `plan` says they still are)."""
    parts = split(ws, options)
    for path, data in parts.shared().items():
        sink.put(path, data, target)
    for journey in sorted(ws.journeys, key=lambda j: j.id):
        unit = unit_of(target, journey)
        old = plan.reusable(unit) if plan is not None else None
        if plan is not None and old is not None and sink.take(old, target):
            plan.taken.add(unit)
            continue
        files = parts.journey(journey)
        for path, data in files.items():
            sink.put(path, data, target)
        if plan is not None:
            plan.made[unit] = [PurePosixPath(p).as_posix() for p in files]


def emit_all(ws: Workspace, options: EmitOptions, jobs: int | None = None) -> Files:
    """Every enabled target's files in memory, sorted; two targets claiming one path is a bug."""
    sink = Memory()
    emit_targets(sink, ws, options, jobs)
    return dict(sorted(sink.files.items()))


def emit_targets(sink: Sink, ws: Workspace, options: EmitOptions, jobs: int | None = None,
                 plan: Plan | None = None) -> None:
    """Every enabled target into `sink`, the notices in target order.

    On a large workspace the docs may be made in a second process (`build.parallel`),
    which writes into a part of the sink; nothing differs.
    """
    from journeyc.build import parallel as fork

    earlier = list(options.notices)
    aside = fork.aside(ws, options, jobs)
    if aside:
        said = fork.emit(sink, ws, options, aside, plan)
    else:
        said = {target: emit_into(sink, ws, options, target, plan) for target in options.targets}
    options.notices[:] = earlier + [n for target in options.targets for n in said[target]]
