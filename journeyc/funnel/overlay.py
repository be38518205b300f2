"""The map with the flow laid over it: each stage coloured by its share of the stuck records, exits labelled
with the moves observed, and moves the map lacks as dashed red edges. Graphviz DOT and Mermaid text.

Labels come from YAML (stage labels) and are escaped here for their target:
DOT double-quoted strings (`\\` and `"`), Mermaid labels (every character with a
meaning in Mermaid or in its HTML labels as a `#NN;` entity).
"""

from __future__ import annotations

import math

from journeyc.funnel.result import PipelineFlow, StageFlow, clean, sentence, share
from journeyc.workspace.model import Journey

#: fill colours from no stuck records to the largest share; the last takes white text
HEAT = ("#F9FAFB", "#FEE2E2", "#FECACA", "#FCA5A5", "#F87171", "#DC2626")
UNDECLARED = "#DC2626"
_MERMAID_SPECIAL = frozenset('"#&<>|`\\{}[]()%;:')
_ENTITIES = {ord(c): f"#{ord(c)};" for c in _MERMAID_SPECIAL}


def heat(flow: PipelineFlow, stage: StageFlow) -> int:
    """0 for no stuck record, else 1..5 by the stage's share of the pipeline's stuck records."""
    total = flow.stuck
    return 0 if not total or not stage.stuck else max(1, math.ceil(5 * stage.stuck / total))


def _one_line(text: str) -> str:
    return clean(str(text))


def _facts(flow: PipelineFlow, stage: StageFlow) -> str:
    facts = [f"{stage.entered} in"]
    if stage.open:
        facts.append(f"{stage.open} open")
    if stage.stuck:
        facts.append(f"{stage.stuck} stuck ({share(flow, stage)} %)")
    return " · ".join(facts)


def _edges(journey: Journey, flow: PipelineFlow) -> list[tuple[str, str, int, bool]]:
    """Declared exits inside the pipeline (with their observed count, maybe 0), then the undeclared moves."""
    ids = {s.id for s in flow.stages}
    seen = {(t.source, t.target): t.count for t in flow.transitions}
    out = []
    for stage in journey.stages:
        if stage.id in ids:
            for to in dict.fromkeys(x.to for x in stage.exits if x.to in ids):
                out.append((stage.id, to, seen.get((stage.id, to), 0), True))
    return out + [(t.source, t.target, t.count, False) for t in flow.transitions if not t.declared]


def _dot_text(text: str) -> str:
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def dot(journey: Journey, flow: PipelineFlow) -> str:
    """One DOT digraph for one pipeline of a journey."""
    name = _dot_text(f"{journey.id}/{flow.pipeline}")
    lines = [f'digraph "{name}" {{', "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, color="#6B7280"];',
             '  edge [fontname="Helvetica", fontsize=10, color="#6B7280"];',
             f'  label="{_dot_text(journey.name)}: {_dot_text(sentence(flow))}"; labelloc=t; fontname="Helvetica";']
    for stage in flow.stages:
        level = heat(flow, stage)
        font = "#FFFFFF" if level == len(HEAT) - 1 else "#111827"
        shape = ', shape=doubleoctagon' if _outcome(journey, stage.id) else ""
        lines.append(f'  "{_dot_text(stage.id)}" [label="{_dot_text(stage.label)}\\n{_facts(flow, stage)}",'
                     f' fillcolor="{HEAT[level]}", fontcolor="{font}"{shape}];')
    for source, target, count, declared in _edges(journey, flow):
        style = f'color="{UNDECLARED}", fontcolor="{UNDECLARED}", style=dashed, penwidth=2'
        style = "" if declared else ", " + style
        note = str(count) if declared else f"{count} (not in the map)"
        lines.append(f'  "{_dot_text(source)}" -> "{_dot_text(target)}" [label="{note}"{style}];')
    return "\n".join(lines) + "\n}\n"


def _outcome(journey: Journey, stage_id: str) -> bool:
    stage = journey.stage(stage_id)
    return stage is not None and stage.outcome is not None


def _mm_text(text: str) -> str:
    return _one_line(text).translate(_ENTITIES)


def _mm_id(stage_id: str) -> str:
    return "s_" + stage_id.encode("utf-8", "surrogatepass").hex()  # injective and never a Mermaid keyword


def mermaid(journey: Journey, flow: PipelineFlow) -> str:
    """One Mermaid flowchart for one pipeline of a journey (GitHub renders it in Markdown)."""
    lines = ["flowchart LR"]
    for level, fill in enumerate(HEAT):
        font = "#FFFFFF" if level == len(HEAT) - 1 else "#111827"
        lines.append(f"  classDef heat{level} fill:{fill},stroke:#6B7280,color:{font}")
    for stage in flow.stages:
        label = f"{_mm_text(stage.label)}<br/><small>{_mm_text(_facts(flow, stage))}</small>"
        shape = f'(["{label}"])' if _outcome(journey, stage.id) else f'["{label}"]'
        lines.append(f"  {_mm_id(stage.id)}{shape}:::heat{heat(flow, stage)}")
    dashed = []
    for n, (source, target, count, declared) in enumerate(_edges(journey, flow)):
        if declared:
            lines.append(f'  {_mm_id(source)} -->|"{count}"| {_mm_id(target)}')
        else:
            lines.append(f'  {_mm_id(source)} -.->|"{count} not in the map"| {_mm_id(target)}')
            dashed.append(str(n))
    if dashed:
        lines.append(f"  linkStyle {','.join(dashed)} stroke:{UNDECLARED},stroke-width:2px,color:{UNDECLARED}")
    return "\n".join(lines) + "\n"
