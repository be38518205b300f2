"""The `docs` target: a Markdown handbook and a static HTML site, through the Jinja2 templates.

One Environment per build (templates compile once); the views handed to the
templates are built here, so templates only lay out and escape. Markdown pages
embed the Mermaid diagram; HTML pages inline the SVG (when one can be rendered).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from journeyc.crm.pipelines import file_stem
from journeyc.emitters import EmitOptions, Files, mermaid
from journeyc.emitters.model_json import Locator
from journeyc.emitters.render import (
    FUNCTIONS,
    HANDOFF,
    ID_RE,
    LOST,
    PALETTE,
    RISK,
    WON,
    View,
    colours_of,
    environment,
    handoffs,
    is_handoff,
    slug,
    team_name,
)
from journeyc.errors import JourneycError
from journeyc.workspace.model import Journey, Stage, Term, Workspace

CRM_TARGETS = ("hubspot", "salesforce", "pipedrive", "csv")


def emit(workspace: Workspace, options: EmitOptions) -> Files:
    from jinja2 import TemplateError, TemplateSyntaxError

    env = environment(options.templates)
    journeys = sorted(workspace.complete_journeys(), key=lambda j: j.id)
    loc = Locator(workspace.root)
    site = _site(workspace, journeys, options)
    views = [_journey(workspace, j, site, loc) for j in journeys]
    svgs = _svgs(workspace, journeys, options)
    files: Files = {}

    def put(path: str, template: str, **context: Any) -> None:
        try:
            text = env.get_template(template).render(**site, **context)
        except TemplateError as exc:  # a user's --templates file: say which one, not a traceback
            where = f" line {exc.lineno}" if isinstance(exc, TemplateSyntaxError) else ""
            raise JourneycError(f"template {template}{where}: {exc.message or type(exc).__name__}") from None
        files[PurePosixPath(path)] = text.encode("utf-8")

    put("docs/index.md", "docs/index.md")
    put("docs/glossary.md", "docs/glossary.md")
    put("docs/html/index.html", "docs/html/index.html", root="")
    put("docs/html/glossary.html", "docs/html/glossary.html", root="")
    put("docs/html/style.css", "docs/html/style.css")
    for journey, view in zip(journeys, views, strict=True):
        stem = file_stem(journey.id)
        put(f"docs/journeys/{stem}.md", "docs/journey.md", **view)
        put(f"docs/html/journeys/{stem}.html", "docs/html/journey.html", root="../", svg=svgs.get(journey.id), **view)
    return dict(sorted(files.items()))


def _svgs(workspace: Workspace, journeys: list[Journey], options: EmitOptions) -> dict[str, Any]:
    if not options.svg or not journeys:
        return {}
    from markupsafe import Markup

    from journeyc.emitters.diagrams import dot_source, inline_svg, render_svgs

    rendered = render_svgs({j.id: dot_source(workspace, j) for j in journeys}, options)
    out = {}
    for journey_id, svg in rendered.items():
        text = inline_svg(svg)
        if text is not None:
            out[journey_id] = Markup(text)  # Graphviz escaped our text; inline_svg refused anything active
    return out


def _site(workspace: Workspace, journeys: list[Journey], options: EmitOptions) -> dict[str, Any]:
    """What every page may use: teams, the glossary with its anchors, the journey list, the CRM notes."""
    terms = sorted(workspace.terms, key=lambda t: t.key)
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for term in terms:
        base = anchor = slug(term.label, "term")
        n = 1
        while anchor in taken:  # two labels with the same slug ("Deal" and "Deal!") get -2, -3...
            n += 1
            anchor = f"{base}-{n}"
        anchors[term.key] = anchor
        taken.add(anchor)
    used: dict[str, list[dict[str, Any]]] = {}
    owned: dict[str, list[Stage]] = {}
    staffed: dict[str, set[str]] = {}
    accountable: dict[str, list[str]] = {}
    for journey in journeys:
        for stage in journey.stages:
            named = workspace.term(stage.term)
            if named is not None:
                used.setdefault(named.key, []).append(View(journey=journey, stage=stage))
            owned.setdefault(stage.owner or "", []).append(stage)
            staffed.setdefault(stage.owner or "", set()).add(journey.name)
        accountable.setdefault(journey.owner or "", []).append(journey.name)
    # one pass over the journeys above, not one per team: linear in teams + stages
    teams = [View(team=t, colours=colours_of(t), anchor=f"team-{t.id}", stages=len(owned.get(t.id, [])),
                  journeys=sorted(staffed.get(t.id, ())), accountable_for=sorted(accountable.get(t.id, ())))
             for t in sorted(workspace.teams, key=lambda t: t.id)]
    glossary = [_term(workspace, t, anchors, used.get(t.key, [])) for t in terms]
    crm = [t for t in CRM_TARGETS if t in options.targets]
    return {
        "workspace": workspace, "teams": teams, "glossary": glossary, "term_anchors": anchors,
        "journeys": [View(journey=j, file=f"{j.id}", owner=team_name(workspace, j.owner) if j.owner else None,
                          stages=len(j.stages), handoffs=len(handoffs(j))) for j in journeys],
        "crm_targets": crm, "salesforce": "salesforce" in crm, "diagrams": "diagrams" in options.targets,
        "functions": FUNCTIONS, "palette": PALETTE, "won": WON, "lost": LOST, "risk": RISK, "handoff": HANDOFF,
        "is_id": lambda value: isinstance(value, str) and bool(ID_RE.match(value)),
    }


def _term(workspace: Workspace, term: Term, anchors: dict[str, str], used: list[dict[str, Any]]) -> dict[str, Any]:
    see_also = []
    for word in term.see_also:
        other = workspace.term(word)
        see_also.append(View(label=other.label if other else word, anchor=anchors.get(other.key) if other else None))
    owner = team_name(workspace, term.owner) if term.owner else None
    return View(term=term, anchor=anchors[term.key], owner=owner, see_also=see_also, used=used)


def _journey(workspace: Workspace, journey: Journey, site: dict[str, Any], loc: Locator) -> dict[str, Any]:
    """One journey page's view: stages with their term, team and colours; exits; handoffs; pipelines."""
    anchors = site["term_anchors"]
    stages = []
    for index, stage in enumerate(journey.stages, 1):
        term = workspace.term(stage.term)
        team = workspace.team(stage.owner)
        stages.append(View(stage=stage, n=index, term=term, anchor=f"stage-{stage.id}",
                           term_anchor=anchors.get(term.key) if term else None,
                           owner=team_name(workspace, stage.owner), function=team.function if team else "other",
                           colours=colours_of(team)))
    exits = [View(source=s, target=journey.stage(e.to), to=e.to, when=e.when,
                  signal=journey.signal(e.when) if e.when else None, handoff=is_handoff(journey, s, e),
                  source_owner=team_name(workspace, s.owner),
                  target_owner=team_name(workspace, (journey.stage(e.to) or s).owner))
             for s in journey.stages for e in s.exits]
    lane_teams = [(owner, workspace.team(owner)) for owner in dict.fromkeys(s.owner for s in journey.stages)]
    return {
        "journey": journey,
        "owner": team_name(workspace, journey.owner) if journey.owner else None,
        "stages": stages,
        "exits": exits,
        "handoffs": [x for x in exits if x["handoff"]],
        "start": [s for s in (journey.stage(i) for i in journey.start_ids) if s is not None],
        "pipelines": [View(pipeline=p, stages=members) for p, members in journey.export_pipelines()],
        "lanes": [View(name=team_name(workspace, owner), function=team.function if team else "other",
                       colours=colours_of(team)) for owner, team in lane_teams],
        "mermaid": mermaid.flowchart(workspace, journey),
        "location": loc(journey.ref),
        "file": journey.id,
    }
