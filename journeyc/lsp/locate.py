"""What is under the cursor: the node at a position, and the team, term, stage or signal it names.

The node tree comes from each document's source map (composed once, then
kept), so a position is found without parsing again.
"""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeyc.lsp.files import FileData
from journeyc.workspace.loading import Document, Path_
from journeyc.workspace.model import Journey, Workspace
from journeyc.workspace.sourcemap import MERGE, AnyNode, unwrap


@dataclass(frozen=True)
class Spot:
    """A scalar under the cursor: its document, its path in the data, whether it is a key."""

    doc: Document
    path: Path_
    key: bool
    node: ScalarNode


@dataclass(frozen=True)
class Symbol:
    """What a scalar names: a team, a term, a stage or a signal (those two within a journey)."""

    kind: str
    name: str
    journey: Journey | None = None


def spot_at(f: FileData, line: int, column: int) -> Spot | None:
    """The scalar at journeyc's (line, column), in one of the file's documents."""
    where = (line - 1, column - 1)
    for doc in f.documents:
        root = doc.smap.root
        if _inside(root, where):
            return _descend(doc, root, (), where)
    return None


def _inside(node: AnyNode, where: tuple[int, int]) -> bool:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column) <= where <= (end.line, end.column)


def _descend(doc: Document, node: Node, path: Path_, where: tuple[int, int]) -> Spot | None:
    if isinstance(node, ScalarNode):
        return Spot(doc, path, False, node)
    if isinstance(node, MappingNode):
        for k, v in node.value:
            key = unwrap(k)
            if not isinstance(key, ScalarNode) or key.tag == MERGE:
                continue
            if _inside(k, where):
                return Spot(doc, (*path, key.value), True, key)
            if _inside(v, where) and v is unwrap(v):
                return _descend(doc, v, (*path, key.value), where)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            if _inside(item, where) and item is unwrap(item):
                return _descend(doc, item, (*path, i), where)
    return None


def symbol_of(spot: Spot, ws: Workspace) -> Symbol | None:
    """The team, term, stage or signal the scalar under the cursor names (or declares)."""
    if spot.key or not isinstance(spot.node.value, str) or not spot.node.value:
        return None
    name, path, kind = spot.node.value, spot.path, spot.doc.kind
    last = path[-1] if path else None
    if last == "owner":
        return Symbol("team", name)
    if kind == "Teams" and path[0::2] == ("teams", "id"):
        return Symbol("team", name)
    if kind == "Vocabulary" and len(path) >= 3 and path[0] == "terms":
        if path[2] in ("term", "see_also"):
            return Symbol("term", name)
        if path[2] in ("aliases", "avoid"):
            term = spot.doc.data["terms"][path[1]].get("term")
            return Symbol("term", term) if isinstance(term, str) else None
    if kind != "Journey":
        return None
    journey = next((j for j in ws.journeys if j.ref.doc is spot.doc), None)
    if path[0::2] == ("stages", "term"):
        return Symbol("term", name)
    if path[0::2] in (("stages", "id"), ("stages", "exits", "to")) or (len(path) == 2 and path[0] == "start"):
        return Symbol("stage", name, journey)
    if path[0::2] in (("signals", "id"), ("stages", "exits", "when")):
        return Symbol("signal", name, journey)
    return None
