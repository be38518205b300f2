"""The docs' funnel page and overlay diagrams (emitters/funnel.py), hostile labels, and `build.funnel` in Config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygraphviz
import pytest
import yaml
from funnelkit import AS_OF, WORKSPACE, Write
from test_funnel_cli import PLANTED

from journeyc.emitters import funnel as funnel_emitter
from journeyc.engine import load_workspace
from journeyc.funnel import overlay
from journeyc.funnel.run import Options, analyse
from journeyc.workspace.config import config_from
from journeyc.workspace.model import Workspace

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "funnel" / "emitter"
HOSTILE = 'Demo <script>alert("x")</script> & {braces} | pipe \\ back\'s `tick` [link](x) "quote"\nnext'


def test_pages_and_diagrams_match_their_golden_files(ws: Workspace, write: Write, update_golden: bool) -> None:
    result = analyse(ws, [write(PLANTED + "r,renewals,renewal,2026-01-01,\n")], Options(as_of=AS_OF))
    files = funnel_emitter.emit(ws, result)
    assert sorted(map(str, files)) == [
        "docs/funnel/new-business--deals.dot", "docs/funnel/new-business--deals.mmd", "docs/funnel/new-business.md",
        "docs/funnel/renewals.dot", "docs/funnel/renewals.md", "docs/funnel/renewals.mmd"]
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in files.items():
            (GOLDEN / rel.name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel.name).write_bytes(data)
    assert {rel.name: data for rel, data in files.items()} == {p.name: p.read_bytes() for p in GOLDEN.iterdir()}
    for rel, data in files.items():
        if rel.suffix == ".dot":
            assert pygraphviz.AGraph(string=data.decode()).number_of_nodes() > 0  # Graphviz reads it


def test_a_journey_without_history_gets_a_page_that_says_so(ws: Workspace, write: Write) -> None:
    result = analyse(ws, [write("r,deals,mql,2026-01-01,\n")], Options(as_of=AS_OF))
    files = funnel_emitter.emit(ws, result)
    assert files[Path("docs/funnel/renewals.md")] == (
        b"# Funnel: Renewals\n\nThe stage history as of 2026-12-01, laid over the map.\n\n"
        b"The history holds no record of this journey.\n")
    assert sorted(str(p) for p in files if "renewals" in str(p)) == ["docs/funnel/renewals.md"]


@pytest.fixture
def hostile_ws(tmp_path: Path) -> Workspace:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    vocabulary = yaml.safe_load((tmp_path / "ws" / "vocabulary.yaml").read_text(encoding="utf-8"))
    vocabulary["terms"][0]["term"] = HOSTILE
    (tmp_path / "ws" / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary), encoding="utf-8")
    journey = (tmp_path / "ws" / "journeys" / "new-business.yaml").read_text(encoding="utf-8")
    journey = journey.replace("term: MQL", f"term: {yaml.safe_dump(HOSTILE).strip().removesuffix('...').strip()}")
    (tmp_path / "ws" / "journeys" / "new-business.yaml").write_text(journey, encoding="utf-8")
    loaded = load_workspace(tmp_path / "ws")
    assert [d for d in loaded.diagnostics if d.severity.name == "ERROR"] == []
    return loaded.workspace


def test_hostile_labels_stay_inert_in_dot_mermaid_and_markdown(hostile_ws: Workspace, write: Write) -> None:
    result = analyse(hostile_ws, [write("r,deals,mql,2026-01-01,\nr,deals,sql,2026-01-02,\n")], Options(as_of=AS_OF))
    flow, journey = result.pipelines[0], next(j for j in hostile_ws.journeys if j.id == "new-business")
    assert flow.stages[0].label == HOSTILE
    dot = overlay.dot(journey, flow)
    graph = pygraphviz.AGraph(string=dot)
    assert graph.get_node("mql").attr["label"].startswith(' '.join(HOSTILE.split()).replace("\\", "\\\\"))
    assert sorted(graph.nodes()) == sorted(s.id for s in flow.stages)  # no node or edge injected
    mermaid = overlay.mermaid(journey, flow)
    label_line = next(line for line in mermaid.splitlines() if line.startswith("  s_6d716c["))
    inner = label_line.split('["', 1)[1].rsplit('"]', 1)[0].replace("<br/><small>", "").replace("</small>", "")
    assert not set(inner) & set('"<>|`[]{}\\\n')
    page = funnel_emitter.page(hostile_ws, result, journey)
    assert "<script>" not in page and "\\|" in page and "\\[link\\]" in page


def test_build_funnel_is_a_config_key() -> None:
    assert config_from({"build": {"funnel": "data/history.csv"}}).funnel == "data/history.csv"
    assert config_from({"build": {"funnel": 3}}).funnel is None
    assert config_from({}).funnel is None


def test_the_config_schema_accepts_build_funnel_and_refuses_a_number(tmp_path: Path) -> None:
    for value, errors in (("data/history.csv", 0), (3, 1)):
        (tmp_path / "journeyc.yaml").write_text(yaml.safe_dump(
            {"apiVersion": "journeyc/v1", "kind": "Config", "build": {"funnel": value}}))
        loaded = load_workspace(tmp_path)
        assert len([d for d in loaded.diagnostics if d.code == "JC004"]) == errors


def test_controls_and_bidi_marks_in_an_export_label_never_reach_a_document(ws: Workspace, write: Write) -> None:
    result = analyse(ws, [write("r,deals,mql,2026-01-01,\nr,deals,Old\x1b[31m\u202estage,2026-01-02,\n")],
                     Options(as_of=AS_OF))
    page = funnel_emitter.page(ws, result, next(j for j in ws.journeys if j.id == "new-business"))
    assert "CRM stages that match no stage of the journey: Old\ufffd\\[31m\ufffdstage (1 row)." in page
    assert "\x1b" not in page and "\u202e" not in page
