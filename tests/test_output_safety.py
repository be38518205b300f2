"""Output safety: text from YAML reaches every output inert (one test per row of docs/output-safety.md).

One hostile workspace, whose every free-text field carries quotes, backslashes, newlines, markup, `]]>`,
workflow-command and formula syntax, Mermaid and Markdown syntax, bidi overrides, ANSI escapes and C0/C1
controls, checks clean, builds, and is diffed; each output is then parsed by what reads it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from click.testing import CliRunner, Result

from journeyc.build import svg as svgs
from journeyc.cli import main
from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.emitters import csv_stages
from journeyc.emitters.mermaid import text as mermaid_text
from journeyc.emitters.svgtext import inline_svg
from journeyc.formatters import FORMATTERS, Report
from journeyc.formatters.text import printable

PAYLOADS = {
    "quotes": "\"double\" 'single'",
    "backslash": "back\\slash \\N \\\\",
    "newlines": "line\nbreak\r\ncrlf\rcr\ttab",
    "script": "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "cdata": "]]> <![CDATA[c]]> <!-- c -->",
    "annotation": "%0A::error::forged %25 %",
    "formula": "=cmd|' /C calc'!A0",
    "mermaid": '" [ ] { } ( ) | ; --> %% ` ``` #35; end',
    "markdown": "[l](javascript:alert(1)) [t](https://evil.test/) <https://evil.test/a> *em* _u_ # h $m$ ~~s~~",
    "jinja": "{{ 7*7 }} {% raw %}",
    "bidi": "\u202eevil\u202c \u2066iso\u2069",
    "ansi": "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J",
    "controls": "nul\x00 soh\x01 del\x7f",
    "entity": "&amp; &lt;",
}
EVIL = " ".join(PAYLOADS.values())
#: labels are CRM values (at most 255 characters): every payload, shorter
LABEL = ('"q" \'s \\ \\N a\nb\r\nc <script>x</script> ]]> %0A::e:: =cmd|\' /C calc\'!A0 [ ] { } ( ) ; --> %% `'
         ' #35; \u202eR\u2066 \x1b[31mE \x9b \x00\x01\x7f {{ 7*7 }} &amp; $m$ *e*')
PIPELINE = '@P "<s>\n]]>\x1b[31m\u202e\x00=cmd|;%%` --> {}[]'   # a Salesforce process name: at most 80
T1, T2 = "=" + LABEL, "+" + LABEL
JOURNEY_FILE = "journeys/evil <b>|`\u202e\x1b[31m.yaml"

#: never raw in a document meant for people (docs, diagrams, CSV) or a terminal
RAW_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def hostile_workspace(root: Path) -> Path:
    def dump(rel: str, data: dict[str, Any]) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    dump("journeyc.yaml", {"apiVersion": "journeyc/v1", "kind": "Config"})
    dump("teams.yaml", {"apiVersion": "journeyc/v1", "kind": "Teams", "teams": [
        {"id": "sales", "name": "=" + LABEL, "function": "sales", "contact": "@" + EVIL},
        {"id": "cs", "name": "-" + LABEL, "function": "customer-success"}]})
    dump("vocabulary.yaml", {"apiVersion": "journeyc/v1", "kind": "Vocabulary", "terms": [
        {"term": T1, "definition": EVIL, "owner": "sales", "aliases": ["A " + LABEL],
         "avoid": ["zzavoid <b>\u202e"], "see_also": [T2]},
        {"term": T2, "definition": "\t" + EVIL, "owner": "cs"},
        {"term": "Won", "definition": "Signed.", "owner": "sales"},
        {"term": "Lost", "definition": "Gone.", "owner": "sales"}]})
    dump(JOURNEY_FILE, {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "hostile", "name": "-" + EVIL, "owner": "sales",
        "description": EVIL + "\n\n# not a heading\n- not a list\n```\n| a | b |", "x-note": EVIL,
        "signals": [{"id": "go", "description": EVIL, "source": EVIL}, {"id": "stop"}, {"id": "sign"}],
        "pipelines": [{"id": "deals", "name": PIPELINE, "object": "deal"}],
        "stages": [
            {"id": "one", "term": T1, "owner": "sales", "description": "@" + EVIL, "sla_days": 3,
             "probability": 10, "risk": "high", "actions": ["=" + EVIL, "- not a list\n| a | b |"],
             "content": ["+" + EVIL, "\rCR"], "pipeline": "deals",
             "exits": [{"to": "two", "when": "go"}, {"to": "lost", "when": "stop"}]},
            {"id": "two", "term": T2, "owner": "cs", "description": EVIL, "sla_days": 4, "probability": 50,
             "pipeline": "deals", "exits": [{"to": "won", "when": "sign"}, {"to": "lost", "when": "stop"}]},
            {"id": "won", "term": "Won", "owner": "cs", "outcome": "won", "terminal": True, "pipeline": "deals"},
            {"id": "lost", "term": "Lost", "owner": "cs", "outcome": "lost", "terminal": True, "pipeline": "deals"},
        ]})
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile workspace (`ws`), checked clean, built into `out` (with SVG when a renderer is here)."""
    base = tmp_path_factory.mktemp("hostile")
    root = hostile_workspace(base / "ws")
    checked = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert checked.exit_code == 0, checked.output
    built = CliRunner().invoke(main, ["build", str(root), "--out", str(base / "out")])
    assert built.exit_code == 0, built.output
    return base


