"""The `diagrams` target: DOT swimlanes (a column per team), the SVG rendered from them, and Mermaid.

DOT is built as text, so it needs no Graphviz binary. SVG comes from pygraphviz
in-process (its wheels bundle Graphviz), else from a `dot` on PATH, else it is
skipped with one notice; many journeys render in parallel worker processes.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from journeyc.crm.pipelines import file_stem
from journeyc.emitters import EmitOptions, Files, mermaid
from journeyc.emitters.render import (
    HANDOFF,
    ID_RE,
    RISK,
    clean,
    colours_of,
    is_handoff,
    lanes,
    one_line,
    stage_colours,
    team_name,
)
from journeyc.workspace.model import Journey, Stage, Workspace

if TYPE_CHECKING:
    import graphviz

NO_RENDERER = "SVG not rendered: install pygraphviz (pip install pygraphviz) or Graphviz's dot"
FONT = "Helvetica,Arial,sans-serif"


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    files: Files = {}
    dots: dict[str, str] = {}
    for journey in sorted(workspace.complete_journeys(), key=lambda j: j.id):
        stem = file_stem(journey.id)
        dots[journey.id] = dot_source(workspace, journey)
        files[PurePosixPath(f"diagrams/{stem}.dot")] = dots[journey.id].encode("utf-8")
        files[PurePosixPath(f"diagrams/{stem}.mmd")] = mermaid.flowchart(workspace, journey).encode("utf-8")
    for journey_id, svg in render_svgs(dots, options).items():
        files[PurePosixPath(f"diagrams/{journey_id}.svg")] = svg
    return dict(sorted(files.items()))


# --- DOT ---------------------------------------------------------------------------


def _h(text: str) -> str:
    """Text for inside an HTML-like label: one line, XML-escaped (quotes too)."""
    return html.escape(one_line(text), quote=True)


def _dot_id(stage_id: str) -> str:
    """Node names are ours: the stage id when it is a valid id, else a hex form (never user syntax)."""
    return stage_id if ID_RE.match(stage_id) else "x" + stage_id.encode("utf-8", "surrogatepass").hex()


def dot_source(workspace: Workspace, journey: Journey) -> str:
    """The journey as DOT: a cluster per owner team, stages in journey order, exits labelled with their signal."""
    name = journey.id if ID_RE.match(journey.id) else "journey"
    g = _digraph_class()(name=name)
    g.attr("graph", rankdir="TB", newrank="true", fontname=FONT, fontsize="12", nodesep="0.35",
           ranksep="0.55", pad="0.25", labelloc="t", labeljust="l", bgcolor="white",
           label=f"<<B>{_h(journey.name)}</B>>")
    g.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11", margin="0.14,0.07",
           penwidth="1.2", label="")
    g.attr("edge", fontname=FONT, fontsize="9", color="#6B7280", fontcolor="#374151", arrowsize="0.7")
    g.node("__start", label="", shape="circle", style="filled", fillcolor="#111827", color="#111827",
           width="0.16", height="0.16", fixedsize="true")
    for index, (owner, members) in enumerate(lanes(journey)):
        colours = colours_of(workspace.team(owner))
        team = workspace.team(owner)
        title = f"<<B>{_h(team_name(workspace, owner))}</B>"
        title += f'  <FONT POINT-SIZE="9">{_h(team.function)}</FONT>>' if team else ">"
        with g.subgraph(name=f"cluster_{index}") as lane:
            lane.attr(label=title, style="rounded,filled", fillcolor=colours.lane, color=colours.line,
                      fontcolor=colours.line, penwidth="1", margin="14")
            for stage in members:
                _node(lane, workspace, stage)
    for stage_id in journey.start_ids:
        if journey.stage(stage_id) is not None:
            g.edge("__start", _dot_id(stage_id), color="#111827")
    for stage in journey.stages:
        _exits(g, workspace, journey, stage)
    return str(g.source)


@lru_cache(maxsize=1)
def _digraph_class() -> type[graphviz.Digraph]:
    """graphviz.Digraph with memoised quoting: the same DOT text, in a third of the time.

    Digraph quotes every attribute name and value through a decorated function
    and a regular expression; a journey repeats the same names, colours and fonts
    on every node and edge. HTML-like labels (`<...>`, never a `nohtml` string),
    unique per stage, are returned as they are, which is what `quote` does with
    them. `tests/emitters/test_diagrams.py` compares the text with the plain
    Digraph's.
    """
    import graphviz
    from graphviz import _tools, quoting

    plain_quote = getattr(quoting.quote, "__wrapped__", quoting.quote)  # without the deprecation wrapper
    memo = lru_cache(maxsize=4096, typed=True)(plain_quote)  # typed: a `nohtml` string is quoted otherwise

    def quote(identifier: str) -> str:
        if type(identifier) is str and identifier[:1] == "<" and identifier[-1:] == ">":
            return identifier
        return memo(identifier)  # type: ignore[no-any-return]

    def quote_edge(identifier: str) -> str:
        return memo(identifier) if ":" not in identifier else quoting.quote_edge(identifier)  # type: ignore

    def a_list(label: str | None = None, kwargs: Any = None, attributes: Any = None) -> str:
        result = [f"label={quote(label)}"] if label is not None else []
        if kwargs:
            result += [f"{quote(k)}={quote(v)}" for k, v in _tools.mapping_items(kwargs) if v is not None]
        if attributes:
            items = _tools.mapping_items(attributes) if hasattr(attributes, "items") else attributes
            result += [f"{quote(k)}={quote(v)}" for k, v in items if v is not None]
        return " ".join(result)

    def attr_list(label: str | None = None, kwargs: Any = None, attributes: Any = None) -> str:
        content = a_list(label, kwargs=kwargs, attributes=attributes)
        return f" [{content}]" if content else ""

    class Digraph(graphviz.Digraph):  # type: ignore[misc]
        _quote = staticmethod(quote)
        _quote_edge = staticmethod(quote_edge)
        _a_list = staticmethod(a_list)
        _attr_list = staticmethod(attr_list)

    return Digraph


def _node(lane: graphviz.Digraph, workspace: Workspace, stage: Stage) -> None:
    colours = stage_colours(workspace, stage)
    mark = {"won": "✓ ", "lost": "✗ "}.get(stage.outcome or "", "")
    label = f"<B>{mark}{_h(stage.label)}</B>"
    meta = [f"SLA {stage.sla_days} d"] if stage.sla_days is not None else []
    if stage.probability is not None:
        meta.append(f"{stage.probability} %")
    if stage.risk in ("low", "medium"):
        meta.append(f"{stage.risk} risk")
    if meta:
        label += f'<BR/><FONT POINT-SIZE="9" COLOR="#4B5563">{_h(" · ".join(meta))}</FONT>'
    attrs = {"fillcolor": colours.fill, "color": colours.line}
    if stage.risk == "high":
        label += f'<BR/><FONT POINT-SIZE="9" COLOR="{RISK}"><B>⚠ HIGH RISK</B></FONT>'
        attrs.update(color=RISK, penwidth="2.5")
    if stage.outcome:
        attrs.update(peripheries="2", penwidth="1.5")
    tooltip = one_line(stage.description or stage.label)
    lane.node(_dot_id(stage.id), label=f"<{label}>", tooltip=_escstring(tooltip), **attrs)


def _escstring(text: str) -> str:
    """A quoted-string attribute (tooltip): Graphviz expands backslash sequences there (`\\N` is the node
    name, even when the backslash is doubled), so backslashes become a look-alike; nohtml keeps `<...>` text."""
    import graphviz

    return graphviz.nohtml(text.replace("\\", "\u29f5"))  # type: ignore[no-any-return]


def _exits(g: graphviz.Digraph, workspace: Workspace, journey: Journey, stage: Stage) -> None:
    for exit_ in stage.exits:
        target = journey.stage(exit_.to)
        if target is None:
            continue
        attrs: dict[str, str] = {}
        text = _h(exit_.when) if exit_.when else '<I><FONT COLOR="#9CA3AF">no signal</FONT></I>'
        if not exit_.when:
            attrs["style"] = "dashed"
        if is_handoff(journey, stage, exit_):
            text += f'<BR/><FONT POINT-SIZE="8">handoff → {_h(team_name(workspace, target.owner))}</FONT>'
            attrs.update(color=HANDOFF, fontcolor=HANDOFF, penwidth="2.2")
        g.edge(_dot_id(stage.id), _dot_id(exit_.to), label=f"<{text}>", **attrs)


# --- SVG ---------------------------------------------------------------------------

#: DOT hash -> SVG: the `docs` target inlines the SVGs the `diagrams` target rendered in the same build
_CACHE: dict[str, bytes] = {}
_CACHE_MAX = 4096
_warmed = False


def renderer() -> str | None:
    """"pygraphviz", "dot", or None when SVG cannot be rendered here."""
    try:
        import pygraphviz  # noqa: F401
    except ImportError:
        return "dot" if shutil.which("dot") else None
    return "pygraphviz"


def render_svgs(dots: Mapping[str, str], options: EmitOptions) -> dict[str, bytes]:
    """journey id -> SVG for each DOT source, rendered in parallel; {} and a notice when nothing can render."""
    if not options.svg or not dots:
        return {}
    engine = renderer()
    if engine is None:
        if NO_RENDERER not in options.notices:
            options.notices.append(NO_RENDERER)
        return {}
    keys = {jid: hashlib.sha256(dot.encode("utf-8")).hexdigest() for jid, dot in dots.items()}
    todo = sorted(jid for jid, key in keys.items() if key not in _CACHE)
    if len(_CACHE) + len(todo) > _CACHE_MAX:
        _CACHE.clear()
        todo = sorted(keys)
    results = _render_all({jid: dots[jid] for jid in todo}, engine, options) if todo else {}
    for jid, (svg, error) in sorted(results.items()):
        notice = f"SVG not rendered for journey {jid}: {error}"
        if svg is not None:
            _CACHE[keys[jid]] = svg
        elif notice not in options.notices:  # the docs target retries what the diagrams target could not
            options.notices.append(notice)
    return {jid: _CACHE[key] for jid, key in sorted(keys.items()) if key in _CACHE}


Result = tuple[bytes | None, str | None]


#: below this many diagrams, starting worker processes costs more than it saves
PARALLEL_FROM = 4


def _render_all(dots: dict[str, str], engine: str, options: EmitOptions) -> dict[str, Result]:
    total, out = len(dots), {}
    workers = min(options.jobs or os.cpu_count() or 1, total)
    if workers <= 1 or total < PARALLEL_FROM:
        _warm(engine)
        for jid, dot in dots.items():
            out[jid] = _render(dot, engine)
            if options.progress:
                options.progress(len(out), total)
        return out
    items = list(dots.items())
    size = max(1, min(16, total // (workers * 4)))  # batches: fewer round trips, still a smooth progress
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm, initargs=(engine,))
    try:
        futures = [pool.submit(_render_batch, items[i:i + size], engine) for i in range(0, total, size)]
        for future in as_completed(futures):
            out.update(future.result())
            if options.progress:
                options.progress(len(out), total)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: stop now, the writer keeps the old tree
        raise
    pool.shutdown()
    return out


def _render_batch(items: list[tuple[str, str]], engine: str) -> list[tuple[str, Result]]:
    return [(jid, _render(dot, engine)) for jid, dot in items]


def _warm(engine: str) -> None:
    """Once per process: Graphviz's first layout sets global defaults that change later output, and
    fontconfig may print warnings about the system's configuration; absorb both here."""
    global _warmed
    if _warmed or engine != "pygraphviz":
        return
    import pygraphviz

    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pygraphviz.AGraph(string='digraph { a [label="a"] }').draw(format="svg", prog="dot")
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    _warmed = True


