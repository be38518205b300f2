"""The docs target: Markdown handbook and HTML site; content, links, escaping, overrides, determinism."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from journeyc.build.svg import render, renderer
from journeyc.emitters import EmitOptions, Files
from journeyc.emitters.docs import emit
from journeyc.emitters.swimlane import dot_source
from journeyc.engine import load_workspace
from journeyc.errors import JourneycError
from journeyc.workspace.model import Workspace

EVIL = 'Evil "q" \'s <script>alert(1)</script> & {b} | p \\ ]]> \u202e `t` *s* [l](javascript:x) #h'
#: links that leave docs/ on purpose: files of other targets of the same build
OTHER_TARGETS = re.compile(r"^(crm/salesforce/README\.md)$")


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
    return emit(_load(root), EmitOptions(**options))


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
    golden("docs", emit(example, EmitOptions()))


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_pages_encoded_a_chunk_at_a_time_are_the_same_bytes(example, golden, chunk: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered in pieces (a large page is never whole as text): chunks split anywhere between Jinja's
    strings, before and after characters of two to four UTF-8 bytes, change nothing."""
    from journeyc.emitters import docs

    monkeypatch.setattr(docs, "CHUNK", chunk)
    files = emit(example, EmitOptions())
    assert any(max(page) >= 0x80 for page in files.values())    # the example has non-ASCII text to cut around
    golden("docs", files)