def read(site: Path, rel: str) -> str:
    return (site / "out" / rel).read_bytes().decode("utf-8")   # strict: every output is valid UTF-8


def no_raw_unsafe(text: str, where: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in RAW_UNSAFE.findall(text)})
    assert not found, f"{where}: raw {found}"


# --- DOT and SVG --------------------------------------------------------------------------------


def test_dot_parses_and_shows_the_text_as_text(site: Path) -> None:
    pygraphviz = pytest.importorskip("pygraphviz")
    dot = read(site, "diagrams/hostile.dot")
    no_raw_unsafe(dot, "dot")
    graph = pygraphviz.AGraph(string=dot)   # a syntax error, or a Graphviz warning (filterwarnings=error), fails
    stages = sorted(n for n in graph.nodes() if n.startswith("s_"))
    assert stages == ["s_lost", "s_one", "s_two", "s_won"]
    visible = [e for e in graph.edges() if e.attr["style"] != "invis"]
    assert len(visible) == 9                   # the start, and each of the 4 exits in two halves (its label between)
    one = graph.get_node("s_one")
    label = one.attr["label"]
    assert "&lt;script&gt;x&lt;/script&gt;" in label and "]]&gt;" in label and "&quot;q&quot;" in label
    assert "<script" not in label and "\n" not in label
    tooltip = one.attr["tooltip"]
    assert "<script>alert(1)</script>" in tooltip             # a quoted string: text, not markup
    assert "\\" not in tooltip and "back\u29f5slash \u29f5N" in tooltip   # no \N, \G... expansions
    title = '<TR><TD ALIGN="LEFT" COLSPAN="8"><FONT POINT-SIZE="16"><B>-&quot;double&quot; &#x27;single&#x27;'
    assert title in graph.graph_attr["label"]


def test_svg_is_well_formed_and_inert(site: Path) -> None:
    if svgs.renderer() is None:
        pytest.skip("no SVG renderer (pygraphviz or dot) installed")
    from lxml import etree

    svg = (site / "out" / "diagrams" / "hostile.svg").read_bytes()
    root = etree.fromstring(svg)
    no_raw_unsafe(svg.decode("utf-8"), "svg")
    assert not root.xpath("//*[local-name()='script' or local-name()='foreignObject']")
    attributes = [(a, v) for e in root.iter() for a, v in e.attrib.items()]
    assert not [a for a, _ in attributes if etree.QName(a).localname.startswith("on")]
    links = [v for a, v in attributes if etree.QName(a).localname == "href"]   # a stage's row in its page only
    assert links and all(re.fullmatch(r"\.\./docs/html/journeys/hostile\.html#stage-[a-z0-9-]+", v) for v in links)
    assert "<script>x</script>" in " ".join(root.itertext())


# --- Mermaid -------------------------------------------------------------------------------------