def _render(dot: str, engine: str) -> Result:
    try:
        if engine == "pygraphviz":
            import pygraphviz

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Graphviz layout warnings are not the user's problem
                raw = pygraphviz.AGraph(string=dot).draw(format="svg", prog="dot")
        else:
            done = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300)
            if done.returncode != 0:
                return None, done.stderr.decode("utf-8", "replace").strip()[:200] or f"dot exited {done.returncode}"
            raw = done.stdout
    except Exception as exc:  # noqa: BLE001 - one journey's failure must not stop the others
        return None, f"{type(exc).__name__}: {exc}"
    return _normalise(bytes(raw)), None


_GENERATOR = re.compile(rb"<!-- Generated by graphviz.*?-->\n", re.S)


def _normalise(svg: bytes) -> bytes:
    """Same bytes whatever Graphviz build rendered it: drop the version comment."""
    return _GENERATOR.sub(b"", svg)


_PROLOG = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*|<!--.*?-->\s*", re.S)
#: journeyc never asks Graphviz for scripts, links or event handlers: an SVG holding one is not inlined.
#: Text `<` is always escaped, so a `<script` anywhere is an element; CDATA could hide one from a parser.
_ACTIVE = re.compile(r"<\s*(script|foreignObject|iframe)\b|<!\[CDATA\[", re.I)


def inline_svg(svg: bytes) -> str | None:
    """The SVG as an element for an HTML page (no prolog, doctype or comments); None if it looks active."""
    text = _PROLOG.sub("", clean(svg.decode("utf-8", "replace"))).strip()
    return None if _ACTIVE.search(text) or _has_active_attribute(text) else text + "\n"


def _has_active_attribute(svg: str) -> bool:
    """An event handler or a link, found by parsing: a tooltip may hold the text ` onerror=` (escaped, inert),
    which a pattern over the source would take for an attribute. Unparsable counts as active."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return True
    for element in root.iter():
        for name in element.attrib:
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or local == "href":
                return True
    return False
