"""A rendered diagram made ready for where it is shown: tooltips in words, stage links, inlining in a page.

Graphviz titles every element with its internal name (`s_lead`, `cluster_1`,
`s_lead->x_1`): browsers show those as tooltips. `finish` replaces each with
what `swimlane.tooltips` says, and points each stage's link at its row in the
journey page, relative to where the SVG is written (or removes the link where
there is no page). Graphviz escapes all text it writes, so `<` only ever opens
an element and `"` only ever closes an attribute: the patterns below match
journeyc's own elements, never text from YAML.
"""

from __future__ import annotations

import html
import math
import re

from journeyc.emitters.render import clean
from journeyc.emitters.swimlane import bands_of
from journeyc.emitters.swimparts import tooltips
from journeyc.workspace.model import Journey, Workspace

_TITLED = re.compile(r'(<g id="([^"]*)" class="(?:graph|node|edge|cluster)"[^>]*>\n)<title>[^<]*</title>\n')
_ANCHOR = re.compile(r'<g id="a_([^"]*)"><a xlink:href="#stage-([a-z0-9-]+)" xlink:title="[^"]*" target="_top">')
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


def finish(svg: bytes, workspace: Workspace, journey: Journey, page: str | None) -> bytes:
    """The SVG with tooltips in words and stage links to `page#stage-<id>` (`page` "" for the same page,
    None for no link)."""
    tips = tooltips(workspace, journey)
    text = _COMMENT.sub("", svg.decode("utf-8"))

    def title(match: re.Match[str]) -> str:
        tip = tips.get(html.unescape(match.group(2)))
        return match.group(1) + (f"<title>{_attr(tip)}</title>\n" if tip else "")

    def anchor(match: re.Match[str]) -> str:
        tip = _attr(tips.get(html.unescape(match.group(1)), ""))
        if page is None:
            return f'<g id="a_{match.group(1)}"><a xlink:title="{tip}">'
        return f'<g id="a_{match.group(1)}"><a xlink:href="{page}#stage-{match.group(2)}" xlink:title="{tip}">'

    text = _ANCHOR.sub(anchor, _TITLED.sub(title, text))
    return _with_bands(text, workspace, journey, tips).encode("utf-8")


_BACKGROUND = re.compile(r'(<g id="journey" class="graph"[^>]*>\n(?:<title>[^<]*</title>\n)?<polygon [^>]*/>\n)')
#: space between a band's border and what it holds; less than the gap between rows (`ranksep`)
BAND_MARGIN = 8.0


def _with_bands(text: str, workspace: Workspace, journey: Journey, tips: dict[str, str]) -> str:
    """The band of each team drawn behind everything, as wide as the diagram and as tall as its row."""
    import xml.etree.ElementTree as ET

    background = _BACKGROUND.search(text)
    if background is None:
        return text
    root = ET.fromstring(text)
    boxes = {g.get("id", ""): box for g in root.iter(f"{_SVG}g") if g.get("class") == "node"
             for box in [_box(g)] if box is not None}
    outer = _numbers(re.search(r'points="([^"]*)"', background.group(1)).group(1))  # type: ignore[union-attr]
    left, right = min(outer[0::2]) + 12, max(outer[0::2]) - 12
    graph = next(g for g in root.iter(f"{_SVG}g") if g.get("class") == "graph")
    legend = [float(t.get("y", "0")) + float(t.get("font-size", "10")) * 0.3 for t in graph.findall(f"{_SVG}text")]
    ceiling = max(legend, default=-math.inf) + 3  # the first band starts under the legend
    drawn = []
    for index, (c, _, members) in enumerate(bands_of(workspace, journey), 1):
        found = [boxes[m] for m in members if m in boxes]
        if not found:
            continue
        top = max(min(b[1] for b in found) - BAND_MARGIN, ceiling)
        bottom = max(b[3] for b in found) + BAND_MARGIN
        dash = ' stroke-dasharray="5,2"' if c.dash == "dashed" else ' stroke-dasharray="1,3"' if c.dash else ""
        tip = f"<title>{_attr(tips.get(f'lane-{index}', ''))}</title>\n"
        drawn.append(f'<g id="lane-{index}" class="cluster">\n{tip}<polygon fill="{c.lane}" stroke="{c.line}"{dash}'
                     f' points="{left:.2f},{top:.2f} {right:.2f},{top:.2f} {right:.2f},{bottom:.2f}'
                     f' {left:.2f},{bottom:.2f} {left:.2f},{top:.2f}"/>\n</g>\n')
    return text[:background.end()] + "".join(drawn) + text[background.end():]


