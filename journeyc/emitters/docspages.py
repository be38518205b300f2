"""The views of the docs pages: the site every page shares, a journey page, a team page, the search index.

Everything here is pure (the model and the rendered SVG in, dicts out); the
`docs` emitter renders them through the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from journeyc.emitters import EmitOptions, lanes, mermaid
from journeyc.emitters.docsviews import (
    colours_of,
    config_extensions,
    extensions,
    letter,
    links_between,
    sort_key,
    team_views,
    term_anchors,
    url,
)
from journeyc.emitters.model_json import Locator
from journeyc.emitters.palette import HANDOFF, LOST, RISK, SITE, WON
from journeyc.emitters.render import ID_RE, View
from journeyc.emitters.svgtext import finish, inline_svg, min_zoom
from journeyc.workspace.model import Journey, Workspace

CRM_TARGETS = ("hubspot", "salesforce", "pipedrive", "csv")


@dataclass
class Extras:
    """What another analysis adds to a journey's page: figures after the diagram (each a dict with `id`,
    `title`, `svg` (inline markup, already made inert) and `caption`), and pages for the sidebar (dicts
    with `title` and `href`, relative to docs/html/)."""

    figures: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, str]] = field(default_factory=list)


def extras(workspace: Workspace, journeys: list[Journey], options: EmitOptions) -> dict[str, Extras]:
    """journey id -> what other analyses add to its page: the funnel's overlay and page (`build.funnel`)."""
    from journeyc.emitters import docsfunnel

    return docsfunnel.extras(workspace, journeys, options)


def site(workspace: Workspace, journeys: list[Journey], options: EmitOptions) -> dict[str, Any]:
    """What every page may use: journeys, teams, the glossary and its index, navigation, the CRM notes."""
    terms = sorted(workspace.terms, key=lambda t: sort_key(t.label))
    anchors = term_anchors(terms)
    teams = team_views(workspace, journeys, terms, anchors)
    used: dict[str, list[View]] = {}
    for journey in journeys:
        for stage in journey.stages:
            named = workspace.term(stage.term)
            if named is not None:
                used.setdefault(named.key, []).append(View(journey=journey, stage=stage))
    glossary = [View(term=t, anchor=anchors[t.key], letter=letter(t.label),
                     owner=lanes.team_name(workspace, t.owner) if t.owner else None,
                     owner_id=t.owner if t.owner and workspace.team(t.owner) else None,
                     see_also=[_see(workspace, w, anchors) for w in t.see_also], used=used.get(t.key, []),
                     extensions=extensions(t.extensions)) for t in terms]
    follows = links_between(journeys, workspace)
    crm = [t for t in CRM_TARGETS if t in options.targets]
    before: dict[str, list[Journey]] = {}
    for j in journeys:   # in the order of `journeys`, once each: the journeys each one continues
        for nxt in dict.fromkeys(n.id for n in follows.get(j.id, [])):
            before.setdefault(nxt, []).append(j)
    cards = [_card(workspace, j, follows, before.get(j.id, [])) for j in journeys]
    return {
        "workspace": workspace, "teams": teams, "team_n": {t["team"].id: t["n"] for t in teams},
        "glossary": glossary, "term_anchors": anchors,
        "letters": sorted({g["letter"] for g in glossary}),
        "journeys": cards, "cards": {c["journey"].id: c for c in cards}, "nav_journeys": _nav_window(cards),
        "config_extensions": config_extensions(workspace),
        "crm_targets": crm, "salesforce": "salesforce" in crm, "diagrams": "diagrams" in options.targets,
        "theme": SITE, "won": WON, "lost": LOST, "risk": RISK, "handoff": HANDOFF,
        "is_id": lambda value: isinstance(value, str) and bool(ID_RE.match(value)), "url": url,
    }


#: the most journeys the sidebar of a page lists: every page listing every journey would make the site grow with
#: the square of the workspace (10,000 journeys: 10,000 pages of 10,000 links); the overview lists them all
NAV_JOURNEYS = 50


