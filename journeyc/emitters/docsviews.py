"""What the docs templates see: the site (journeys, teams, glossary, navigation) and one view per page.

Built here so templates only lay out and escape. Pure: model in, plain views
out. Ordering is as people read it: the glossary sorts without regard to case
or accents ("Démo" with the Ds), teams in the order they are declared.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from journeyc.emitters import lanes
from journeyc.emitters.palette import Colours, team_colours
from journeyc.emitters.render import View, slug
from journeyc.workspace.model import Journey, Stage, Term, Workspace


def sort_key(text: str) -> tuple[str, str, str]:
    """Dictionary order, the same on every machine: accents and case only break ties, and numbers sort
    by value ("Step 2" before "Step 10")."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    base = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"\d+", lambda m: m.group().zfill(12), base), folded, text


def letter(text: str) -> str:
    """The A–Z heading a term files under ("#" for a term that starts with no letter A to Z)."""
    first = sort_key(text)[0][:1].upper()
    return first if "A" <= first <= "Z" else "#"


def url(value: object) -> str | None:
    """An extension value that is an http(s) URL and nothing else (shown as a link), else None."""
    if not isinstance(value, str) or len(value) > 2048 or not value.isprintable():
        return None
    if any(c.isspace() or c in "\"'<>`\\" for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def extensions(mapping: Any) -> list[View]:
    """`x-` keys in order of key, each with its value and, when the value is a URL, the link."""
    return [View(key=key, value=value, url=url(value)) for key, value in sorted(dict(mapping).items())]


def config_extensions(workspace: Workspace) -> list[View]:
    for doc in workspace.documents:
        if doc.kind == "Config" and isinstance(doc.data, dict):
            return extensions({k: v for k, v in doc.data.items() if isinstance(k, str) and k.startswith("x-")})
    return []


def term_anchors(terms: list[Term]) -> dict[str, str]:
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
    return anchors


def links_between(journeys: list[Journey], workspace: Workspace) -> dict[str, list[Journey]]:
    """journey id -> the journeys that start where it ends: a start stage named by the same term as one of
    its won stages (e.g. new business won -> onboarding starts at "Closed won")."""
    starts: dict[str, list[Journey]] = {}
    for journey in journeys:
        for stage_id in journey.start_ids:
            stage = journey.stage(stage_id)
            term = workspace.term(stage.term) if stage else None
            if term is not None:
                starts.setdefault(term.key, []).append(journey)
    out: dict[str, list[Journey]] = {}
    for journey in journeys:
        ends = {t.key for t in (workspace.term(s.term) for s in journey.stages if s.outcome == "won") if t}
        nxt = {j.id: j for key in sorted(ends) for j in starts.get(key, []) if j.id != journey.id}
        out[journey.id] = sorted(nxt.values(), key=lambda j: j.id)
    return out


def team_views(workspace: Workspace, journeys: list[Journey], terms: list[Term],
               anchors: dict[str, str]) -> list[View]:
    """Every declared team: its colours, short name, what it owns and where."""
    colours = team_colours(workspace.teams)
    shorts = lanes.short_names(workspace)
    owned: dict[str, list[Stage]] = {}
    staffed: dict[str, dict[str, Journey]] = {}
    accountable: dict[str, list[Journey]] = {}
    for journey in journeys:
        for stage in journey.stages:
            owned.setdefault(stage.owner or "", []).append(stage)
            staffed.setdefault(stage.owner or "", {})[journey.id] = journey
        accountable.setdefault(journey.owner or "", []).append(journey)
    seen: set[str] = set()
    out: list[View] = []
    for team in workspace.teams:
        if team.id in seen:
            continue
        seen.add(team.id)
        out.append(View(team=team, n=len(out) + 1, colours=colours[team.id], short=shorts[team.id],
                        href=f"teams/{team.id}.html",
                        stages=len(owned.get(team.id, [])), journeys=list(staffed.get(team.id, {}).values()),
                        accountable_for=accountable.get(team.id, []),
                        terms=[View(term=t, anchor=anchors[t.key]) for t in terms if t.owner == team.id],
                        extensions=extensions(team.extensions)))
    return out


def colours_of(teams: list[View], owner: str | None) -> Colours | None:
    return next((t["colours"] for t in teams if t["team"].id == owner), None)
