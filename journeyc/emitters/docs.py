"""The `docs` target: a Markdown handbook and a static HTML site, through the Jinja2 templates.

The HTML site stands alone (publish `docs/html/` only): its pages, stylesheet,
script and search index, and each journey's diagram as SVG, DOT and Mermaid
under `docs/html/diagrams/`. Pages: the overview, one per journey, one per
team, the glossary. The views come from `docsviews` and `docspages`; this
module renders and names the files.

Other analyses add to a journey page through `JourneyExtras` (figures shown
after the diagram, and pages listed in the sidebar): `extras()` is where they
plug in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from journeyc.crm.pipelines import file_stem
from journeyc.emitters import Deferred, EmitOptions, Files, Split, docsfunnel, mermaid
from journeyc.emitters.docspages import Extras, extras, journey_page, site, team_page
from journeyc.emitters.docssearch import search_index
from journeyc.emitters.render import View, environment
from journeyc.emitters.svgtext import finish
from journeyc.emitters.swimlane import dot_source
from journeyc.errors import JourneycError
from journeyc.workspace.model import Journey, Workspace

__all__ = ["Extras", "emit", "extras", "per_journey"]

#: the stylesheet takes the palette's colours; the script is copied as it is
STYLE, SCRIPT = "style.css", "site.js"


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    return per_journey(workspace, options).all(workspace.journeys)


def per_journey(workspace: Workspace, options: EmitOptions) -> Split:
    """The site's own pages (overview, glossary, teams, search index, style) and each journey's pages."""
    site_ = _Site(workspace, options)
    return Split(site_.shared, site_.journey)


class _Site:
    """What every page shares, computed once, and the rendering of each file through the templates."""

    def __init__(self, workspace: Workspace, options: EmitOptions) -> None:
        self.workspace, self.options = workspace, options
        self.env = environment(options.templates)
        self.journeys = sorted(workspace.journeys, key=lambda j: j.id)
        self.site = site(workspace, self.journeys, options)
        self.added = extras(workspace, self.journeys, options)

    def page(self, template: str, **context: Any) -> bytes:
        from jinja2 import TemplateError, TemplateSyntaxError

        try:
            return _encoded(self.env.get_template(template).generate(**self.site, **context))
        except TemplateError as exc:  # a user's --templates file: say which one, not a traceback
            where = f" line {exc.lineno}" if isinstance(exc, TemplateSyntaxError) else ""
            raise JourneycError(f"template {template}{where}: {exc.message or type(exc).__name__}") from None

    def render(self, files: Files, path: str, template: str, **context: Any) -> None:
        files[PurePosixPath(path)] = self.page(template, **context)

    def shared(self) -> Deferred:
        """The site's own files, each made as it is read: several list every journey (megabytes each)."""
        page, P = self.page, PurePosixPath
        made: dict[PurePosixPath, Callable[[], bytes]] = {
            P("docs/index.md"): partial(page, "docs/index.md"),
            P("docs/glossary.md"): partial(page, "docs/glossary.md"),
            P("docs/html/index.html"): partial(page, "docs/html/index.html", root="", page="index"),
            P("docs/html/glossary.html"): partial(page, "docs/html/glossary.html", root="", page="glossary"),
            P(f"docs/html/{STYLE}"): partial(page, f"docs/html/{STYLE}"),
            P(f"docs/html/{SCRIPT}"): partial(_raw, self.env, f"docs/html/{SCRIPT}"),
            P("docs/html/search-index.js"): partial(search_index, self.workspace, self.journeys, self.site),
        }
        for team in self.site["teams"]:
            made[P(f"docs/html/teams/{file_stem(team['team'].id)}.html")] = partial(self.team, team)
        return Deferred(made)

    def team(self, team: View) -> bytes:
        tid = team["team"].id
        return self.page("docs/html/team.html", root="../", page=f"team:{tid}",
                         **team_page(self.workspace, self.journeys, team, self.site))

    def journey(self, journey: Journey) -> Files:
        files: Files = {}
        put = partial(self.render, files)
        workspace, options = self.workspace, self.options
        stem = file_stem(journey.id)
        svg = options.svgs.get(journey.id)
        view = journey_page(workspace, journey, self.site, svg, self.added.get(journey.id))
        put(f"docs/journeys/{stem}.md", "docs/journey.md", funnel=docsfunnel.markdown_section(journey, options),
            **view)
        put(f"docs/html/journeys/{stem}.html", "docs/html/journey.html", root="../", page=f"journey:{journey.id}",
            **view)
        files.update(_downloads(workspace, journey, stem, svg))
        if options.funnel is not None:
            put(f"docs/html/funnel/{stem}.html", "docs/html/funnel.html", root="../", page=f"journey:{journey.id}",
                **docsfunnel.page(workspace, journey, options))
        return files


#: characters of rendered text joined and encoded at a time
CHUNK = 1 << 16


def _encoded(pieces: Iterable[str]) -> bytes:
    """What `Template.render(...).encode()` makes, from `Template.generate`'s pieces a chunk at a time: a
    page listing 10,000 journeys is millions of small strings, which `render` holds all at once."""
    chunks: list[bytes] = []
    todo: list[str] = []
    size = 0
    for piece in pieces:
        todo.append(piece)
        size += len(piece)
        if size >= CHUNK:
            chunks.append("".join(todo).encode("utf-8"))
            todo.clear()
            size = 0
    chunks.append("".join(todo).encode("utf-8"))
    return b"".join(chunks)


def _raw(env: Any, name: str) -> bytes:
    """A template file as it is (the script: its braces are JavaScript, not Jinja)."""
    from jinja2 import TemplateNotFound

    try:
        return str(env.loader.get_source(env, name)[0]).encode("utf-8")
    except TemplateNotFound:
        raise JourneycError(f"template {name}: not found") from None


def _downloads(workspace: Workspace, journey: Journey, stem: str, svg: bytes | None) -> Files:
    """The diagram's files inside the site, so that `docs/html/` works when it is published alone."""
    base = f"docs/html/diagrams/{stem}"
    out: Files = {
        PurePosixPath(f"{base}.dot"): dot_source(workspace, journey).encode("utf-8"),
        PurePosixPath(f"{base}.mmd"): mermaid.flowchart(workspace, journey).encode("utf-8"),
    }
    if svg is not None:
        out[PurePosixPath(f"{base}.svg")] = finish(svg, workspace, journey, f"../journeys/{stem}.html")
    return out