def _nav_window(cards: list[View]) -> Callable[[str], list[View]]:
    """The journeys the sidebar of `page` lists: all of them, or the NAV_JOURNEYS around the current journey."""
    where = {f"journey:{c['journey'].id}": i for i, c in enumerate(cards)}

    def window(page: str) -> list[View]:
        if len(cards) <= NAV_JOURNEYS:
            return cards
        start = min(max(where.get(page, 0) - NAV_JOURNEYS // 2, 0), len(cards) - NAV_JOURNEYS)
        return cards[start:start + NAV_JOURNEYS]

    return window


def _see(workspace: Workspace, word: str, anchors: dict[str, str]) -> View:
    other = workspace.term(word)
    return View(label=other.label if other else word, anchor=anchors.get(other.key) if other else None)


def _card(workspace: Workspace, journey: Journey, follows: dict[str, list[Journey]],
          before: list[Journey]) -> View:
    return View(journey=journey, file=journey.id, stages=len(journey.stages),
                owner=lanes.team_name(workspace, journey.owner) if journey.owner else None,
                handoffs=len(lanes.handoffs(journey)),
                start=[s for s in (journey.stage(i) for i in journey.start_ids) if s is not None],
                won=[s for s in journey.stages if s.outcome == "won"],
                lost=[s for s in journey.stages if s.outcome == "lost"],
                next=follows.get(journey.id, []), previous=before)


def journey_page(workspace: Workspace, journey: Journey, site_: dict[str, Any], svg: bytes | None,
                 added: Extras | None) -> dict[str, Any]:
    """One journey page's view: diagram, stages with their term, team and colours, exits, handoffs."""
    from markupsafe import Markup

    anchors, teams = site_["term_anchors"], site_["teams"]
    stages = []
    for index, stage in enumerate(journey.stages, 1):
        term = workspace.term(stage.term)
        stages.append(View(stage=stage, n=index, term=term, anchor=f"stage-{stage.id}",
                           term_anchor=anchors.get(term.key) if term else None, owner_id=stage.owner,
                           owner=lanes.team_name(workspace, stage.owner), colours=colours_of(teams, stage.owner),
                           extensions=extensions(stage.extensions)))
    exits = [View(source=s, target=journey.stage(e.to), to=e.to, when=e.when,
                  signal=journey.signal(e.when) if e.when else None, handoff=lanes.is_handoff(journey, s, e),
                  source_owner=lanes.team_name(workspace, s.owner),
                  target_owner=lanes.team_name(workspace, (journey.stage(e.to) or s).owner))
             for s in journey.stages for e in s.exits]
    figure = None
    inline = inline_svg(finish(svg, workspace, journey, "")) if svg is not None else None
    if inline is not None:  # Graphviz escaped the text; inline_svg refused anything active
        figure = View(svg=Markup(inline), min_zoom=min_zoom(inline))
    card = site_["cards"][journey.id]
    added = added or Extras()
    toc = [("diagram", "Diagram"), *((f["id"], f["title"]) for f in added.figures), ("stages", "Stages"),
           ("exits", "Exits and signals"), ("handoffs", "Handoffs"), ("signals", "Signals"), ("playbook", "Playbook"),
           ("pipelines", "CRM pipelines"), *((("extensions", "Extensions"),) if journey.extensions else ())]
    return {
        "journey": journey, "card": card, "figure": figure, "extras": added, "toc": toc,
        "owner": lanes.team_name(workspace, journey.owner) if journey.owner else None,
        "stages": stages, "exits": exits, "handoffs": [x for x in exits if x["handoff"]],
        "start": card["start"],
        "pipelines": [View(pipeline=p, stages=members) for p, members in journey.export_pipelines()],
        "lanes": [View(name=lanes.team_name(workspace, owner), owner_id=owner, colours=colours_of(teams, owner))
                  for owner, _ in lanes.lanes(journey)],
        "mermaid": mermaid.flowchart(workspace, journey),
        "location": Locator(workspace.root)(journey.ref),
        "extensions": extensions(journey.extensions),
        "file": journey.id,
    }


def team_page(workspace: Workspace, journeys: list[Journey], team: View, site_: dict[str, Any]) -> dict[str, Any]:
    """A team's page: the stages it owns per journey, the handoffs into and out of them, the terms it owns."""
    tid = team["team"].id
    owned, into, out_of = [], [], []
    for journey in journeys:
        mine = [s for s in journey.stages if s.owner == tid]
        if mine:
            owned.append(View(journey=journey, stages=mine))
        for h in lanes.handoffs(journey):
            view = View(journey=journey, source=h.source, target=h.target, when=h.exit.when,
                        source_owner=lanes.team_name(workspace, h.source.owner),
                        target_owner=lanes.team_name(workspace, h.target.owner))
            if h.target.owner == tid:
                into.append(view)
            if h.source.owner == tid:
                out_of.append(view)
    return {"t": team, "owned": owned, "into": into, "out_of": out_of,
            "location": Locator(workspace.root)(team["team"].ref)}