MERMAID_LINE = re.compile(
    r'^(flowchart (LR|TB)'
    r'|  subgraph lane_\w+\["[^"]*"\]'
    r'|    (s_\w+|x_[0-9a-f]+)(\["[^"]*"\]|\(\["[^"]*"\]\))'
    r'|  end'
    r'|  (s_\w+|x_[0-9a-f]+) (-->|==>|-\.->)(\|"[^"|]*"\|)? (s_\w+|x_[0-9a-f]+)'
    r'|  (classDef|class|style|linkStyle) [\w,]+ [\w:#,. -]+)$')


def mermaid_ok(chart: str) -> None:
    """Every line is a statement journeyc writes; labels hold no Mermaid, HTML or Markdown syntax."""
    no_raw_unsafe(chart, "mermaid")
    for line in chart.splitlines():
        assert MERMAID_LINE.match(line), line
        for label in re.findall(r'"([^"]*)"', line):
            body = re.sub(r"<br/><small>[^<]*</small>$", "", label)   # SLA, probability, risk: journeyc's own
            assert not set(body) & set('"<>[]{}()|`%\\'), label   # entities only: #60; #124; ...


def test_mermaid_labels_stay_inside_their_quotes(site: Path) -> None:
    chart = read(site, "diagrams/hostile.mmd")
    mermaid_ok(chart)
    assert "#60;script#62;" in chart and "#35;35#59;" in chart   # a literal `#35;` from YAML stays literal
    assert "%%" not in chart and "`" not in chart
    assert mermaid_text("a\nb\r\nc") == "a b c"


# --- HTML ----------------------------------------------------------------------------------------

SAFE_HREF = re.compile(r"^((\.\./)*[A-Za-z0-9][A-Za-z0-9/._-]*)?(#[a-z0-9-]+)?$")
FORBIDDEN_TAGS = {"img", "iframe", "object", "embed", "form", "base", "style", "foreignobject", "svg:script"}
#: the only scripts a page loads: the site's own two files, from beside it (no inline script, no CDN)
OWN_SCRIPTS = re.compile(r"^(\.\./)?(search-index|site)\.js$")


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("page", ["docs/html/index.html", "docs/html/glossary.html",
                                  "docs/html/journeys/hostile.html"])
def test_html_pages_are_inert(site: Path, page: str) -> None:
    source = read(site, page)
    no_raw_unsafe(source, page)
    parsed = Page(source)
    assert not {t for t, _ in parsed.tags} & FORBIDDEN_TAGS
    scripts = [a.get("src") or "" for t, a in parsed.tags if t == "script"]
    assert len(scripts) == 2 and all(OWN_SCRIPTS.match(src) for src in scripts), scripts
    assert re.findall(r"<script[^>]*>(.*?)</script>", source, re.S) == ["", ""]          # nothing inline
    inputs = [a for t, a in parsed.tags if t == "input"]                              # the search box, ours
    assert inputs == [{"id": "q", "type": "search", "placeholder": "Search…", "autocomplete": "off",
                       "spellcheck": "false", "aria-controls": "results"}]
    attrs = [(t, k, v or "") for t, a in parsed.tags for k, v in a.items()]
    assert not [k for _, k, _ in attrs if k.startswith("on")]
    for tag, name, value in attrs:   # a title may hold the text `javascript:`; a URL never comes from YAML
        if name in ("href", "xlink:href", "action", "formaction", "data", "poster", "srcset"):
            assert name in ("href", "xlink:href") and SAFE_HREF.match(value), value
        if name == "src":
            assert tag == "script" and OWN_SCRIPTS.match(value), value
    shown = "".join(parsed.text)
    assert "<script>x</script>" in shown and "{{ 7*7 }}" in shown   # shown as text, never run or rendered
    assert "default-src 'none'; script-src 'self';" in source          # and the CSP allows no other script


def test_html_journey_page_inlines_only_an_inert_svg(site: Path) -> None:
    if svgs.renderer() is None:
        pytest.skip("no SVG renderer (pygraphviz or dot) installed")
    page = read(site, "docs/html/journeys/hostile.html")
    assert "<svg" in page and "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert inline_svg(b'<svg><a xlink:href="javascript:x"><text>t</text></a></svg>') is None
    assert inline_svg(b'<svg><a xlink:href="../other.html#stage-one"><text>t</text></a></svg>') is None
    assert inline_svg(b'<svg onload="alert(1)"></svg>') is None
    ns = b'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    assert inline_svg(b'<svg ' + ns + b'><a xlink:href="#stage-one"><text>t</text></a></svg>') is not None


