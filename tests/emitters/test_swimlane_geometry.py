"""Rendered swimlanes read back from their SVG: nothing collides, bands in order, time left to right, text legible.

Run on the bundled example and on generated journeys of 5, 25 and 60 stages
(and hostile names), rendered by Graphviz through the `svg` extra. The
geometry comes from the SVG itself (`svggeometry`): every text and band has a
position there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from generated import workspace, write
from svggeometry import parse, problems

from journeyc.build.svg import render, renderer
from journeyc.emitters.lanes import lanes
from journeyc.emitters.svgtext import finish, min_zoom, smallest_text_px
from journeyc.emitters.swimlane import dot_source, plan
from journeyc.emitters.swimparts import element_id
from journeyc.engine import check, load_workspace
from journeyc.workspace.model import Journey, Workspace

pytestmark = pytest.mark.skipif(renderer() != "pygraphviz", reason="needs journeyc[svg] (pygraphviz)")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme-saas"
SHAPES = {"5-stages": (5, 3, False), "25-stages": (25, 6, False), "60-stages": (60, 8, False),
          "25-hostile": (25, 6, True), "3-journeys": (12, 4, False)}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Workspace, Journey, str]]:
    """name -> (workspace, journey, its finished SVG), for the example and every generated shape."""
    roots = {"example": EXAMPLE}
    for name, (stages, teams, hostile) in SHAPES.items():
        count = 3 if name == "3-journeys" else 1
        roots[name] = write(tmp_path_factory.mktemp(name), workspace(stages, teams, hostile=hostile, journeys=count))
    out = {}
    for name, root in roots.items():
        errors = [d for d in check([root]).diagnostics if d.severity.label == "error"]
        assert errors == [], name                                    # the inputs are clean journeys
        ws = load_workspace(root).workspace
        for journey in ws.journeys:
            raw, error = render(dot_source(ws, journey), "pygraphviz")
            assert error is None and raw is not None, (name, error)
            out[f"{name}/{journey.id}"] = (ws, journey, finish(raw, ws, journey, "").decode("utf-8"))
    return out


def test_every_shape_is_rendered(rendered) -> None:
    assert sorted(rendered) == ["25-hostile/j1", "25-stages/j1", "3-journeys/j1", "3-journeys/j2", "3-journeys/j3",
                                "5-stages/j1", "60-stages/j1", "example/customer", "example/new-business"]


def test_no_label_overlaps_a_band_border_a_title_another_label_or_a_stage(rendered) -> None:
    found = {name: problems(parse(svg)) for name, (_, _, svg) in rendered.items()}
    assert found == {name: [] for name in rendered}


def test_every_text_is_measured(rendered) -> None:
    """The check above only means something if it sees the texts: every stage, label and title."""
    for name, (_, journey, svg) in rendered.items():
        diagram = parse(svg)
        owners = {t.owner for t in diagram.texts}
        assert {element_id(s.id) for s in journey.stages} <= owners, name
        assert sum(1 for o in owners if re.fullmatch(r"exit-\d+-label", o)) == sum(len(s.exits) for s in journey.stages)
        assert {f"lane-{i}-title" for i in range(1, len(lanes(journey)) + 1)} <= owners, name


def test_bands_span_the_diagram_in_the_order_the_journey_reaches_the_teams(rendered) -> None:
    for name, (_, journey, svg) in rendered.items():
        diagram = parse(svg)
        bands = sorted(diagram.lanes.items(), key=lambda item: item[1].y0)
        assert [b for b, _ in bands] == [f"lane-{i}" for i in range(1, len(lanes(journey)) + 1)], name
        assert len({(round(box.x0), round(box.x1)) for _, box in bands}) == 1, name       # all as wide
        for (_, upper), (_, lower) in zip(bands, bands[1:], strict=False):
            assert upper.y1 < lower.y0, name                                             # bands never overlap
        for index, (_, members) in enumerate(lanes(journey), 1):                        # every stage in its band
            for stage in members:
                node = diagram.nodes[element_id(stage.id)]
                assert diagram.lanes[f"lane-{index}"].contains(node), (name, stage.id)


def test_time_runs_left_to_right(rendered) -> None:
    """A stage in a later column is to the right of every stage of an earlier column, whatever its band."""
    for name, (_, journey, svg) in rendered.items():
        diagram = parse(svg)
        column = plan(journey).column
        x = {s.id: diagram.nodes[element_id(s.id)] for s in journey.stages}
        for a in journey.stages:
            for b in journey.stages:
                if column[a.id] < column[b.id]:
                    assert x[a.id].x0 < x[b.id].x0, (name, a.id, b.id)


def test_no_text_renders_under_10_css_pixels(rendered) -> None:
    for name, (_, _, svg) in rendered.items():
        smallest = smallest_text_px(svg)
        assert smallest is not None and smallest >= 12.0, name        # 9 pt at the SVG's own size
        assert smallest * min_zoom(svg) >= 10.0 > smallest * (min_zoom(svg) - 0.02), name   # the viewer's floor
    assert smallest_text_px('<svg width="200pt" height="10pt"\n viewBox="0.00 0.00 400.00 20.00"><g id="journey" '
                            'class="graph" transform="scale(1 1) rotate(0)"><text font-size="9.00">x</text></g>'
                            '</svg>') == pytest.approx(6.0)         # shown at half its size: 9 pt is 6 px


def test_a_stage_links_to_its_row_and_tooltips_name_stages_and_teams(rendered) -> None:
    ws, journey, svg = rendered["example/new-business"]
    assert sorted(re.findall(r'xlink:href="([^"]+)"', svg)) == sorted(f"#stage-{s.id}" for s in journey.stages)
    assert "<title>SQL (Sales Development): The SDR hands over" in svg
    assert "<title>MQL → SQL when sdr-accepted: handoff from Marketing to Sales Development</title>" in svg
    assert "<title>Sales Development: 2 stages</title>" in svg
    assert not re.search(r"<title>(cluster_|s_|x_|g\d+t)", svg)
