"""The SVGs a build shows: rendered once for the diagrams and the docs, or when first asked for.

The `diagrams` and `docs` emitters receive them (`EmitOptions.svgs`) and never
render. A full build renders every journey's diagram beforehand, in worker
processes (`svg.render_all`); an incremental one only those of the journeys
whose files it expects to make, and any other whose files turn out to have
changed on disk meanwhile when an emitter first asks for it (`Later`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field

from journeyc.build import svg
from journeyc.build.svg import Progress, SvgCache
from journeyc.workspace.model import Workspace

#: the prefix that keeps the funnel's overlay diagrams apart from the journeys' in one rendering pass
OVERLAY = "funnel/"


@dataclass
class Diagrams:
    svgs: Mapping[str, bytes] = field(default_factory=dict)       # journey id -> SVG
    overlays: dict[str, bytes] = field(default_factory=dict)      # the funnel's overlays, by file stem


def render_svgs(ws: Workspace, targets: tuple[str, ...], *, wanted: set[str] | None, notices: list[str],
                extra: dict[str, str] | None = None, jobs: int | None = None, progress: Progress | None = None,
                cache: SvgCache | None = None, into: MutableMapping[str, bytes] | None = None) -> Diagrams:
    """The diagrams the `diagrams` and `docs` targets show (of the journeys in `wanted`, None: all), with
    `extra` DOT texts (the funnel's overlays, by file stem) in the same pass; notices (a diagram not
    rendered, and why) go to `notices`. The journeys' SVGs are kept in `into` (the build's `Spool`)."""
    if not {"diagrams", "docs"} & set(targets):
        return Diagrams()
    engine_name = svg.renderer()
    if engine_name is None:
        notices += [svg.NO_RENDERER] if ws.journeys or extra else []
        return Diagrams()
    dots = Dots(ws, wanted, {OVERLAY + k: v for k, v in (extra or {}).items()})
    done = svg.render_all(dots, engine=engine_name, jobs=jobs, progress=progress, cache=cache, into=into)
    notices += done.notices
    overlays = {k[len(OVERLAY):]: done.svgs.pop(k) for k in [k for k in done.svgs if k.startswith(OVERLAY)]}
    journeys = Later(done.svgs, set(dots), engine_name, dots.of, cache, notices)
    return Diagrams(journeys, overlays)


class Dots(Mapping[str, str]):
    """journey id -> its DOT text, made when asked (never all held at once), plus texts made already."""

    def __init__(self, ws: Workspace, wanted: set[str] | None, made: dict[str, str]) -> None:
        self.by_id = {j.id: j for j in ws.journeys}
        self.ws, self.made = ws, made
        self.ids = sorted([j for j in self.by_id if wanted is None or j in wanted] + list(made))

    def of(self, jid: str) -> str | None:
        """Any journey's DOT text, asked for or not (None: no such journey)."""
        from journeyc.emitters.swimlane import dot_source

        return dot_source(self.ws, self.by_id[jid]) if jid in self.by_id else None

    def __getitem__(self, jid: str) -> str:
        found = self.made[jid] if jid in self.made else self.of(jid) if jid in self.ids else None
        if found is None:
            raise KeyError(jid)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class Later(Mapping[str, bytes]):
    """The SVGs rendered beforehand, and any other journey's rendered when first asked for.

    An incremental build renders only the journeys whose files it expects to
    make; one whose files turn out to have changed on disk meanwhile is made
    too, and its diagram is rendered then, alone.
    """

    def __init__(self, done: MutableMapping[str, bytes], tried: set[str], engine: str | None,
                 dot_of: Callable[[str], str | None], cache: SvgCache | None, notices: list[str]) -> None:
        self.done, self.engine, self.dot_of, self.cache, self.notices = done, engine, dot_of, cache, notices
        self.tried = tried | set(done)

    def __getitem__(self, jid: str) -> bytes:
        if jid not in self.tried and self.engine is not None:
            self.tried.add(jid)
            dot = self.dot_of(jid)
            if dot is not None:
                found = svg.render_all({jid: dot}, engine=self.engine, cache=self.cache)
                self.done.update(found.svgs)
                self.notices += found.notices
        return self.done[jid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.done)

    def __len__(self) -> int:
        return len(self.done)