_SVG = "{http://www.w3.org/2000/svg}"


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _box(group: object) -> tuple[float, float, float, float] | None:
    """The extent of a node: its shape's points, or for a shape-less node (a title, a label) its text."""
    xs: list[float] = []
    ys: list[float] = []
    for element in group.iter():  # type: ignore[attr-defined]
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("polygon", "path"):
            n = _numbers(element.get("points") or element.get("d") or "")
            xs += n[0::2]
            ys += n[1::2]
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(element.get(k, "0")) for k in ("cx", "cy", "rx", "ry"))
            xs += [cx - rx, cx + rx]
            ys += [cy - ry, cy + ry]
        elif tag == "text":
            size, y = float(element.get("font-size", "10")), float(element.get("y", "0"))
            xs.append(float(element.get("x", "0")))
            ys += [y - size, y + size * 0.3]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _attr(text: str) -> str:
    return html.escape(clean(text), quote=True)


_PROLOG = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*|<!--.*?-->\s*", re.S)
#: journeyc never asks Graphviz for scripts or event handlers: an SVG holding one is not inlined.
#: Text `<` is always escaped, so a `<script` anywhere is an element; CDATA could hide one from a parser.
_ACTIVE = re.compile(r"<\s*(script|foreignObject|iframe)\b|<!\[CDATA\[", re.I)
#: the only links an inlined diagram may hold: to a stage's row of the same page
_STAGE_LINK = re.compile(r"^#stage-[a-z0-9-]+$")


def inline_svg(svg: bytes) -> str | None:
    """The SVG as an element for an HTML page (no prolog, doctype or comments); None if it looks active."""
    text = _PROLOG.sub("", clean(svg.decode("utf-8", "replace"))).strip()
    return None if _ACTIVE.search(text) or _has_active_attribute(text) else text + "\n"


def _has_active_attribute(svg: str) -> bool:
    """An event handler, or a link anywhere but to a stage of the page, found by parsing: a tooltip may hold
    the text ` onerror=` (escaped, inert), which a pattern over the source would take for an attribute.
    Unparsable counts as active."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return True
    for element in root.iter():
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local == "href" and not _STAGE_LINK.match(value)):
                return True
    return False


_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"\s+viewBox="[0-9.-]+ [0-9.-]+ ([0-9.]+) ([0-9.]+)"')
_SCALE = re.compile(r'<g id="journey" class="graph" transform="scale\(([0-9.]+) ([0-9.]+)\)')
_FONT = re.compile(r'font-size="([0-9.]+)"')
#: CSS pixels per point
PX_PER_PT = 96 / 72


def smallest_text_px(svg: str) -> float | None:
    """The smallest text of the SVG in CSS pixels when it is shown at its own size (width and height in pt,
    the viewBox in user units, the graph's scale), or None when the SVG does not say."""
    size, scale = _SIZE.search(svg), _SCALE.search(svg)
    fonts = [float(f) for f in _FONT.findall(svg)]
    if not (size and scale and fonts) or float(size.group(3)) <= 0:
        return None
    px_per_unit = float(size.group(1)) * PX_PER_PT / float(size.group(3)) * float(scale.group(1))
    return min(fonts) * px_per_unit


def min_zoom(svg: str, floor_px: float = 10.0) -> float:
    """The least zoom (1 = the SVG's own size) at which the smallest text still has `floor_px` CSS pixels: the
    viewer never zooms out further, and starts at 1 or at this, whichever is larger."""
    smallest = smallest_text_px(svg)
    return 1.0 if smallest is None else math.ceil(floor_px / smallest * 100) / 100