def test_layout(make_workspace) -> None:
    files = _docs(make_workspace(_journey(), _journey("other")))
    assert sorted(map(str, files)) == [
        "docs/glossary.md", "docs/html/diagrams/deals.dot", "docs/html/diagrams/deals.mmd",
        "docs/html/diagrams/other.dot", "docs/html/diagrams/other.mmd", "docs/html/glossary.html",
        "docs/html/index.html", "docs/html/journeys/deals.html", "docs/html/journeys/other.html",
        "docs/html/search-index.js", "docs/html/site.js", "docs/html/style.css", "docs/html/teams/cs.html",
        "docs/html/teams/marketing.html", "docs/html/teams/sales.html", "docs/index.md", "docs/journeys/deals.md",
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
    assert len(pages) == 7                                    # overview, glossary, 2 journeys, 3 teams
    external = []
    for name, page in pages.items():
        for tag, attrs in page.tags:
            for key in ("href", "src"):
                link = attrs.get(key)
                if link is None:
                    continue
                if re.match(r"^[a-z]+:", link) or link.startswith("//"):  # only an x- value that is a URL
                    assert (tag, attrs.get("class"), attrs.get("rel")) == ("a", "ext", "nofollow noopener noreferrer")
                    external.append(link)
                    continue
                path, _, anchor = link.partition("#")
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
                if OTHER_TARGETS.match(target):
                    continue
                assert target in map(str, files), (name, link)
                if anchor:
                    assert anchor in pages[target].ids, (name, link)
    assert sorted(set(external)) == ["https://example.test/d"]
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
    for path in ("docs/html/journeys/deals.html", "docs/html/glossary.html", "docs/html/index.html",
                 "docs/html/teams/marketing.html"):
        text = _text(files, path)
        page = _Page(text)
        assert not [t for t, _ in page.tags if t in ("img", "iframe", "object")], path
        scripts = [a.get("src") for t, a in page.tags if t == "script"]  # the site's own two files, nothing inline
        assert [str(src).rsplit("/", 1)[-1] for src in scripts] == ["search-index.js", "site.js"], path
        assert re.findall(r"<script[^>]*>(.*?)</script>", text, re.S) == ["", ""], path
        assert not [k for _, a in page.tags for k in a if k.startswith("on")], path
        assert "\u202e" not in text and "]]>" not in text.replace("]]&gt;", "")
    journey = _text(files, "docs/html/journeys/deals.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in journey
    assert "<script>alert(1)</script>" in "".join(_Page(journey).text)    # readable as text
    assert "Content-Security-Policy" in journey and "default-src 'none'; script-src 'self';" in journey


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


@pytest.mark.skipif(renderer() != "pygraphviz", reason="needs journeyc[svg] (pygraphviz)")
def test_html_journey_page_inlines_the_svg_in_a_viewer_that_keeps_text_legible(make_workspace) -> None:
    from journeyc.emitters.svgtext import smallest_text_px

    ws = _load(make_workspace(_hostile()))
    raw, _ = render(dot_source(ws, ws.journeys[0]), "pygraphviz")
    files = emit(ws, EmitOptions(svgs={"deals": raw or b""}))
    page = _text(files, "docs/html/journeys/deals.html")
    figure = re.search(r'<figure class="viewer" data-min-zoom="([0-9.]+)"', page)
    assert figure and '<div class="viewport" tabindex="0">\n<svg ' in page and "<?xml" not in page
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    smallest = smallest_text_px(svg)
    assert smallest is not None and smallest >= 10 and smallest * float(figure.group(1)) >= 10   # never under 10 px
    assert not [t for t, a in _Page(page).tags if t == "script" and not a.get("src")]     # no inline script
    assert 'href="#stage-lead"' in svg                                    # a stage links to its row
    assert '<a href="../diagrams/deals.svg" download>SVG</a>' in page
    copy = _text(files, "docs/html/diagrams/deals.svg")
    assert 'href="../journeys/deals.html#stage-lead"' in copy


def test_same_input_same_bytes(make_workspace) -> None:
    root = make_workspace(_journey(), _journey("other"))
    assert _docs(root) == _docs(root)


def test_without_an_svg_the_page_shows_the_mermaid_source(make_workspace) -> None:
    page = _text(_docs(make_workspace(_journey())), "docs/html/journeys/deals.html")
    assert '<pre class="mermaid-source">flowchart LR\n' in page and "<svg" not in page
    assert 'href="../diagrams/deals.svg"' not in page                 # no link to an SVG that was not written
    assert 'href="../diagrams/deals.mmd" download' in page


def test_navigation_marks_the_current_page_and_every_page_is_two_clicks_from_home(make_workspace) -> None:
    files = _docs(make_workspace(_journey(), _journey("other")))
    journey = _text(files, "docs/html/journeys/deals.html")
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', journey)
    assert current == ["../journeys/deals.html"]
    sidebar = journey[journey.index('<nav id="nav"'):journey.index("</nav>")]
    assert re.findall(r'href="([^"#]+)"', sidebar) == [
        "../index.html", "../journeys/deals.html", "../journeys/other.html", "../teams/marketing.html",
        "../teams/sales.html", "../teams/cs.html", "../glossary.html"]
    toc = re.findall(r'<li><a href="#([a-z-]+)">', journey[journey.index('class="toc"'):])
    assert toc[:4] == ["diagram", "stages", "exits", "handoffs"] and "extensions" in toc


def test_search_index_holds_journeys_stages_signals_teams_and_terms(make_workspace) -> None:
    import json

    files = _docs(make_workspace(_hostile()))
    script = _text(files, "docs/html/search-index.js")
    assert script.startswith("/* journeyc search index: generated, do not edit */\nwindow.JOURNEYC_SEARCH = [")
    entries = json.loads(script.split(" = ", 1)[1].rstrip(";\n"))
    kinds = sorted({e["k"] for e in entries})
    assert kinds == ["journey", "signal", "stage", "team", "term"]
    lead = next(e for e in entries if e["k"] == "stage" and e["u"] == "journeys/deals.html#stage-lead")
    assert "<script>alert(1)</script>" in lead["t"] and "\u202e" not in lead["t"]   # text, shown with textContent
    assert "</" not in script and "\u202e" not in script                              # nothing a parser could end on
    teams = {e["u"] for e in entries if e["k"] == "team"}
    assert teams == {"teams/marketing.html", "teams/sales.html", "teams/cs.html"}


def test_team_page_lists_its_stages_handoffs_in_and_out_and_terms(make_workspace) -> None:
    files = _docs(make_workspace(_journey()))
    page = _Page(_text(files, "docs/html/teams/sales.html"))
    text = " ".join(" ".join(page.text).split())
    assert "Stages it owns Deals Demo · SLA 5 days ⚠ high risk Closed won ✓ won Closed lost ✗ lost" in text
    assert ("Handoffs in Journey From To When SLA before the handoff Deals Lead (Marketing \"Growth\" <b>) "
            "Demo (=SUM(A1:A2)) go 3 days in Lead") in text
    assert "Handoffs out None." in text and "Terms it owns Closed lost Closed won Demo Lead" in text


def test_glossary_sorts_as_people_do_with_an_index_and_a_filter(make_workspace) -> None:
    root = make_workspace(_journey())
    vocabulary = root / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace(
        "terms:\n", "terms:\n- term: Démo client\n  definition: x.\n  owner: sales\n"
                    "- term: disqualified\n  definition: y.\n  owner: marketing\n- term: 2nd call\n  definition: z.\n"
                    "- term: 10th call\n  definition: t.\n"))
    page = _text(_docs(root), "docs/html/glossary.html")
    order = re.findall(r'<dt><a class="anchor" href="#[^"]+">([^<]+)</a>', page)
    assert order == ["2nd call", "10th call", "Closed lost", "Closed won", "Demo", "Démo client", "disqualified",
                     "Lead"]
    assert re.findall(r'<a href="#letter-([a-z]+)">', page) == ["other", "c", "d", "l"]
    assert '<option value="sales">=SUM(A1:A2)</option>' in page and 'data-owner="marketing"' in page


def test_playbook_cards_show_risk_probability_and_extension_values(make_workspace) -> None:
    journey = _journey()
    journey["stages"][1]["x-runbook"] = "https://wiki.example.test/demo"
    journey["stages"][1]["x-owner-note"] = "ask <b>Dana</b>"
    page = _Page(_text(_docs(make_workspace(journey)), "docs/html/journeys/deals.html"))
    text = " ".join(" ".join(page.text).split())
    assert "2 Demo =SUM(A1:A2) · SLA 5 days · 40 % · ⚠ high risk" in text
    assert "x-owner-note ask <b>Dana</b>" in text
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("class") == "ext"]
    assert links == ["https://wiki.example.test/demo", "https://example.test/d"]


