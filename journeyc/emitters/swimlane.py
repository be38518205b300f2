"""A journey as a swimlane map: time runs left to right, one full-width band per team, handoffs across bands.

Layout, with `dot` (`rankdir=TB`): every band is one rank, and between two
bands a rank of its own holds the labels of the exits that leave a band
(`_plan`), so no label ever sits on a band or its border. The ranks are
chained in band order before anything else, so `dot` breaks the cycles that
exits back up make elsewhere and the bands keep the order in which the journey
reaches them. Time is a column (`columns`): every row carries a chain of
invisible ticks, one per column, kept in line from row to row, and a stage
sits between the ticks of its column. An exit's label is a node of its own
between the two halves of the exit. Bands are drawn behind the rows in the SVG
(`svgtext`), as wide as the diagram: `dot`'s clusters would not keep the
order of the nodes inside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from journeyc.emitters import lanes as lanes_
from journeyc.emitters.dot import Html, Writer
from journeyc.emitters.palette import INK, PAPER, SUBTLE, Colours, stage_colours, team_colours
from journeyc.emitters.render import ID_RE
from journeyc.emitters.swimparts import (
    FONT,
    SIZE,
    element_id,
    exit_edges,
    exit_label,
    exits,
    lane_title,
    legend,
    node_name,
    stage_node,
    start_mark,
)
from journeyc.workspace.model import Journey, Stage, Workspace

#: weight of the invisible edges that keep rows in order and columns in line
STRAIGHT = "100"


@dataclass
class Plan:
    bands: list[tuple[str | None, list[Stage]]]
    band: dict[str, int]           # stage id -> its band (1-based)
    column: dict[str, int]         # stage id -> its time column (0-based)
    inline: dict[int, int]         # exit number -> band, for the one exit per stage drawn along its band
    gap: dict[int, int]            # exit number -> the gap row its label sits in (N: below band N)

    @property
    def columns(self) -> int:
        return max(self.column.values(), default=0) + 1


def plan(journey: Journey) -> Plan:
    """Bands, time columns, and where each exit's label goes. A stage's first exit forward to a stage of
    its own band runs along the band, its label beside the stage; every other label sits in the gap below
    the band (above it, for an exit to a band higher up)."""
    bands = lanes_.lanes(journey)
    band = {s.id: index for index, (_, members) in enumerate(bands, 1) for s in members}
    order = {s.id: n for n, s in enumerate(lanes_.reach_order(journey))}
    out = Plan(bands, band, columns(journey, order), {}, {})
    seen: set[str] = set()
    for number, (stage, _, target) in enumerate(exits(journey), 1):
        here, there = band[stage.id], band[target.id]
        if here == there and order[target.id] > order[stage.id] and stage.id not in seen:
            out.inline[number] = here
            seen.add(stage.id)
        else:
            out.gap[number] = here - 1 if there < here else here
    return out


def columns(journey: Journey, order: dict[str, int]) -> dict[str, int]:
    """stage id -> time column: the longest walk of forward exits from a start (open stages), then one column
    after them all for the outcomes (won, lost), where every journey ends."""
    column = {s.id: 0 for s in journey.stages}
    for stage in sorted(journey.stages, key=lambda s: order[s.id]):
        for exit_ in stage.exits:
            target = journey.stage(exit_.to)
            if target is not None and target.is_open and order[target.id] > order[stage.id]:
                column[target.id] = max(column[target.id], column[stage.id] + 1)
    last = max((column[s.id] for s in journey.stages if s.is_open), default=-1) + 1
    return {s.id: column[s.id] if s.is_open else last for s in journey.stages}


def dot_source(workspace: Workspace, journey: Journey) -> str:
    """The journey as DOT text (DESIGN §4): swimlanes, team colours, risk and SLA marks, signals on exits."""
    colours = team_colours(workspace.teams)
    p = plan(journey)
    g = Writer(journey.id if ID_RE.match(journey.id) else "journey",
               rankdir="TB", nodesep="0.18", ranksep="0.3", pad="0.3", bgcolor=PAPER, fontname=FONT,
               fontsize=SIZE["legend"], fontcolor=INK, labelloc="t", labeljust="l",
               label=Html(legend(workspace, journey, colours)), id="journey", outputorder="edgesfirst")
    g.defaults("node", shape="box", style="rounded,filled", fontname=FONT, fontsize=SIZE["stage"],
               fontcolor=INK, margin="0.12,0.06", penwidth="1.2")
    g.defaults("edge", fontname=FONT, fontsize=SIZE["edge"], color=SUBTLE, fontcolor=SUBTLE, arrowsize="0.7",
               penwidth="1.1")
    # the ticks first, chained down the rows (band 1, gap 1, band 2...): `dot` breaks the cycles that exits
    # back up make by turning the edges it meets last, so the rows keep their order; and a column's ticks
    # stay in line from row to row, so time runs left to right in every band
    anchor = _anchors(p)
    rows = [name for index in range(1, len(p.bands) + 1) for name in (f"b{index}", f"g{index}")]
    for column in range(p.columns + 1):
        for upper, lower in zip(rows, rows[1:], strict=False):
            g.edge(anchor(upper, column), anchor(lower, column), style="invis", weight=STRAIGHT)
    for index in range(1, len(p.bands)):  # the titles in one column, before the first
        g.edge(f"lane_{index}", f"lane_{index + 1}", style="invis", weight=STRAIGHT)
    drawn: set[tuple[str, str]] = set()   # neighbours in a row that a visible edge joins already
    for number, (stage, exit_, target) in enumerate(exits(journey), 1):
        band = p.inline.get(number)
        via = tuple(anchor(f"b{band}", c) for c in range(p.column[stage.id] + 1, p.column[target.id])
                    if anchor(f"b{band}", c).startswith(f"b{band}t")) if band else ()
        path = [node_name(stage.id), f"x_{number}", *via, node_name(target.id)] if band else []
        drawn |= set(zip(path, path[1:], strict=False))
        exit_edges(g, journey, number, stage, exit_, target, via)
    for index, (owner, members) in enumerate(p.bands, 1):
        _band(g, workspace, journey, p, index, owner, members, colours, drawn)
        _gap(g, workspace, journey, p, index)
    return g.text()


def _anchors(p: Plan) -> Callable[[str, int], str]:
    """row, column -> the node that holds the column in that row: a band's first stage of the column, else
    an invisible tick (a band row has no tick where it has a stage: nothing to route around)."""
    first: dict[tuple[str, int], str] = {}
    for index, (_, members) in enumerate(p.bands, 1):
        for stage in members:
            first.setdefault((f"b{index}", p.column[stage.id]), node_name(stage.id))
    return lambda row, column: first.get((row, column), f"{row}t{column}")


def _band(g: Writer, workspace: Workspace, journey: Journey, p: Plan, index: int, owner: str | None,
          members: list[Stage], colours: dict[str, Colours], drawn: set[tuple[str, str]]) -> None:
    """A band's row: its title, then by column a tick, the column's stages, each followed by the label of
    its exit along the band."""
    lane_title(g, workspace, f"lane_{index}", index, owner, band_colours(colours, owner, members))
    starts = set(journey.start_ids)
    inline = {stage.id: number for number, (stage, _, _) in enumerate(exits(journey), 1)
              if p.inline.get(number) == index}
    cells: dict[int, list[str]] = {}
    for stage in members:
        cell = cells.setdefault(p.column[stage.id], [])
        if stage.id in starts:
            cell.append(start_mark(g, stage))
            g.edge(cell[-1], node_name(stage.id), color=INK, id=f"start-edge-{element_id(stage.id)}")
            drawn.add((cell[-1], node_name(stage.id)))
        cell.append(node_name(stage.id))
        stage_node(g, stage, stage_colours(colours, stage))
        if stage.id in inline:
            number = inline[stage.id]
            cell.append(f"x_{number}")
            _, exit_, target = exits(journey)[number - 1]
            exit_label(g, workspace, journey, number, stage, exit_, target)
    _row(g, f"b{index}", p.columns, cells, drawn, first=f"lane_{index}", ticked=set(range(p.columns + 1)) - set(cells))


def _gap(g: Writer, workspace: Workspace, journey: Journey, p: Plan, index: int) -> None:
    """A gap row: the labels of the exits that leave the band above (or go up from the band below)."""
    cells: dict[int, list[str]] = {}
    for number, (stage, exit_, target) in enumerate(exits(journey), 1):
        if p.gap.get(number) == index:
            cells.setdefault(p.column[stage.id], []).append(f"x_{number}")
            exit_label(g, workspace, journey, number, stage, exit_, target)
    _row(g, f"g{index}", p.columns, cells, set())


def _row(g: Writer, row: str, count: int, cells: dict[int, list[str]], drawn: set[tuple[str, str]],
         first: str | None = None, ticked: set[int] | None = None) -> None:
    """One rank: [first], then by column a tick (in the columns `ticked`, all by default) and the column's
    nodes, in this order. Invisible flat edges between neighbours keep the order, but where a visible edge
    joins them already (two edges between neighbours would be drawn as two curves)."""
    names = [first] if first else []
    for column in range(count + 1):
        if ticked is None or column in ticked:
            names.append(f"{row}t{column}")
            g.node(names[-1], label="", shape="point", style="invis", width="0.01", height="0.01")
        names += cells.get(column, [])
    g.open()
    g.defaults("graph", rank="same")
    for name in names:
        g.node(name)
    g.close()
    for left, right in zip(names, names[1:], strict=False):
        if (left, right) not in drawn:
            g.edge(left, right, style="invis")


def band_colours(colours: dict[str, Colours], owner: str | None, members: list[Stage]) -> Colours:
    return colours.get(owner or "", stage_colours(colours, members[0]))


def bands_of(workspace: Workspace, journey: Journey) -> list[tuple[Colours, str, set[str]]]:
    """Per band, top to bottom: its colours, its team's name and the SVG ids of what sits in it (the title,
    start marks, stages, labels of exits along it). The SVG's band backgrounds are drawn from these."""
    colours = team_colours(workspace.teams)
    p = plan(journey)
    out = []
    for index, (owner, members) in enumerate(p.bands, 1):
        ids = {f"lane-{index}-title"} | {element_id(s.id) for s in members}
        ids |= {f"start-{element_id(s.id)}" for s in members}
        ids |= {f"exit-{n}-label" for n, band in p.inline.items() if band == index}
        out.append((band_colours(colours, owner, members), lanes_.team_name(workspace, owner), ids))
    return out
