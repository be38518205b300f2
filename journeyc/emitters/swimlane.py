"""A journey as a Graphviz swimlane: time left to right, one full-width band per team, handoffs across bands.

Layout, with `dot`: `rankdir=LR` makes ranks columns (time); each team is a
cluster holding its stages, a title node pinned to the first column and an
invisible node pinned to the last, so every band spans the whole width;
invisible edges between the titles keep the bands in the order the journey
reaches the teams. An edge label is a node of its own for `dot`, so no label
sits on another or on a band's border. The title and the legend are the graph's
label, so a standalone SVG carries its legend.

Every element gets an `id` (`stage-…`, `exit-N`, `lane-N`) and a tooltip in
words (`tooltips`): the SVG's `<title>`s are rewritten from them, never left as
Graphviz's names.
"""

from __future__ import annotations

import textwrap

from journeyc.emitters import lanes as lanes_
from journeyc.emitters.dot import Html, Writer, html
from journeyc.emitters.palette import HANDOFF, INK, PAPER, RISK, SUBTLE, Colours, stage_colours, team_colours
from journeyc.emitters.render import ID_RE, one_line
from journeyc.workspace.model import Exit, Journey, Stage, Workspace

FONT = "Helvetica,Arial,sans-serif"
#: point sizes: nothing smaller than 9 pt (12 CSS px at the SVG's own scale)
SIZE = {"title": 16, "lane": 12, "stage": 11, "meta": 9, "edge": 9, "legend": 10}


def node_name(stage_id: str) -> str:
    """DOT node names are journeyc's: the stage id when it is a valid id, else a hex form (never user text)."""
    return "s_" + stage_id.replace("-", "_") if ID_RE.match(stage_id) else "x" + _hex(stage_id)


def element_id(stage_id: str) -> str:
    """The SVG id of a stage's node (unique in a page beside the stage table's `stage-<id>` rows)."""
    return "d-" + stage_id if ID_RE.match(stage_id) else "d-x" + _hex(stage_id)