def test_the_sidebar_lists_the_journeys_around_the_page_so_the_site_grows_linearly(make_workspace) -> None:
    """Regression: every page listed every journey (1,000 journeys: 1,087 links a page, 105 MB of journey pages)."""
    from journeyc.emitters.docspages import NAV_JOURNEYS

    ids = [f"j{n:02d}" for n in range(NAV_JOURNEYS + 10)]
    files = _docs(make_workspace(*(_journey(jid) for jid in ids)))

    def listed(path: str) -> list[str]:
        text = _text(files, path)
        sidebar = text[text.index('<nav id="nav"'):text.index("</nav>")]
        return re.findall(r'href="(?:\.\./)?journeys/([a-z0-9]+)\.html"', sidebar) + \
            re.findall(r'<li class="more"><a href="(?:\.\./)?index\.html#journeys">(All \d+ journeys)</a>', sidebar)

    assert listed("docs/html/index.html") == ids[:NAV_JOURNEYS] + [f"All {len(ids)} journeys"]
    assert listed("docs/html/journeys/j30.html") == ids[5:5 + NAV_JOURNEYS] + [f"All {len(ids)} journeys"]
    assert listed("docs/html/journeys/j59.html") == ids[-NAV_JOURNEYS:] + [f"All {len(ids)} journeys"]
    assert listed("docs/html/journeys/j00.html") == ids[:NAV_JOURNEYS] + [f"All {len(ids)} journeys"]
    index = _text(files, "docs/html/index.html")
    assert all(f'href="journeys/{jid}.html"' in index[index.index('id="journeys"'):] for jid in ids)