# --- Markdown (docs) -----------------------------------------------------------------------------


def tables_keep_their_columns(md: str) -> None:
    """Rows of one table have as many unescaped pipes as its header: no cell was split by YAML text."""
    width = None
    for line in md.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        pipes = len(re.findall(r"(?<!\\)\|", line))
        width = pipes if width is None else width
        assert pipes == width, line


#: what journeyc's own Markdown renders to (GitHub also allows these); anything else came from YAML
MARKDOWN_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "a", "strong", "em", "code", "pre", "br", "hr",
                 "table", "thead", "tbody", "tr", "th", "td", "blockquote", "details", "summary", "sub"}


def rendered_inert(md: str, where: str) -> Page:
    """Render like a Markdown viewer (CommonMark, tables, raw HTML kept): only journeyc's own markup."""
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(md)
    page = Page(html)
    assert {t for t, _ in page.tags} <= MARKDOWN_TAGS, (where, {t for t, _ in page.tags} - MARKDOWN_TAGS)
    for _, attrs in page.tags:
        assert set(attrs) <= {"href", "id", "class", "style"}, (where, attrs)
        assert SAFE_HREF.match(attrs.get("href") or ""), (where, attrs)   # no link from YAML text
        assert (attrs.get("style") or "text-align:right").startswith("text-align:"), (where, attrs)
    headings = [t for t, _ in page.tags if t in ("h1", "h2", "h3", "h4")]
    assert len(headings) == md.count("\n#") + md.startswith("#"), where       # every heading is one we wrote
    return page


@pytest.mark.parametrize("page", ["docs/index.md", "docs/glossary.md", "docs/journeys/hostile.md"])
def test_markdown_docs_are_inert(site: Path, page: str) -> None:
    md = read(site, page)
    no_raw_unsafe(md, page)
    tables_keep_their_columns(md)
    shown = "".join(rendered_inert(md, page).text)
    assert "<script>" in shown and "not a list" not in shown.replace("- not a list", "")
    assert "<script" not in md and "<img" not in md and "<b>" not in md and "<!--" not in md
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    for line in md.splitlines():
        assert not re.match(r"^\s*(- not a list|#+ not a heading|\| a \||~~~)", line), line
    assert "\\$m\\$" in md or "$m$" not in md                        # no GitHub math from YAML
    fences = [line for line in md.splitlines() if line.startswith("```")]
    assert fences in ([], ["```mermaid", "```"])                       # backticks never close the fence
    if fences:
        mermaid_ok(md.split("```mermaid\n", 1)[1].split("```", 1)[0])


# --- XML, YAML and JSON (CRM files, the model) ------------------------------------------------------

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}


def as_xml(text: str) -> str:
    """What XML 1.0 can carry of `text`: illegal characters dropped, line ends as a parser reports them."""
    return XML_ILLEGAL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def test_salesforce_xml_is_well_formed_valid_and_round_trips(site: Path, specs: Path) -> None:
    from lxml import etree

    xsd = etree.XMLSchema(etree.parse(str(specs / "salesforce-metadata-subset-v47.xsd")))
    files = sorted((site / "out" / "crm" / "salesforce").rglob("*.xml"))
    assert len(files) == 7   # value set, process, record type, Path, Path settings, two manifests
    docs = {f.name: etree.fromstring(f.read_bytes()) for f in files}   # parsing is the well-formedness test
    for name, root in docs.items():
        if etree.QName(root).localname in ("StandardValueSet", "BusinessProcess", "PathAssistant"):
            assert xsd.validate(root), f"{name}: {xsd.error_log}"   # Package, RecordType: test_salesforce.py
    values = docs["OpportunityStage.standardValueSet-meta.xml"]
    labels = [e.text for e in values.xpath("m:standardValue/m:label", namespaces=NS)]
    assert [as_xml(label) for label in (T1, T2)] == [label.replace("\r", "\n") for label in labels[:2]]
    raw = b"".join(f.read_bytes() for f in files)
    assert b"<script" not in raw and b"<![CDATA[" not in raw and b"]]>" not in raw
    guidance = docs["Opportunity_Hostile_Deals.pathAssistant-meta.xml"].xpath(
        "m:pathAssistantSteps/m:info", namespaces=NS)[0].text
    parsed = Page(guidance)                                 # the guidance is rich text: HTML, escaped
    assert {t for t, _ in parsed.tags} <= {"p", "b", "ul", "li"}
    assert "<script>alert(1)</script>" in "".join(parsed.text)


