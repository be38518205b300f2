"""`build.funnel`: the stage history named in journeyc.yaml laid over the docs (issue 14, "Pictures and docs")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from funnelkit import GENERIC, WORKSPACE

from journeyc.build import BuildOptions, build
from journeyc.errors import JourneycError

HISTORY = GENERIC + "\n".join([
    "d1,deals,mql,2026-11-01,", "d1,deals,sql,2026-11-03,", "d1,deals,evaluation,2026-11-05,",
    "d2,deals,mql,2026-11-02,", "d2,deals,evaluation,2026-11-20,",
    "d3,deals,mql,2026-11-10,", "d3,deals,Old stage,2026-11-12,",
]) + "\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(WORKSPACE, root)
    (root / "data").mkdir()
    (root / "data" / "history.csv").write_text(HISTORY, encoding="utf-8")
    (root / "journeyc.yaml").write_text("apiVersion: journeyc/v1\nkind: Config\nbuild: {funnel: data/history.csv}\n",
                                        encoding="utf-8")
    return root


def _build(root: Path, out: Path, **options: object) -> dict[str, bytes]:
    result = build(root, BuildOptions(out=out, targets=("diagrams", "docs"), jobs=1, **options))  # type: ignore
    assert not result.refused, result.diagnostics
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_docs_get_a_funnel_page_and_the_overlay_per_journey(workspace: Path, tmp_path: Path) -> None:
    files = _build(workspace, tmp_path / "out", svg=False)
    page = files["docs/funnel/new-business.md"].decode()
    assert page.startswith("# Funnel: New business\n") and "as of 2026-11-20" in page   # the latest entry's day
    assert {"docs/funnel/new-business--deals.dot", "docs/funnel/new-business--deals.mmd",
            "docs/html/funnel/new-business.html", "docs/html/funnel/renewals.html"} <= set(files)
    journey = files["docs/journeys/new-business.md"].decode()
    assert "\n## Funnel\n" in journey and "(../funnel/new-business.md" in journey and "```mermaid\nflowchart" in journey
    html = files["docs/html/journeys/new-business.html"].decode()
    assert 'href="../funnel/new-business.html">Funnel</a>' in html
    funnel_html = files["docs/html/funnel/new-business.html"].decode()
    assert "Old stage" in funnel_html and "not in the map: add" in funnel_html
    assert "d1" not in funnel_html and "d2" not in page   # aggregates only: no record id leaves the build


def test_the_same_history_builds_the_same_bytes(workspace: Path, tmp_path: Path) -> None:
    assert _build(workspace, tmp_path / "a", svg=False) == _build(workspace, tmp_path / "b", svg=False)


def test_with_svg_the_overlay_is_a_figure_on_the_journey_page(workspace: Path, tmp_path: Path) -> None:
    from journeyc.build import svg

    if svg.renderer() is None:
        pytest.skip("no SVG renderer (the svg extra or Graphviz's dot)")
    html = _build(workspace, tmp_path / "out")["docs/html/journeys/new-business.html"].decode()
    assert '<section id="funnel-new-business--deals"' in html and "<h2 id=\"h-funnel-new-business--deals\">" in html


@pytest.mark.parametrize(("funnel", "message"), [
    ("../outside.csv", "must name a file inside the workspace"),
    ("data/missing.csv", "no such file: data/missing.csv"),
])
def test_a_history_outside_the_workspace_or_missing_is_refused(workspace: Path, tmp_path: Path, funnel: str,
                                                              message: str) -> None:
    (workspace / "journeyc.yaml").write_text(f"apiVersion: journeyc/v1\nkind: Config\nbuild: {{funnel: {funnel}}}\n",
                                             encoding="utf-8")
    with pytest.raises(JourneycError, match=message):
        build(workspace, BuildOptions(out=tmp_path / "out", targets=("docs",), svg=False))


def test_without_docs_the_history_is_not_read(workspace: Path, tmp_path: Path) -> None:
    (workspace / "data" / "history.csv").write_text("not a history at all\n", encoding="utf-8")
    result = build(workspace, BuildOptions(out=tmp_path / "out", targets=("csv",), svg=False))
    assert not result.refused and not (tmp_path / "out" / "docs").exists()