def _hex(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").hex()


def wrap(text: str, width: int, lines: int) -> list[str]:
    """One line of text as at most `lines` lines of about `width` characters; an ellipsis says it was cut."""
    parts = textwrap.wrap(one_line(text), width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return parts


def dot_source(workspace: Workspace, journey: Journey) -> str:
    """The journey as DOT text (DESIGN §4): swimlanes, team colours, risk and SLA marks, signals on exits."""
    colours = team_colours(workspace.teams)
    bands = lanes_.lanes(journey)
    g = Writer(journey.id if ID_RE.match(journey.id) else "journey",
               rankdir="LR", newrank="true", nodesep="0.3", ranksep="0.45", pad="0.3", bgcolor=PAPER,
               fontname=FONT, fontsize=SIZE["legend"], fontcolor=INK, labelloc="t", labeljust="l",
               label=Html(legend(workspace, journey, colours)), id="journey", outputorder="edgesfirst")
    g.defaults("node", shape="box", style="rounded,filled", fontname=FONT, fontsize=SIZE["stage"],
               fontcolor=INK, margin="0.12,0.06", penwidth="1.2")
    g.defaults("edge", fontname=FONT, fontsize=SIZE["edge"], color=SUBTLE, fontcolor=SUBTLE, arrowsize="0.7",
               penwidth="1.1")
    starts = {s for s in journey.start_ids if journey.stage(s) is not None}
    numbers = {id(exit_): n for n, (_, exit_, _) in enumerate(_exits(journey), 1)}
    for index, (owner, members) in enumerate(bands, 1):
        _band(g, workspace, journey, index, owner, members, colours, starts, numbers)
    g.open()
    g.defaults("graph", rank="min")
    for index in range(1, len(bands) + 1):
        g.node(f"lane_{index}")
    g.close()
    g.open()
    g.defaults("graph", rank="same")
    for index in range(1, len(bands) + 1):
        g.node(f"end_{index}")
    g.close()
    for index in range(1, len(bands)):  # flat edges in the first column: the bands' order, top to bottom
        g.edge(f"lane_{index}", f"lane_{index + 1}", style="invis")
    for index, (_, members) in enumerate(bands, 1):  # the end nodes after every stage: full-width bands
        for stage in members:
            g.edge(node_name(stage.id), f"end_{index}", style="invis", weight="0")
    for number, (stage, exit_, target) in enumerate(_exits(journey), 1):
        _exit(g, workspace, journey, number, stage, exit_, target)
    return g.text()


def _band(g: Writer, workspace: Workspace, journey: Journey, index: int, owner: str | None, members: list[Stage],
          colours: dict[str, Colours], starts: set[str], numbers: dict[int, int]) -> None:
    c = colours.get(owner or "", stage_colours(colours, members[0]))
    team = workspace.team(owner)
    g.open(f"cluster_{index}")
    g.defaults("graph", label="", style=",".join(filter(None, ("filled", c.dash))), fillcolor=c.lane,
               color=c.line, penwidth="1", margin="10", id=f"lane-{index}")
    title = "<BR ALIGN=\"LEFT\"/>".join(f"<B>{html(line)}</B>" for line in wrap(lanes_.team_name(workspace, owner),
                                                                                 18, 3))
    if team is not None:
        title += f'<BR ALIGN="LEFT"/><FONT POINT-SIZE="{SIZE["meta"]}" COLOR="{SUBTLE}">{html(team.function)}</FONT>'
    g.node(f"lane_{index}", label=Html(title + '<BR ALIGN="LEFT"/>'), shape="plaintext", style="",
           fontsize=SIZE["lane"], fontcolor=c.line, id=f"lane-{index}-title", margin="0.05,0.05")
    for stage in members:
        if stage.id in starts:
            g.node(f"start_{node_name(stage.id)}", label="", shape="circle", style="filled", fillcolor=INK,
                   color=INK, width="0.16", height="0.16", fixedsize="true", id=f"start-{element_id(stage.id)}")
        _node(g, stage, stage_colours(colours, stage))
        for exit_ in stage.exits:  # an exit's label is a node in the band it leaves: never on a border
            target = journey.stage(exit_.to)
            if target is not None:
                _label(g, workspace, journey, numbers[id(exit_)], stage, exit_, target)
    g.node(f"end_{index}", label="", shape="point", style="invis", width="0.01", height="0.01")
    g.close()
    for stage in members:
        if stage.id in starts:
            g.edge(f"start_{node_name(stage.id)}", node_name(stage.id), color=INK, id=f"start-edge-{element_id(stage.id)}")


def _node(g: Writer, stage: Stage, c: Colours) -> None:
    mark = {"won": "✓ ", "lost": "✗ "}.get(stage.outcome or "", "")
    label = "<BR/>".join(f"<B>{html(line)}</B>" for line in wrap(mark + stage.label, 24, 3))
    meta = [f"SLA {stage.sla_days} d"] if stage.sla_days is not None else []
    if stage.probability is not None:
        meta.append(f"{stage.probability} %")
    if stage.risk in ("low", "medium"):
        meta.append(f"{stage.risk} risk")
    if meta:
        label += f'<BR/><FONT POINT-SIZE="{SIZE["meta"]}" COLOR="{SUBTLE}">{html(" · ".join(meta))}</FONT>'
    extra: dict[str, str] = {}
    if stage.risk == "high":
        label += f'<BR/><FONT POINT-SIZE="{SIZE["meta"]}" COLOR="{RISK}"><B>⚠ HIGH RISK</B></FONT>'
        extra.update(color=RISK, penwidth="2.5")
    if stage.outcome:
        extra.update(peripheries="2", penwidth="1.5")
    link = f"#stage-{stage.id}" if ID_RE.match(stage.id) else None
    g.node(node_name(stage.id), label=Html(label), fillcolor=c.fill, color=extra.pop("color", c.line),
           id=element_id(stage.id), href=link, target="_top" if link else None, **extra)


def _exits(journey: Journey) -> list[tuple[Stage, Exit, Stage]]:
    out = []
    for stage in journey.stages:
        for exit_ in stage.exits:
            target = journey.stage(exit_.to)
            if target is not None:
                out.append((stage, exit_, target))
    return out


def _label(g: Writer, workspace: Workspace, journey: Journey, number: int, stage: Stage, exit_: Exit,
           target: Stage) -> None:
    if exit_.when:
        text = "<BR/>".join(html(line) for line in wrap(exit_.when, 22, 3))
    else:
        text = "<I>no signal</I>"
    colour = SUBTLE
    if lanes_.is_handoff(journey, stage, exit_):
        short = lanes_.short_names(workspace).get(target.owner or "", lanes_.team_name(workspace, target.owner))
        text += f"<BR/><B>→ {html(short)}</B>"
        colour = HANDOFF
    g.node(f"x_{number}", label=Html(text), shape="plaintext", style="", fontsize=SIZE["edge"], fontcolor=colour,
           margin="0.02,0.02", id=f"exit-{number}-label")


def _exit(g: Writer, workspace: Workspace, journey: Journey, number: int, stage: Stage, exit_: Exit,
          target: Stage) -> None:
    """Two edges through the label node: from the stage (no arrowhead), then to the next stage."""
    attrs: dict[str, str] = {} if exit_.when else {"style": "dashed"}
    if lanes_.is_handoff(journey, stage, exit_):
        attrs.update(color=HANDOFF, penwidth="2.2")
    elif target.outcome == "lost":
        attrs.update(arrowhead="empty")
    g.edge(node_name(stage.id), f"x_{number}", arrowhead="none", id=f"exit-{number}-from",
           **{k: v for k, v in attrs.items() if k != "arrowhead"})
    g.edge(f"x_{number}", node_name(target.id), id=f"exit-{number}", **attrs)


def legend(workspace: Workspace, journey: Journey, colours: dict[str, Colours]) -> str:
    """The graph label: the journey's name, then a swatch and the full name of each team of the journey
    (with its short form when edges use one), then the marks."""
    shorts = lanes_.short_names(workspace)
    rows = [f'<TR><TD ALIGN="LEFT" COLSPAN="8"><FONT POINT-SIZE="{SIZE["title"]}"><B>{html(journey.name)}</B>'
            "</FONT></TD></TR>"]
    cells = []
    for owner, _ in lanes_.lanes(journey):
        c = colours.get(owner or "")
        if c is None:
            continue
        name = lanes_.team_name(workspace, owner)
        short = shorts.get(owner or "", name)
        shown = name if short == " ".join(name.split()) else f"{name} ({short})"
        cells.append(_swatch(c.fill, c.line) + f'<TD ALIGN="LEFT">{html(shown)}</TD>')
    marks = [_swatch("#DCFCE7", "#15803D") + '<TD ALIGN="LEFT">✓ won</TD>',
             _swatch("#E5E7EB", "#374151") + '<TD ALIGN="LEFT">✗ lost</TD>',
             _swatch(PAPER, RISK) + f'<TD ALIGN="LEFT"><FONT COLOR="{RISK}">⚠ high risk</FONT></TD>',
             f'<TD><FONT COLOR="{HANDOFF}"><B>⟶</B></FONT></TD><TD ALIGN="LEFT">handoff to another team</TD>',
             f'<TD><FONT COLOR="{SUBTLE}">⇢</FONT></TD><TD ALIGN="LEFT">exit with no signal</TD>']
    for group in (cells, marks):
        for start in range(0, len(group), 4):
            rows.append("<TR>" + "".join(group[start:start + 4]) + "</TR>")
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">' + "".join(rows) + "</TABLE>")


def _swatch(fill: str, line: str) -> str:
    return f'<TD BGCOLOR="{fill}" COLOR="{line}" BORDER="1" WIDTH="18" HEIGHT="12" FIXEDSIZE="TRUE"></TD>'


def tooltips(workspace: Workspace, journey: Journey) -> dict[str, str]:
    """SVG element id -> what its tooltip says, in words (stage and team names, never Graphviz's names)."""
    out = {"journey": journey.name}
    for index, (owner, members) in enumerate(lanes_.lanes(journey), 1):
        team = lanes_.team_name(workspace, owner)
        out[f"lane-{index}"] = out[f"lane-{index}-title"] = f"{team}: {len(members)} stage{'s' * (len(members) != 1)}"
        for stage in members:
            text = f"{stage.label} ({team})"
            out[element_id(stage.id)] = text + (f": {one_line(stage.description)}" if stage.description else "")
            out[f"start-{element_id(stage.id)}"] = out[f"start-edge-{element_id(stage.id)}"] = f"start: {stage.label}"
    for number, (stage, exit_, target) in enumerate(_exits(journey), 1):
        when = exit_.when
        text = f"{stage.label} → {target.label}" + (f" when {when}" if when else " (no signal)")
        if lanes_.is_handoff(journey, stage, exit_):
            text += f": handoff from {lanes_.team_name(workspace, stage.owner)} to " \
                    f"{lanes_.team_name(workspace, target.owner)}"
        out[f"exit-{number}"] = out[f"exit-{number}-from"] = out[f"exit-{number}-label"] = text
    return out
