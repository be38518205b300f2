"""The docs target: Markdown handbook and HTML site; content, links, escaping, overrides, determinism."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from journeyc.emitters import EmitOptions, Files, diagrams
from journeyc.emitters.docs import emit
from journeyc.engine import load_workspace
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace

EVIL = 'Evil "q" \'s <script>alert(1)</script> & {b} | p \\ ]]> \u202e `t` *s* [l](javascript:x) #h'
#: links that leave docs/ on purpose: files of other targets of the same build
OTHER_TARGETS = re.compile(r"^(crm/salesforce/README\.md|diagrams/[a-z0-9-]+\.(svg|dot|mmd))$")


def _journey(jid: str = "deals", **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": "Deals", "owner": "sales",
        "description": "From lead to signature.", "x-dashboard": "https://example.test/d",
        "signals": [{"id": "go", "description": "A demo is booked", "source": "CRM"}, {"id": "sign"}],
        "pipelines": [{"id": "deals", "name": "Deal pipeline", "object": "deal"}],
        "stages": [
            {"id": "lead", "term": "Lead", "owner": "marketing", "sla_days": 3, "pipeline": "deals",
             "exits": [{"to": "demo", "when": "go"}]},
            {"id": "demo", "term": "Demo", "owner": "sales", "sla_days": 5, "probability": 40, "risk": "high",
             "actions": ["Call within 24 hours"], "content": ["ROI calculator"], "pipeline": "deals",
             "exits": [{"to": "won", "when": "sign"}, {"to": "lost"}]},
            {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True,
             "pipeline": "deals"},
            {"id": "lost", "term": "Closed lost", "owner": "sales", "outcome": "lost", "terminal": True},
        ],
        **extra,
    }


def _hostile() -> dict[str, Any]:
    journey = _journey(name=EVIL, description=EVIL + "\n\n# not a heading", **{"x-note": EVIL})
    lead = journey["stages"][0]
    lead.update(term=EVIL, description=EVIL, actions=[EVIL, "- not a list\n| a | b |"],
                content=["<img src=x onerror=alert(1)>"])
    journey["signals"][0]["description"] = EVIL + "\nline two"
    return journey


def _load(root: Path) -> Workspace:
    return load_workspace(root).workspace


def _docs(root: Path, **options: Any) -> Files:
    return emit(_load(root), EmitOptions(**{"svg": False, **options}))


def _text(files: Files, path: str) -> str:
    return files[PurePosixPath(path)].decode("utf-8")


class _Page(HTMLParser):
    """Tags, attributes, ids and links of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}  # type: ignore[misc]


def test_example_matches_golden(example, golden) -> None:
    golden("docs", emit(example, EmitOptions(svg=False)))


def test_layout(make_workspace) -> None:
    files = _docs(make_workspace(_journey(), _journey("other")))
    assert sorted(map(str, files)) == [
        "docs/glossary.md", "docs/html/glossary.html", "docs/html/index.html", "docs/html/journeys/deals.html",
        "docs/html/journeys/other.html", "docs/html/style.css", "docs/index.md", "docs/journeys/deals.md",
        "docs/journeys/other.md"]


def test_journey_page_has_stages_exits_handoffs_playbook_and_diagram(make_workspace) -> None:
    md = _text(_docs(make_workspace(_journey())), "docs/journeys/deals.md")
    assert md.startswith("# Deals\n")
    assert ("| 2 | **Demo** (`demo`) | [Demo](../glossary.md#term-demo) | =SUM(A1:A2) | 5 days | 40 % "
            "| ⚠ high | open |") in md
    assert "| 3 | **Closed won** (`won`) |" in md and "| ✓ won |" in md
    assert "| Lead | Demo | `go`: A demo is booked | Marketing \"Growth\" &lt;b&gt; → =SUM(A1:A2) |" in md
    assert "| Demo | Closed lost | ⚠ no signal | — |" in md
    assert "- **Lead** (Marketing \"Growth\" &lt;b&gt;) → **Demo** (=SUM(A1:A2)) when `go`; SLA 3 days in Lead" in md
    assert "**Actions**\n\n- Call within 24 hours\n" in md and "**Content**\n\n- ROI calculator\n" in md
    assert "```mermaid\nflowchart LR\n" in md and "s_lead ==>|\"go\"| s_demo" in md
    assert "| Deal pipeline (`deals`) | deal | Lead → Demo → Closed won |" in md
    assert '| x-dashboard | "https://example.test/d" |' in md
    # every table row has as many cells as its header
    for table in re.findall(r"(?:^\|.*\|\n)+", md, re.M):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table


def test_glossary_and_index(make_workspace) -> None:
    root = make_workspace(_journey())
    vocabulary = root / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace(
        "- term: Lead\n", "- term: Lead\n  aliases: [Inbound lead]\n  avoid: [hot lead]\n  see_also: [Demo]\n"))
    files = _docs(root)
    glossary = _text(files, "docs/glossary.md")
    assert "4 terms." in glossary
    start = glossary.index('<a id="term-lead"></a>')
    lead = glossary[start:glossary.find("<a id=", start + 1)]
    assert "## Lead\n\nWhat Lead means.\n\n- **Owner:** =SUM(A1:A2)\n- **Aliases:** Inbound lead\n" in lead
    assert "- **Avoid:** hot lead\n- **See also:** [Demo](#term-demo)\n" in lead
    assert "- **Used in:** [Deals](journeys/deals.md) › Lead\n" in lead
    index = _text(files, "docs/index.md")
    assert "| [Deals](journeys/deals.md) | =SUM(A1:A2) | 4 | 1 | From lead to signature. |" in index
    assert "deactivates every Opportunity stage value it does not list" in index
    assert "[crm/salesforce/README.md](../crm/salesforce/README.md)" in index
    html = _text(files, "docs/html/index.html")
    assert 'href="../../crm/salesforce/README.md"' in html and "deactivates every Opportunity stage value" in html


