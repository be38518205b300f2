"""Incremental builds: which journeys' files must be made again, and which the last build's still are.

A target that splits by journey (`emitters.Split`: the diagrams, the docs,
the HubSpot, Salesforce and Pipedrive files) makes each journey's files from
that journey, the teams, the vocabulary and the config, and from what the
target says with `inputs` (HubSpot: the displayOrder of its pipelines;
Salesforce: the org-wide value sets its processes list) or, for the docs, from
what every page shows of the other journeys: the navigation (ids and names)
and which journeys follow which. A unit (`docs/<journey>`) is keyed by
digests of all of that and of journeyc's own code and templates, the targets
built, the workspace's place and the SVG renderer. A unit whose key is the
one in the manifest of the last build into the same directory, its files
untouched since (`signature`), is taken over; every other is made. The shared
files (indexes, glossary, search index, team pages, the CRMs' manifests and
org-wide value sets) and the targets that do not split (journeys.json,
stages.csv) list every journey and are made every time. With `--templates`
the docs do not split (a user's template may show anything of any journey),
nor with `build.funnel` (the funnel's overlays are not keyed here).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from journeyc import __version__
from journeyc.build.manifest import Manifest, Unit
from journeyc.build.signature import Signature, intact
from journeyc.cache.key import digest
from journeyc.emitters import EmitOptions, splitter, unit_inputs
from journeyc.workspace.model import Journey, Workspace


@dataclass
class Plan:
    """The units of this build, what each is made from, and what the last build into the same place left."""

    targets: frozenset[str]
    keys: dict[str, str]
    previous: Manifest
    made: dict[str, list[str]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def reusable(self, unit: str) -> dict[str, Signature] | None:
        """The files the last build made for `unit` from the same inputs, if any."""
        old = self.previous.units.get(unit)
        return old.files if old is not None and old.key == self.keys.get(unit) else None

    def to_make(self, journeys: tuple[Journey, ...], dest: Path) -> set[str]:
        """The journeys some of whose files must be made (their SVG is wanted), as things stand on disk now."""
        out = set()
        for target in self.targets:
            for j in journeys:
                old = self.reusable(unit_of(target, j))
                if old is None or not all(intact(dest / rel, sig) for rel, sig in old.items()):
                    out.add(j.id)
        return out

    def manifest(self, signatures: dict[str, Signature]) -> Manifest:
        units = {u: self.previous.units[u] for u in self.taken}
        for unit, files in self.made.items():
            units[unit] = Unit(self.keys[unit], {rel: signatures[rel] for rel in files})
        return Manifest(units)


def unit_of(target: str, journey: Journey) -> str:
    return f"{target}/{journey.id}"


def plan(ws: Workspace, root: Path, options: EmitOptions, renderer: str, previous: Manifest) -> Plan:
    targets = frozenset(t for t in options.targets if splitter(t) is not None
                        and not (t == "docs" and (options.templates is not None or options.funnel is not None)))
    context = _context(ws, root, options, renderer)
    keys = {}
    own = {j.id: _own(j, root) for j in ws.journeys}  # once per journey, not once per target
    for target in targets:
        shape = _skeleton(ws) if target == "docs" else ""
        inputs = unit_inputs(target)
        more = inputs(ws) if inputs is not None else {}
        for j in ws.journeys:
            keys[unit_of(target, j)] = digest(context, target, shape, more.get(j.id, ""), own[j.id])
    return Plan(targets, keys, previous)


def _context(ws: Workspace, root: Path, options: EmitOptions, renderer: str) -> str:
    """Everything but the journeys: journeyc, the targets, the renderer, the teams, vocabulary and config."""
    parts = [__version__, _code(), repr(options.targets), renderer, os.path.abspath(root)]
    for doc in ws.documents:
        if doc.kind != "Journey":
            parts += [_relative(doc.source.path, root), str(doc.index), doc.source.text]
    return digest(*parts)


def _skeleton(ws: Workspace) -> str:
    """What a journey's pages show of the other journeys: the navigation, and which journeys follow which."""
    from journeyc.emitters.docsviews import links_between

    journeys = sorted(ws.journeys, key=lambda j: j.id)
    follows = {jid: [j.id for j in nxt] for jid, nxt in links_between(journeys, ws).items()}
    return digest(json.dumps([[(j.id, j.name) for j in journeys], follows], sort_keys=True))


def _own(journey: Journey, root: Path) -> str:
    doc = journey.ref.doc
    return digest(_relative(doc.source.path, root), str(doc.index), doc.source.text)


def _relative(shown: str, root: Path) -> str:
    return os.path.relpath(os.path.abspath(shown), root).replace(os.sep, "/")


@cache
def _code() -> str:
    """journeyc's code and built-in templates, by content: any change to them is another build."""
    from journeyc.cache.key import _read

    base = Path(__file__).resolve().parent.parent
    templates = Path(str(_templates()))
    parts: list[bytes | str] = []
    for top in (base, templates):
        for folder, dirs, files in sorted(os.walk(top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")):
                    path = Path(folder) / name
                    parts += [path.relative_to(top).as_posix(), _read(path)]
    return digest(*parts)


def _templates() -> object:
    from journeyc.resources import templates_dir

    return templates_dir()


def renderer_stamp(engine: str | None) -> str:
    """The SVG renderer and its version, as far as its installed files tell."""
    if engine is None:
        return "none"
    if engine == "pygraphviz":
        from journeyc.cache.key import _library

        return "pygraphviz " + _library("pygraphviz")
    import shutil

    found = shutil.which("dot")
    try:
        st = os.stat(found) if found else None
    except OSError:
        st = None
    return f"dot {found} {st.st_size if st else 0} {st.st_mtime_ns if st else 0}"
