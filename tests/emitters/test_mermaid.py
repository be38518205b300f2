"""Mermaid flowcharts: lanes per team, signal labels, escaping, and the diff highlighting API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from journeyc.emitters.mermaid import NODE_STYLES, flowchart, node_id, text
from journeyc.engine import load_workspace
from journeyc.workspace.model import Exit, Stage, Workspace

EVIL = 'Evil "q" <script>alert(1)</script> & {b} | p \\ ]]> `t` #35; %%{init}%% [x](y) end'
#: a node line: id, then ["..."] or (["..."]) with no raw quote inside the label
NODE = re.compile(r'^    (s_\w+|x_[0-9a-f]+)(\["[^"]*"\]|\(\["[^"]*"\]\))$')
EDGE = re.compile(r'^  (s_\w+) (-->|==>|-\.->)(\|"[^"|]*"\|)? (s_\w+)$')


def _journey(**extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "deals", "name": "Deals",
        "signals": [{"id": "go"}, {"id": "sign"}, {"id": "stop"}],
        "stages": [
            {"id": "lead", "term": "Lead", "owner": "marketing", "sla_days": 3,
             "exits": [{"to": "demo", "when": "go"}]},
            {"id": "demo", "term": "Demo", "owner": "sales", "sla_days": 5, "probability": 40, "risk": "high",
             "actions": ["Call"], "exits": [{"to": "end", "when": "sign"}, {"to": "lost", "when": "stop"}]},
            {"id": "end", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True},
            {"id": "lost", "term": "Closed lost", "owner": "sales", "outcome": "lost", "terminal": True},
        ],
        **extra,
    }


def _load(root: Path) -> Workspace:
    return load_workspace(root).workspace


def _structure_ok(chart: str) -> None:
    """Every line is one of the statements we emit, so no input text escaped its label."""
    lines = chart.splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        assert (NODE.match(line) or EDGE.match(line) or line == "  end"
                or re.match(r'^  subgraph lane_\w+\["[^"]*"\]$', line)
                or re.match(r"^  (classDef|class|style|linkStyle) [\w,]+ [\w:#,. -]+$", line)), line


def test_lanes_nodes_and_signal_labels(make_workspace) -> None:
    ws = _load(make_workspace(_journey()))
    chart = flowchart(ws, ws.journeys[0])
    _structure_ok(chart)
    assert chart.count("  subgraph ") == 2 and chart.count("\n  end\n") == 2
    assert 'subgraph lane_marketing["Marketing #34;Growth#34; #60;b#62;"]' in chart   # team names are escaped too
    assert 's_lead["Lead<br/><small>SLA 3 d</small>"]' in chart
    assert 's_demo["Demo<br/><small>SLA 5 d · 40 % · ⚠ high risk</small>"]' in chart
    assert 's_end(["✓ Closed won"])' in chart and 's_lost(["✗ Closed lost"])' in chart   # closed: other shape
    assert '  s_lead ==>|"go"| s_demo' in chart          # a handoff (marketing -> sales) is a thick link
    assert '  s_demo -->|"sign"| s_end' in chart
    assert "  linkStyle 0 stroke:#C2410C,stroke-width:2px" in chart
    assert "  class s_lead team_1" in chart and "  class s_end won" in chart   # a class per team, not function
    assert "  classDef team_1 fill:#9E9EFA,stroke:#4747F6,color:#111827" in chart
    assert "  classDef team_2 fill:#F5E447,stroke:#6D6306,color:#111827" in chart
    assert "  style s_demo stroke:#B91C1C,stroke-width:3px" in chart


def test_ids_are_safe_and_distinct() -> None:
    assert node_id("end") == "s_end"          # never the bare keyword
    assert node_id("a-b") != node_id("a") and node_id("a-b") == "s_a_b"
    assert node_id('x"]; click') == "x_" + b'x"]; click'.hex()


def test_hostile_labels_stay_inside_their_quotes(make_workspace) -> None:
    journey = _journey(name=EVIL)
    journey["stages"][0]["term"] = EVIL + "\nsecond line"
    ws = _load(make_workspace(journey))
    chart = flowchart(ws, ws.journeys[0])
    _structure_ok(chart)
    assert "<script" not in chart and "%%{" not in chart and "`" not in chart
    assert "#60;script#62;" in chart and "#35;35#59;" in chart   # a literal entity in the input stays literal
    assert text("a\nb\tc") == "a b c"


def test_diff_classes_and_removed_stages(make_workspace) -> None:
    ws = _load(make_workspace(_journey()))
    journey = ws.journeys[0]
    gone = Stage("qualify", "Qualify", "sales", None, 2, None, None, (), (), None, None, False,
                 (Exit("demo", "go", journey.ref),), journey.ref)
    chart = flowchart(ws, journey, node_classes={"demo": "changed", "end": "added"},
                      edge_classes={("demo", "end"): "added"}, extra_stages=[gone],
                      extra_exits=[("lead", Exit("qualify", "go", journey.ref))])
    _structure_ok(chart)
    assert 's_qualify["Qualify<br/><small>SLA 2 d</small>"]' in chart
    assert "  s_lead -.->|\"go\"| s_qualify" in chart            # a removed exit is dotted
    for cls in ("added", "removed", "changed"):
        assert f"  classDef {cls} {NODE_STYLES[cls]}" in chart
    assert "  class s_qualify removed" in chart and "  class s_demo changed" in chart
    assert "  class s_end added" in chart
    assert "style s_demo stroke:#B91C1C" not in chart             # the diff class wins over the risk mark
    added_edge = [i for i, line in enumerate(e for e in chart.splitlines() if EDGE.match(e)) if "s_demo" in line
                  and "s_end" in line]
    assert f"  linkStyle {added_edge[0]} stroke:#16A34A,stroke-width:3px" in chart


def test_lanes_in_the_order_the_journey_reaches_them_and_lost_exits_are_not_handoffs(make_workspace) -> None:
    journey = _journey()
    journey["stages"][3]["owner"] = "cs"                  # lost, owned by a third team
    journey["stages"].insert(0, journey["stages"].pop(1))  # demo (sales) written first, but reached second
    journey["start"] = ["lead"]
    ws = _load(make_workspace(journey))
    chart = flowchart(ws, ws.journeys[0])
    lanes = re.findall(r"subgraph (lane_\w+)", chart)
    assert lanes == ["lane_marketing", "lane_sales", "lane_cs"]
    assert '  s_demo -->|"stop"| s_lost' in chart            # to a lost outcome: a plain exit, not a handoff


def test_same_input_same_text(make_workspace) -> None:
    root = make_workspace(_journey())
    assert flowchart(_load(root), _load(root).journeys[0]) == flowchart(_load(root), _load(root).journeys[0])
