"""The diagrams target: DOT swimlanes written by journeyc, parsed by Graphviz; SVG as the build rendered it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from journeyc.build.svg import render, renderer
from journeyc.emitters import EmitOptions, dot
from journeyc.emitters.diagrams import emit
from journeyc.emitters.lanes import is_handoff
from journeyc.emitters.swimlane import dot_source, plan
from journeyc.engine import load_workspace
from journeyc.workspace.model import Workspace

EVIL = 'Evil "q" \'s <script>alert(1)</script> & {b} | p ]]> \u202e <!-- x --> \\N \\'
needs_renderer = pytest.mark.skipif(renderer() != "pygraphviz", reason="needs journeyc[svg] (pygraphviz)")


def _journey(jid: str = "deals", **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": jid,
        "name": "Deals" if jid == "deals" else jid.capitalize(),
        "signals": [{"id": "go"}, {"id": "sign"}, {"id": "stop"}],
        "stages": [
            {"id": "lead", "term": "Lead", "owner": "marketing", "sla_days": 3,
             "exits": [{"to": "demo", "when": "go"}]},
            {"id": "demo", "term": "Demo", "owner": "sales", "sla_days": 5, "probability": 40, "risk": "high",
             "actions": ["Call"], "exits": [{"to": "won", "when": "sign"}, {"to": "lost"}]},
            {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True},
            {"id": "lost", "term": "Closed lost", "owner": "marketing", "outcome": "lost", "terminal": True},
        ],
        **extra,
    }


def _hostile() -> dict[str, Any]:
    journey = _journey(name=EVIL + "\nsecond line", description=EVIL)
    journey["stages"][0].update(term=EVIL, description=EVIL + "\n\nmore")
    journey["stages"][1]["exits"][0]["when"] = 'si"gn <b>'
    journey["stages"][1]["description"] = "<b>unbalanced</b>>"    # would read as a DOT HTML string if unquoted
    journey["stages"][2]["id"] = 'won" -> x [color=red'          # an id the schema would refuse: still inert
    journey["stages"][1]["exits"][0]["to"] = 'won" -> x [color=red'
    return journey


def _load(root: Path) -> Workspace:
    return load_workspace(root).workspace


def test_example_matches_golden(example, golden) -> None:
    golden("diagrams", emit(example, EmitOptions()))


def test_a_row_per_band_in_reach_order_a_column_per_step(make_workspace) -> None:
    ws = _load(make_workspace(_journey()))
    journey = ws.journeys[0]
    source = dot_source(ws, journey)
    assert source.startswith('digraph deals {\n\tgraph [rankdir=TB,')
    p = plan(journey)
    assert [owner for owner, _ in p.bands] == ["marketing", "sales"]      # lost, owned by marketing, reached last
    assert p.column == {"lead": 0, "demo": 1, "won": 2, "lost": 2}         # outcomes after every open stage
    assert p.inline == {2: 2} and p.gap == {1: 1, 3: 1}                    # demo -> won runs along its band
    rows = re.findall(r"\{\n\t\tgraph \[rank=same\]\n((?:\t\t\w+\n)+)\t\}", source)
    assert [r.split() for r in rows] == [
        ["lane_1", "start_s_lead", "s_lead", "b1t1", "s_lost", "b1t3"],     # band 1: title, then by column a
        ["g1t0", "x_1", "g1t1", "x_3", "g1t2", "g1t3"],                      # stage or an invisible tick; gaps:
        ["lane_2", "b2t0", "s_demo", "x_2", "s_won", "b2t3"],                # ticks and labels by column
        ["g2t0", "g2t1", "g2t2", "g2t3"]]
    assert source.index('s_lead -> g1t0 [style=invis, weight="100"]') < source.index("lane_1 [")  # chains first


def test_marks_colours_and_handoffs(make_workspace) -> None:
    ws = _load(make_workspace(_journey()))
    journey = ws.journeys[0]
    source = dot_source(ws, journey)
    demo = re.search(r"\ts_demo \[.*\]", source)
    assert demo and "SLA 5 d · 40 %" in demo.group() and "⚠ HIGH RISK" in demo.group()
    assert 'color="#B91C1C"' in demo.group() and 'fillcolor="#F5E447"' in demo.group()   # sales: 2nd team colour
    lead = re.search(r"\ts_lead \[.*\]", source)
    assert lead and 'fillcolor="#9E9EFA"' in lead.group() and 'href="#stage-lead"' in lead.group()
    for closed, colour in (("won", "#15803D"), ("lost", "#374151")):
        line = re.search(rf"\ts_{closed} \[.*\]", source)
        assert line and 'peripheries="2"' in line.group() and colour in line.group()
    assert re.search(r'\tx_1 \[label=<go<BR/><B>→ =SUM\(A1:A2\)</B>>.*fontcolor="#C2410C"', source)  # a handoff
    assert re.search(r'\tx_1 -> s_demo \[id="exit-1", color="#C2410C"', source)
    assert re.search(r'\tx_3 \[label=<<I>no signal</I>>.*fontcolor="#4B5563"', source)
    assert re.search(r'\ts_demo -> x_3 \[.*style=dashed', source)
    demo_stage = journey.stage("demo")
    assert demo_stage is not None
    assert not is_handoff(journey, demo_stage, demo_stage.exits[1])       # sales -> lost (marketing): not a handoff
    assert re.search(r'\tx_3 -> s_lost \[id="exit-3", style=dashed, arrowhead=empty\]', source)


def test_hostile_text_gives_dot_that_graphviz_parses(make_workspace) -> None:
    pygraphviz = pytest.importorskip("pygraphviz")
    ws = _load(make_workspace(_hostile()))
    source = dot_source(ws, ws.journeys[0])
    labels = re.sub(r'tooltip="(\\.|[^"\\])*"', "", source)
    assert "<script" not in labels and "&lt;script&gt;" in labels and "\u202e" not in source
    graph = pygraphviz.AGraph(string=source)          # a syntax error or a Graphviz warning fails the test
    stages = sorted(n for n in graph.nodes() if n.startswith(("s_", "x7")))
    assert stages == ["s_demo", "s_lead", "s_lost", "x776f6e22202d3e2078205b636f6c6f723d726564"]  # hex: inert
    assert "&lt;script&gt;" in graph.get_node("s_lead").attr["label"]
    assert len([e for e in graph.edges() if e.attr["style"] != "invis"]) == 7   # start, 3 exits in two halves


@pytest.mark.parametrize("value", ["plain", "with space", 'q"uote', "back\\slash \\N", "<tag>", "node", "1abc",
                                   "é ✓", "a\nb", "{ } [ ] ; , = -> --"])
def test_quote_round_trips_through_graphviz(value: str) -> None:
    pygraphviz = pytest.importorskip("pygraphviz")
    graph = pygraphviz.AGraph(string=f"digraph {{ a [label={dot.quote(value)}, tooltip={dot.quote(value)}] }}")
    expected = " ".join(value.split()).replace("\\", "\u29f5")   # one line; a backslash never escapes
    assert graph.get_node("a").attr["tooltip"] == expected


def test_svg_comes_from_the_build_and_is_finished_here(make_workspace) -> None:
    ws = _load(make_workspace(_journey(), _journey("other")))
    raw = (b'<svg width="10pt" height="10pt" viewBox="0.00 0.00 10.00 10.00" xmlns="http://www.w3.org/2000/svg">\n'
           b'<g id="d&#45;lead" class="node">\n<title>s_lead</title>\n</g>\n</svg>\n')
    files = emit(ws, EmitOptions(targets=("diagrams",), svgs={"deals": raw}))
    assert sorted(map(str, files)) == ["diagrams/deals.dot", "diagrams/deals.mmd", "diagrams/deals.svg",
                                       "diagrams/other.dot", "diagrams/other.mmd"]
    svg = files[PurePosixPath("diagrams/deals.svg")].decode()
    assert "<title>Lead (Marketing &quot;Growth&quot; &lt;b&gt;)</title>" in svg and "s_lead" not in svg


@needs_renderer
def test_rendered_svg_is_well_formed_inert_and_says_things_in_words(make_workspace) -> None:
    ws = _load(make_workspace(_hostile()))
    journey = ws.journeys[0]
    raw, error = render(dot_source(ws, journey), "pygraphviz")
    assert error is None and raw is not None
    files = emit(ws, EmitOptions(svgs={"deals": raw}))
    svg = files[PurePosixPath("diagrams/deals.svg")]
    root = ET.fromstring(svg)
    assert b"<script" not in svg and b"Generated by graphviz" not in svg and b"<!--" not in svg
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script>" in texts                      # shown as text, never markup
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    internal = re.compile(r"cluster_\d+|[sx]_\w+|x[0-9a-f]+|\w+->\w+|g\d+t\d+|lane_\d+|start_\w+")
    assert titles[0].startswith("Evil") and not [t for t in titles if internal.fullmatch(t)]
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    page = "../docs/html/journeys/deals.html#stage-"
    assert sorted(map(str, links)) == [page + "demo", page + "lead", page + "lost", "None"]  # the hex id: no link
    bands = [g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "cluster"]
    assert bands == ["lane-1", "lane-2"]


def test_same_input_same_bytes(make_workspace) -> None:
    root = make_workspace(_journey(), _journey("other"))
    assert emit(_load(root), EmitOptions()) == emit(_load(root), EmitOptions())


def test_a_journey_id_never_becomes_a_path_outside_the_output(make_workspace) -> None:
    from journeyc.errors import JourneycError

    root = make_workspace(_journey())
    path = root / "journeys" / "deals.yaml"
    path.write_text(path.read_text().replace("id: deals", "id: ../../escape"))
    with pytest.raises(JourneycError, match="not a valid id"):
        emit(_load(root), EmitOptions())