def test_cumulusci_yaml_round_trips(site: Path) -> None:
    data = yaml.safe_load(read(site, "crm/salesforce/cumulusci-entries.yml"))
    entries = data["tasks"]["journeyc_opportunity_stages"]["options"]["entries"]
    assert [e["label"] for e in entries[:2]] == [T1, T2]


def test_json_outputs_round_trip_and_validate(site: Path, specs: Path) -> None:
    import jsonschema

    model = json.loads(read(site, "journeys.json"))
    (journey,) = model["journeys"]
    assert journey["name"] == "-" + EVIL and journey["extensions"]["x-note"] == EVIL
    assert journey["stages"][0]["actions"] == ["=" + EVIL, "- not a list\n| a | b |"]
    assert journey["location"]["file"] == JOURNEY_FILE
    assert {t["name"] for t in model["teams"]} == {"=" + LABEL, "-" + LABEL}
    hubspot = json.loads(read(site, "crm/hubspot/hostile--deals.json"))
    assert hubspot["label"] == PIPELINE and [s["label"] for s in hubspot["stages"][:2]] == [T1, T2]
    schema = json.loads((specs / "hubspot-pipeline-input.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(hubspot, schema, cls=jsonschema.Draft202012Validator)
    pipedrive = json.loads(read(site, "crm/pipedrive/hostile--deals.json"))
    assert pipedrive["pipeline"]["name"] == PIPELINE and [s["name"] for s in pipedrive["stages"]] == [T1, T2]
    schema = json.loads((specs / "pipedrive-stage.schema.json").read_text(encoding="utf-8"))
    for stage in pipedrive["stages"]:
        jsonschema.validate(stage, schema, cls=jsonschema.Draft202012Validator)


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_cells_never_start_a_formula(site: Path) -> None:
    text = read(site, "crm/stages.csv")
    no_raw_unsafe(text, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["stage"] for r in rows] == ["one", "two", "won", "lost"]   # newlines stayed inside their cells
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)
    one = rows[0]
    assert one["label"].startswith("'=") and "=cmd|' /C calc'!A0" in one["label"]
    assert one["owner_team"].startswith("'=") and rows[1]["owner_team"].startswith("'-")
    assert one["pipeline_name"].startswith("'@") and one["journey_name"].startswith("'-")
    assert one["description"].startswith("'@") and "\ufffd" in one["description"]   # controls shown as U+FFFD
    assert csv_stages.safe_cell("\uff1dcmd") == "'\uff1dcmd" and csv_stages.safe_cell("a\x00b") == "a\ufffdb"


# --- check: text, GitHub annotations, JSON, SARIF (and what pre-commit shows) --------------------------

BAD_FILE = "journeys/bad \x1b[31m\u202e\n<b>|,:%0A.yaml"
ANNOTATION = re.compile(   # ../shared/specs/github-annotations.md, verbatim
    r"^::(error|warning|notice)( (file|line|endLine|col|endColumn|title)=[^,:\r\n]*"
    r"(,(file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*)?::[^\r\n]*$")
HOSTILE_DIAG = Diagnostic("JC201", Severity.ERROR, "raw " + EVIL, Position(BAD_FILE, Span(2, 3, 2, 9)),
                          "hint " + EVIL)


@pytest.fixture(scope="module")
def failing(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile workspace plus a file with a hostile name and errors (an unknown owner, an avoided word)."""
    root = tmp_path_factory.mktemp("failing") / "ws"
    shutil.copytree(site / "ws", root)
    (root / BAD_FILE).write_text(yaml.safe_dump({
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "bad", "name": "Bad", "owner": "sales",
        "description": "uses zzavoid <b>\u202e here", "signals": [{"id": "sign"}],
        "stages": [{"id": "won", "term": "Won", "owner": "ghost \x1b[31m", "outcome": "won", "terminal": True}],
    }), encoding="utf-8")
    return root


def check_output(root: Path, fmt: str, *args: str) -> Result:
    result = CliRunner().invoke(main, ["check", *args, "--format", fmt], env={"GITHUB_ACTIONS": None})
    assert result.exit_code == 1, result.output
    return result


def test_check_text_is_one_printable_line_per_diagnostic(failing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(failing)
    for args in ((), (BAD_FILE,)):   # the whole workspace, and the file alone as pre-commit passes it
        out = check_output(failing, "text", *args).stdout
        no_raw_unsafe(out.replace("\n", ""), "text")
        lines = out.splitlines()
        assert lines[-1].startswith("Found ") and len(lines) >= 3   # an invalid owner is one JC004, not also a JC102
        for line in lines[:-1]:
            assert re.match(r"^.+\.yaml:\d+:\d+: JC\d{3} (error|warning|info): ", line), line
        assert any(line.startswith("journeys/bad \\x1b[31m\\u202e\\n<b>|,:%0A.yaml:") for line in lines)
    coloured = FORMATTERS["text"](Report([HOSTILE_DIAG], 1, color=True))
    ours = re.sub(r"\x1b\[(0|1|2|31|33|36)m", "", coloured)   # journeyc's own colours, nothing else
    no_raw_unsafe(ours.replace("\n", ""), "coloured text")
    assert coloured.count("\n") == 2


def test_check_github_annotations_match_the_spec(failing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(failing)
    out = check_output(failing, "github").stdout
    synthetic = FORMATTERS["github"](Report([HOSTILE_DIAG], 1))
    for line in (out + synthetic).splitlines():
        assert ANNOTATION.match(line), line
        no_raw_unsafe(line, "annotation")
    assert "file=journeys/bad \\x1b[31m\\u202e%0A<b>|%2C%3A%250A.yaml," in out
    message = synthetic.splitlines()[0].split("::", 2)[2]
    assert "%250A::error::forged %2525 %25" in message     # a literal %0A stays literal; `::` stays in the message
    assert "line%0Abreak%0D%0Acrlf%0Dcr\\ttab" in message    # real line breaks: the toolkit's escapes


def test_check_json_and_sarif_round_trip_and_validate(failing: Path, specs: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonschema import Draft4Validator

    monkeypatch.chdir(failing)
    data = json.loads(check_output(failing, "json").stdout)
    assert BAD_FILE in {d["file"] for d in data["diagnostics"]}
    log = json.loads(check_output(failing, "sarif").stdout)
    schema = json.loads((specs / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(Draft4Validator(schema).iter_errors(log))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    for uri in uris:
        assert re.match(r"^[A-Za-z0-9%/._~-]+$", uri), uri        # percent-encoded: no raw control or space
    assert BAD_FILE in {unquote(u) for u in uris}
    synthetic = json.loads(FORMATTERS["sarif"](Report([HOSTILE_DIAG], 1)))
    assert synthetic["runs"][0]["results"][0]["message"]["text"] == f"raw {EVIL} [hint {EVIL}]"
    assert json.loads(FORMATTERS["json"](Report([HOSTILE_DIAG], 1)))["diagnostics"][0]["message"] == "raw " + EVIL


# --- diff ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diffs(site: Path) -> Iterator[dict[str, str]]:
    head = site / "head"
    shutil.copytree(site / "ws", head, dirs_exist_ok=True)
    journey = head / JOURNEY_FILE
    data = yaml.safe_load(journey.read_text(encoding="utf-8"))
    data["stages"][0]["owner"], data["stages"][0]["description"] = "cs", "new \x1b[2J\u202e\x9b1m <b>" + EVIL
    data["stages"][1]["sla_days"] = 9
    data["signals"].append({"id": "new", "description": EVIL})
    journey.write_text(yaml.safe_dump(data), encoding="utf-8")
    cwd = Path.cwd()
    try:
        os.chdir(site)   # module scope: monkeypatch.chdir is per test
        yield {fmt: CliRunner().invoke(main, ["diff", "ws", "head", "--format", fmt]).stdout
               for fmt in ("text", "markdown", "json")}
    finally:
        os.chdir(cwd)


def test_diff_text_is_printable(diffs: dict[str, str]) -> None:
    text = diffs["text"]
    no_raw_unsafe(text.replace("\n", ""), "diff text")
    assert "\\u202e" in text and ("\\x1b" in text or "\\u001b" in text) and "\r" not in text


def test_diff_markdown_is_inert(diffs: dict[str, str]) -> None:
    md = diffs["markdown"]
    no_raw_unsafe(md, "diff markdown")
    tables_keep_their_columns(md)
    shown = "".join(rendered_inert(md, "diff").text)
    assert "<script>alert(1)</script>" in shown and "\x1b" not in shown
    fences = [line for line in md.splitlines() if line.startswith("```")]
    assert fences == ["```mermaid", "```"]
    mermaid_ok(md.split("```mermaid\n", 1)[1].split("```", 1)[0])


def test_diff_json_round_trips(diffs: dict[str, str]) -> None:
    (journey,) = json.loads(diffs["json"])["journeys"]
    change = journey["stages"]["changed"][0]["changes"]["description"]
    assert change == {"from": "@" + EVIL, "to": "new \x1b[2J\u202e\x9b1m <b>" + EVIL}


# --- the command line's own messages ------------------------------------------------------------------


def test_cli_messages_are_printable(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "ws"
    shutil.copytree(site / "ws", root)
    cfg = root / "journeyc.yaml"
    cfg.write_text(yaml.safe_dump({"apiVersion": "journeyc/v1", "kind": "Config",
                                   "build": {"out": "out \x1b[2J\u202e", "targets": ["csv"]}}), encoding="utf-8")
    wrote = CliRunner().invoke(main, ["build", "ws"])
    assert (wrote.exit_code, wrote.stdout) == (0, "wrote 1 file to ws/out \\x1b[2J\\u202e\n")
    out_dir = root / "out \x1b[2J\u202e"
    (out_dir / "stray \x1b]0;x\x07.md").write_bytes(b"")
    stale = CliRunner().invoke(main, ["build", "ws", "--check"])   # what the journeyc-docs hook prints
    assert stale.exit_code == 1
    assert stale.stdout.splitlines()[0] == "extra: ws/out \\x1b[2J\\u202e/stray \\x1b]0;x\\x07.md"
    (tmp_path / "f \x1b[31m").write_bytes(b"")
    refused = CliRunner().invoke(main, ["build", "ws", "--out", "f \x1b[31m"])
    assert (refused.exit_code, refused.stderr) == (
        2, "journeyc: error: refusing to replace f \\x1b[31m: it is not a directory\n")
    monkeypatch.setattr(svgs, "renderer", lambda: "dot")
    monkeypatch.setattr(svgs, "render", lambda dot, engine: (None, "failed \x1b[31m\u202e\nline"))
    noted = CliRunner().invoke(main, ["build", "ws", "--out", "diag", "--target", "diagrams"])
    assert noted.exit_code == 0, noted.output
    assert "journeyc: note: SVG not rendered for journey hostile: failed \\x1b[31m\\u202e\\nline\n" in noted.stderr
    for result in (wrote, stale, refused, noted):
        no_raw_unsafe(result.output.replace("\n", ""), "cli")


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[31mred", "\\x1b[31mred"), ("\x9b2J", "\\x9b2J"), ("a\nb\r\tc", "a\\nb\\r\\tc"), ("\x00\x7f", "\\x00\\x7f"),
    ("\u202eabc\u2066", "\\u202eabc\\u2066"), ("\u200f\u061c\u2028", "\\u200f\\u061c\\u2028"), ("\ud800", "\\ud800"),
    ("plain ü ✓ 中", "plain ü ✓ 中"),
])
def test_printable_escapes_what_would_drive_a_terminal(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable("a\r\nb\x1b", keep_newlines=True) == "a\r\nb\\x1b"
