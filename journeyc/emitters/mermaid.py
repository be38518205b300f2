"""Mermaid flowcharts: one subgraph per owner team, exits labelled with their signal.

`flowchart()` is also what `journeyc diff` draws a changed journey with: nodes and
edges can carry the classes `added`, `removed` and `changed`, and stages or exits
that exist only in the base revision can be drawn beside the current ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from journeyc.emitters.lanes import is_handoff
from journeyc.emitters.lanes import lanes as bands
from journeyc.emitters.palette import HANDOFF, INK, LOST, NO_TEAM, RISK, WON, Colours, team_colours
from journeyc.emitters.render import ID_RE, one_line
from journeyc.workspace.model import Exit, Journey, Stage, Workspace

#: characters with a meaning in Mermaid syntax, in its HTML labels or in its entity codes
_SPECIAL = frozenset('"#&<>|`\\{}[]()%;')
_ENTITIES = {ord(c): f"#{ord(c)};" for c in _SPECIAL}

#: styles of the classes a caller may give a node (besides the team classes, `team_<n>`)
NODE_STYLES: dict[str, str] = {
    "won": f"fill:{WON.fill},stroke:{WON.line},stroke-width:3px,color:#14532D",
    "lost": f"fill:{LOST.fill},stroke:{LOST.line},stroke-width:3px,color:#111827",
    "added": "fill:#DCFCE7,stroke:#16A34A,stroke-width:3px,color:#14532D",
    "removed": "fill:#F3F4F6,stroke:#9CA3AF,stroke-width:2px,stroke-dasharray:5 5,color:#6B7280",
    "changed": "fill:#FEF3C7,stroke:#D97706,stroke-width:3px,color:#78350F",
}
EDGE_STYLES: dict[str, str] = {
    "handoff": f"stroke:{HANDOFF},stroke-width:2px",
    "added": "stroke:#16A34A,stroke-width:3px",
    "removed": "stroke:#9CA3AF,stroke-width:2px,stroke-dasharray:5 5",
    "changed": "stroke:#D97706,stroke-width:3px",
}


def text(value: object) -> str:
    """A label for inside `"..."`: one line, every character Mermaid gives a meaning as a `#NN;` entity."""
    return one_line(str(value)).translate(_ENTITIES)


def node_id(stage_id: str) -> str:
    """A Mermaid id for a stage: injective, and never a keyword (`end`, `graph`...) or an arrow."""
    if ID_RE.match(stage_id):
        return "s_" + stage_id.replace("-", "_")
    return "x_" + stage_id.encode("utf-8", "surrogatepass").hex()


def _lane_id(team_id: str | None) -> str:
    return "lane_" + (node_id(team_id)[2:] if team_id else "_none")


def _label(stage: Stage) -> str:
    name = text(stage.label)
    if stage.outcome == "won":
        name = "✓ " + name
    elif stage.outcome == "lost":
        name = "✗ " + name
    meta = []
    if stage.sla_days is not None:
        meta.append(f"SLA {stage.sla_days} d")
    if stage.probability is not None:
        meta.append(f"{stage.probability} %")  # ours, not user text: no escaping needed
    if stage.risk == "high":
        meta.append("⚠ high risk")
    elif stage.risk in ("low", "medium"):
        meta.append(f"{stage.risk} risk")
    body = f"{name}<br/><small>{' · '.join(meta)}</small>" if meta else name
    return f'(["{body}"])' if stage.outcome else f'["{body}"]'


def _team_styles(workspace: Workspace) -> tuple[dict[str, str], dict[str, Colours]]:
    """team id -> its class (`team_<n>`, n its place among the declared teams), and its colours."""
    colours = team_colours(workspace.teams)
    return {tid: f"team_{n}" for n, tid in enumerate(colours, 1)}, colours


def _base_class(classes: Mapping[str, str], stage: Stage) -> str:
    if stage.outcome in ("won", "lost"):
        return stage.outcome
    return classes.get(stage.owner or "", "team_none")


def _node_style(cls: str, colours: Mapping[str, Colours], classes: Mapping[str, str]) -> str | None:
    if cls in NODE_STYLES:
        return NODE_STYLES[cls]
    owner = next((tid for tid, c in classes.items() if c == cls), None)
    c = colours.get(owner or "", NO_TEAM) if owner or cls == "team_none" else None
    return f"fill:{c.fill},stroke:{c.line},color:{INK}" if c else None


def flowchart(
    workspace: Workspace,
    journey: Journey,
    *,
    node_classes: Mapping[str, str] | None = None,
    edge_classes: Mapping[tuple[str, str], str] | None = None,
    extra_stages: Sequence[Stage] = (),
    extra_exits: Sequence[tuple[str, Exit]] = (),
    direction: str = "LR",
) -> str:
    """The journey as a Mermaid flowchart (text ending with a newline).

    node_classes: stage id -> class (`added`, `removed`, `changed`, or any of NODE_STYLES),
    replacing the owner's colour. edge_classes: (from id, to id) -> class (EDGE_STYLES).
    extra_stages / extra_exits: stages and (from id, exit) pairs no longer in `journey`
    (from the base revision), drawn with the class `removed` unless told otherwise.
    """
    node_classes, edge_classes = node_classes or {}, edge_classes or {}
    stages = [*journey.stages, *(s for s in extra_stages if journey.stage(s.id) is None)]
    team_classes, colours = _team_styles(workspace)
    lanes = _lanes(journey, stages)
    lines = [f"flowchart {direction}", *_subgraphs(workspace, lanes)]
    edge_lines, link_styles = _edges(journey, {s.id for s in stages}, edge_classes, extra_exits)
    lines += edge_lines
    classes: dict[str, list[str]] = {}
    extra_ids = {s.id for s in extra_stages}
    for stage in stages:
        default = "removed" if stage.id in extra_ids and journey.stage(stage.id) is None else None
        cls = node_classes.get(stage.id) or default or _base_class(team_classes, stage)
        classes.setdefault(cls, []).append(node_id(stage.id))
    for cls in sorted(classes):
        style = _node_style(cls, colours, team_classes)
        if style:
            lines.append(f"  classDef {cls} {style}")
        lines.append(f"  class {','.join(classes[cls])} {cls}")
    for owner in lanes:
        c = colours.get(owner or "", NO_TEAM)
        lines.append(f"  style {_lane_id(owner)} fill:{c.lane},stroke:{c.line}")
    lines += [f"  style {node_id(s.id)} stroke:{RISK},stroke-width:3px" for s in stages
              if s.risk == "high" and s.id not in node_classes]
    lines += [f"  linkStyle {','.join(map(str, link_styles[cls]))} {EDGE_STYLES[cls]}" for cls in sorted(link_styles)]
    return "\n".join(lines) + "\n"


def _lanes(journey: Journey, stages: list[Stage]) -> dict[str | None, list[Stage]]:
    """owner -> its stages, owners in the order the journey reaches them (the diagram's bands)."""
    lanes: dict[str | None, list[Stage]] = {owner: [] for owner, _ in bands(journey)}
    for stage in stages:
        lanes.setdefault(stage.owner, []).append(stage)
    return {owner: members for owner, members in lanes.items() if members}


def _subgraphs(workspace: Workspace, lanes: dict[str | None, list[Stage]]) -> list[str]:
    lines = []
    for owner, members in lanes.items():
        team = workspace.team(owner)
        title = team.name if team else (owner or "(no owner)")
        lines.append(f'  subgraph {_lane_id(owner)}["{text(title)}"]')
        lines.extend(f"    {node_id(s.id)}{_label(s)}" for s in members)
        lines.append("  end")
    return lines


def _edges(journey: Journey, known: set[str], edge_classes: Mapping[tuple[str, str], str],
           extra_exits: Sequence[tuple[str, Exit]]) -> tuple[list[str], dict[str, list[int]]]:
    """The edge lines, and per edge class the indexes `linkStyle` needs."""
    edges: list[tuple[str, Exit, str | None]] = []
    for stage in journey.stages:
        edges.extend((stage.id, e, "handoff" if is_handoff(journey, stage, e) else None) for e in stage.exits)
    edges.extend((src, e, "removed") for src, e in extra_exits)
    lines: list[str] = []
    link_styles: dict[str, list[int]] = {}
    for src, exit_, default in edges:
        if src not in known or exit_.to not in known:
            continue
        cls = edge_classes.get((src, exit_.to), default)
        arrow = "-.->" if cls == "removed" else "==>" if cls == "handoff" else "-->"
        label = f'|"{text(exit_.when)}"|' if exit_.when else ""
        if cls in EDGE_STYLES:
            link_styles.setdefault(cls, []).append(len(lines))
        lines.append(f"  {node_id(src)} {arrow}{label} {node_id(exit_.to)}")
    return lines, link_styles