def test_no_salesforce_warning_without_the_salesforce_target(make_workspace) -> None:
    files = _docs(make_workspace(_journey()), targets=("docs",))
    for page in ("docs/index.md", "docs/html/index.html"):
        assert "Salesforce" not in _text(files, page)


def test_every_link_resolves(make_workspace) -> None:
    files = _docs(make_workspace(_journey(), _journey("other")))
    pages = {str(p): _Page(b.decode()) for p, b in files.items() if p.suffix == ".html"}
    for name, page in pages.items():
        for _tag, attrs in page.tags:
            for key in ("href", "src"):
                link = attrs.get(key)
                if link is None:
                    continue
                assert not re.match(r"^[a-z]+:", link) and not link.startswith("//"), (name, link)  # no external
                path, _, anchor = link.partition("#")
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
                if OTHER_TARGETS.match(target):
                    continue
                assert target in map(str, files), (name, link)
                if anchor:
                    assert anchor in pages[target].ids, (name, link)
    for path, data in files.items():
        if path.suffix == ".md":
            for link in re.findall(r"\]\(([^)]+)\)", data.decode()):
                target, _, anchor = link.partition("#")
                resolved = posixpath.normpath(posixpath.join(str(path.parent), target)) if target else str(path)
                assert OTHER_TARGETS.match(resolved) or resolved in map(str, files), (path, link)
                if anchor:
                    assert f'<a id="{anchor}"></a>' in _text(files, resolved), (path, link)


def test_hostile_text_stays_inert_in_html(make_workspace) -> None:
    files = _docs(make_workspace(_hostile()))
    for path in ("docs/html/journeys/deals.html", "docs/html/glossary.html", "docs/html/index.html"):
        text = _text(files, path)
        page = _Page(text)
        assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "object")], path
        assert not [k for _, a in page.tags for k in a if k.startswith("on")], path
        assert "\u202e" not in text and "]]>" not in text.replace("]]&gt;", "")
    journey = _text(files, "docs/html/journeys/deals.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in journey
    assert "<script>alert(1)</script>" in "".join(_Page(journey).text)    # readable as text
    assert "Content-Security-Policy" in journey and "script-src 'none'" in journey


def test_hostile_text_stays_inert_in_markdown(make_workspace) -> None:
    md = _text(_docs(make_workspace(_hostile())), "docs/journeys/deals.md")
    assert "<script" not in md and "<img" not in md and "\u202e" not in md
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    assert "\n# not a heading" not in md and "\n- not a list" not in md
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 9                      # the pipes in the text are escaped
    assert "A demo is booked" not in md and "line two" in md


def test_templates_override_file_by_file(make_workspace, tmp_path) -> None:
    override = tmp_path / "templates" / "docs"
    override.mkdir(parents=True)
    (override / "index.md").write_text("Custom: {{ journeys | length }} journeys\n")
    files = _docs(make_workspace(_journey()), templates=tmp_path / "templates")
    assert _text(files, "docs/index.md") == "Custom: 1 journeys\n"
    assert _text(files, "docs/glossary.md").startswith("# Glossary")          # not overridden: the packaged one


def test_a_broken_template_is_a_clear_error(make_workspace, tmp_path) -> None:
    (tmp_path / "t" / "docs").mkdir(parents=True)
    (tmp_path / "t" / "docs" / "glossary.md").write_text("{{ no_such_thing }}\n")
    with pytest.raises(JourneycError, match=r"template docs/glossary\.md.*no_such_thing"):
        _docs(make_workspace(_journey()), templates=tmp_path / "t")


@pytest.mark.skipif(diagrams.renderer() is None, reason="no SVG renderer (pygraphviz or dot) installed")
def test_html_journey_page_inlines_the_svg(make_workspace) -> None:
    options = EmitOptions(jobs=1)
    page = _text(emit(_load(make_workspace(_hostile())), options), "docs/html/journeys/deals.html")
    assert '<figure class="diagram">\n<svg ' in page and "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert not [t for t, _ in _Page(page).tags if t == "script"]


def test_same_input_same_bytes(make_workspace) -> None:
    root = make_workspace(_journey(), _journey("other"))
    assert _docs(root) == _docs(root)


def test_without_a_renderer_the_page_shows_the_mermaid_source_and_one_notice(make_workspace, monkeypatch) -> None:
    monkeypatch.setattr(diagrams, "renderer", lambda: None)
    workspace, options = _load(make_workspace(_journey())), EmitOptions()
    diagrams.emit(workspace, options)
    page = _text(emit(workspace, options), "docs/html/journeys/deals.html")
    assert '<pre class="mermaid-source">flowchart LR\n' in page and "<svg" not in page
    assert 'href="../../../diagrams/deals.svg"' not in page                 # no link to an SVG that was not written
    assert options.notices == [diagrams.NO_RENDERER]                       # said once for the whole build
