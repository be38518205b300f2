"""The pieces of a swimlane diagram: stage nodes, exit labels and edges, the legend, tooltips in words.

Text from YAML reaches DOT only through `dot.html` (inside HTML-like labels)
and `dot.quote`; node names and SVG ids are journeyc's own (`node_name`,
`element_id`).
"""

from __future__ import annotations

import textwrap

from journeyc.emitters import lanes as lanes_
from journeyc.emitters.dot import Html, Writer, html
from journeyc.emitters.palette import HANDOFF, INK, LOST, PAPER, RISK, SUBTLE, WON, Colours
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


def lane_title(g: Writer, workspace: Workspace, name: str, index: int, owner: str | None, c: Colours) -> None:
    """The band's title: the team's name (wrapped, at most three lines) and its function."""
    team = workspace.team(owner)
    lines = [f"<B>{html(line)}</B>" for line in wrap(lanes_.team_name(workspace, owner), 18, 3)]
    if team is not None:
        lines.append(f'<FONT POINT-SIZE="{SIZE["meta"]}" COLOR="{SUBTLE}">{html(team.function)}</FONT>')
    title = ('<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD WIDTH="150" ALIGN="LEFT" BALIGN="LEFT">'
             + "<BR/>".join(lines) + "</TD></TR></TABLE>")
    g.node(name, label=Html(title), shape="plaintext", style="", fontsize=SIZE["lane"], fontcolor=c.line,
           id=f"lane-{index}-title", margin="0")


def start_mark(g: Writer, stage: Stage) -> str:
    """The filled circle a journey starts from, before its start stage; returns the node's name."""
    name = f"start_{node_name(stage.id)}"
    g.node(name, label="", shape="circle", style="filled", fillcolor=INK, color=INK, width="0.16", height="0.16",
           fixedsize="true", id=f"start-{element_id(stage.id)}")
    return name


def stage_node(g: Writer, stage: Stage, c: Colours) -> None:
    mark = {"won": "✓ ", "lost": "✗ "}.get(stage.outcome or "", "")
    label = "<BR/>".join(f"<B>{html(line)}</B>" for line in wrap(mark + stage.label, 24, 3))
    meta = [f"SLA {stage.sla_days} d"] if stage.sla_days is not None else []
    if stage.probability is not None:
        meta.append(f"{stage.probability} %")
    if stage.risk in ("low", "medium"):
        meta.append(f"{stage.risk} risk")
    if meta:
        label += f'<BR/><FONT POINT-SIZE="{SIZE["meta"]}">{html(" · ".join(meta))}</FONT>'
    extra: dict[str, str] = {}
    if stage.risk == "high":
        label += f'<BR/><FONT POINT-SIZE="{SIZE["meta"]}"><B>⚠ HIGH RISK</B></FONT>'
        extra.update(color=RISK, penwidth="2.5")
    if stage.outcome:
        extra.update(peripheries="2", penwidth="1.5")
    link = f"#stage-{stage.id}" if ID_RE.match(stage.id) else None
    g.node(node_name(stage.id), label=Html(label), fillcolor=c.fill, color=extra.pop("color", c.line),
           id=element_id(stage.id), href=link, target="_top" if link else None,
           tooltip=one_line(stage.description or stage.label), **extra)


def exits(journey: Journey) -> list[tuple[Stage, Exit, Stage]]:
    out = []
    for stage in journey.stages:
        for exit_ in stage.exits:
            target = journey.stage(exit_.to)
            if target is not None:
                out.append((stage, exit_, target))
    return out


def exit_label(g: Writer, workspace: Workspace, journey: Journey, number: int, stage: Stage, exit_: Exit,
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
           margin="0.03,0.06", id=f"exit-{number}-label")


def exit_edges(g: Writer, journey: Journey, number: int, stage: Stage, exit_: Exit, target: Stage,
               via: tuple[str, ...] = ()) -> None:
    """The exit as edges through its label node (from the stage, no arrowhead; then to the next stage), and
    through the invisible points `via` when it runs along a band, so that each piece joins neighbours and
    is drawn straight."""
    attrs: dict[str, str] = {} if exit_.when else {"style": "dashed"}
    if lanes_.is_handoff(journey, stage, exit_):
        attrs.update(color=HANDOFF, penwidth="2.2")
    elif target.outcome == "lost":
        attrs.update(arrowhead="empty")
    plain = {k: v for k, v in attrs.items() if k != "arrowhead"}
    g.edge(node_name(stage.id), f"x_{number}", arrowhead="none", id=f"exit-{number}-from", **plain)
    path = [f"x_{number}", *via, node_name(target.id)]
    for step, (tail, head) in enumerate(zip(path, path[1:], strict=False), 1):
        last = step == len(path) - 1
        g.edge(tail, head, id=f"exit-{number}" if last else f"exit-{number}-via-{step}",
               **(attrs if last else {**plain, "arrowhead": "none"}))


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
        text = "<BR/>".join(html(line) for line in wrap(shown, 40, 4))  # in full: a long name on lines
        cells.append(_swatch(c.fill, c.line) + f'<TD ALIGN="LEFT" BALIGN="LEFT">{text}</TD>')
    marks = [_swatch(WON.fill, WON.line) + '<TD ALIGN="LEFT">✓ won</TD>',
             _swatch(LOST.fill, LOST.line) + '<TD ALIGN="LEFT">✗ lost</TD>',
             _swatch(PAPER, RISK) + f'<TD ALIGN="LEFT"><FONT COLOR="{RISK}">⚠ high risk</FONT></TD>',
             f'<TD><FONT COLOR="{HANDOFF}"><B>⟶</B></FONT></TD><TD ALIGN="LEFT">handoff to another team</TD>',
             f'<TD><FONT COLOR="{SUBTLE}">⇢</FONT></TD><TD ALIGN="LEFT">exit with no signal</TD>']
    for group in (cells, marks):
        for start in range(0, len(group), 4):
            rows.append("<TR>" + "".join(group[start:start + 4]) + "</TR>")
    rows.append('<TR><TD COLSPAN="8" HEIGHT="8"></TD></TR>')  # room between the legend and the first band
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
            out[f"start-{element_id(stage.id)}"] = f"start: {stage.label}"
            out[f"start-edge-{element_id(stage.id)}"] = f"start: {stage.label}"
    for number, (stage, exit_, target) in enumerate(exits(journey), 1):
        when = exit_.when
        text = f"{stage.label} → {target.label}" + (f" when {when}" if when else " (no signal)")
        if lanes_.is_handoff(journey, stage, exit_):
            text += f": handoff from {lanes_.team_name(workspace, stage.owner)} to " \
                    f"{lanes_.team_name(workspace, target.owner)}"
        for part in ("", "-from", "-label", *(f"-via-{n}" for n in range(1, 50))):
            out[f"exit-{number}{part}"] = text
    return out
