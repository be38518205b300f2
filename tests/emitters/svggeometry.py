"""Geometry of a rendered swimlane, read from the SVG itself: text boxes, lane rectangles, node boxes, edges.

Graphviz writes every text with its anchor point, font size and weight, every
lane (cluster) as a polygon, every node as a path or polygon and every edge
as a cubic Bézier path. A text's box is its advance width, from the Helvetica
metrics that Graphviz's fonts (Liberation Sans, Arial, Helvetica) share,
times the font size, and its ink height (cap height above the baseline,
descender below). `problems()` lists, in words, every overlap the diagram
tests forbid.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import combinations

SVG = "{http://www.w3.org/2000/svg}"
#: advance widths in 1/1000 em of Helvetica and Helvetica-Bold for ' ' (32) to '~' (126), from Adobe's
#: Core 14 AFM files (Helvetica.afm, Helvetica-Bold.afm), which Liberation Sans and Arial match
_REGULAR = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
            556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
            722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
            278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
_BOLD = (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
         556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
         556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
         556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
         333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584)
CAP, DESCENT = 0.72, 0.21   # ink above and below the baseline, in em


def advance(text: str, bold: bool) -> float:
    """Width of `text` in em: accented letters as their base letter, anything else outside ASCII as 1 em."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for char in text:
        base = unicodedata.normalize("NFKD", char)[:1] or char
        code = ord(base)
        total += table[code - 32] if 32 <= code <= 126 else 1000
    return total / 1000


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, slack: float = 0.0) -> bool:
        return (self.x0 < other.x1 - slack and other.x0 < self.x1 - slack
                and self.y0 < other.y1 - slack and other.y0 < self.y1 - slack)

    def contains(self, other: Box) -> bool:
        return self.x0 <= other.x0 and other.x1 <= self.x1 and self.y0 <= other.y0 and other.y1 <= self.y1

    def has_point(self, x: float, y: float) -> bool:
        return self.x0 < x < self.x1 and self.y0 < y < self.y1


@dataclass(frozen=True)
class Text:
    owner: str      # the id of the element the text belongs to
    text: str
    box: Box
    size: float


@dataclass(frozen=True)
class Diagram:
    texts: list[Text]
    lanes: dict[str, Box]
    nodes: dict[str, Box]
    edges: dict[str, list[tuple[float, float]]]   # points along each edge
    root: ET.Element


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _bounds(points: list[float]) -> Box:
    xs, ys = points[0::2], points[1::2]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _shape(group: ET.Element) -> Box | None:
    for element in group.iter():
        tag = element.tag.removeprefix(SVG)
        if tag == "polygon" and element.get("fill") != "none" or tag == "path":
            data = element.get("points") or element.get("d") or ""
            return _bounds(_numbers(data))
        if tag == "ellipse":
            cx, cy, rx, ry = (float(element.get(k, "0")) for k in ("cx", "cy", "rx", "ry"))
            return Box(cx - rx, cy - ry, cx + rx, cy + ry)
    return None


def _text_box(element: ET.Element) -> Text:
    size = float(element.get("font-size", "14"))
    bold = element.get("font-weight") == "bold"
    content = "".join(element.itertext())
    width = advance(content, bold) * size
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    anchor = element.get("text-anchor", "start")
    x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Text("", content, Box(x0, y - CAP * size, x0 + width, y + DESCENT * size), size)


def _bezier(d: str, steps: int = 12) -> list[tuple[float, float]]:
    """Points along an `M x,y C x1,y1 x2,y2 x3,y3 ...` path (what Graphviz writes for an edge)."""
    n = _numbers(d)
    pts = list(zip(n[0::2], n[1::2], strict=False))
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, steps + 1):
            t = k / steps
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return out


def parse(svg: bytes | str) -> Diagram:
    root = ET.fromstring(svg)
    texts, lanes, nodes, edges = [], {}, {}, {}
    for group in root.iter(f"{SVG}g"):
        cls, gid = group.get("class"), group.get("id", "")
        if cls not in ("graph", "cluster", "node", "edge"):
            continue
        if cls == "cluster":
            box = _shape(group)
            if box:
                lanes[gid] = box
        elif cls == "node":
            box = _shape(group)
            if box:
                nodes[gid] = box
        elif cls == "edge":
            path = next((p.get("d", "") for p in group.iter(f"{SVG}path")), "")
            if path:
                edges[gid] = _bezier(path)
        own = group if cls != "graph" else None
        elements = own.iter(f"{SVG}text") if own is not None else (
            t for t in group.findall(f"{SVG}text"))  # the graph's own label: the title and the legend
        for element in elements:
            found = _text_box(element)
            texts.append(Text(gid, found.text, found.box, found.size))
    return Diagram(texts, lanes, nodes, edges, root)


def problems(diagram: Diagram, slack: float = 0.5) -> list[str]:
    """Every text crossing a lane border, overlapping another element's text, sitting on a stage it does
    not belong to, or struck through by an edge."""
    out = []
    for t in diagram.texts:
        for lane, box in diagram.lanes.items():
            inner = Box(box.x0 + slack, box.y0 + slack, box.x1 - slack, box.y1 - slack)
            if t.box.overlaps(box, slack) and not inner.contains(t.box):
                out.append(f"{t.owner} {t.text!r} crosses the border of {lane}")
        for node, box in diagram.nodes.items():
            if node != t.owner and node.startswith("d-") and t.box.overlaps(box, slack):
                out.append(f"{t.owner} {t.text!r} overlaps stage {node}")
        for edge, points in diagram.edges.items():
            if any(Box(t.box.x0 + 1, t.box.y0 + 1, t.box.x1 - 1, t.box.y1 - 1).has_point(x, y) for x, y in points):
                out.append(f"edge {edge} runs through {t.owner} {t.text!r}")
    for a, b in combinations(diagram.texts, 2):
        if a.owner != b.owner and a.box.overlaps(b.box, slack):
            out.append(f"{a.owner} {a.text!r} overlaps {b.owner} {b.text!r}")
    return out
