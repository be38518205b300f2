"""What the diagrams and the docs say about a journey's teams: bands in order of reach, handoffs, short names.

A journey map has one horizontal band per owner team, in the order the journey
first reaches the teams, and every stage in its team's band. A handoff is an
exit that gives the customer to another team to work: an exit into a lost
outcome (lost, disqualified) ends the journey there, and nobody takes over.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from journeyc.workspace.model import Exit, Journey, Stage, Workspace

#: a team name longer than this is shortened in edge labels (the legend has it in full)
SHORT_MAX = 14


@dataclass(frozen=True)
class Handoff:
    """An exit that moves the customer to an open or won stage that another team owns."""

    source: Stage
    exit: Exit
    target: Stage


def reach_order(journey: Journey) -> list[Stage]:
    """Stages in the order a walk from the start first reaches them (breadth first, exits in their order);
    stages the walk never reaches follow in journey order."""
    seen: dict[str, Stage] = {}
    queue = deque(s for s in (journey.stage(i) for i in journey.start_ids) if s is not None)
    while queue:
        stage = queue.popleft()
        if stage.id in seen:
            continue
        seen[stage.id] = stage
        queue.extend(t for t in (journey.stage(e.to) for e in stage.exits) if t is not None and t.id not in seen)
    for stage in journey.stages:
        seen.setdefault(stage.id, stage)
    return list(seen.values())


def lanes(journey: Journey) -> list[tuple[str | None, list[Stage]]]:
    """(owner, its stages in journey order) per band, bands in the order the journey first reaches an open
    stage of the team (teams that own only closed stages after those)."""
    order = reach_order(journey)
    rank: dict[str | None, int] = {}
    for index, stage in enumerate(order):
        key = index if stage.is_open else index + len(order)
        rank[stage.owner] = min(rank.get(stage.owner, key), key)
    members: dict[str | None, list[Stage]] = {}
    for stage in journey.stages:
        members.setdefault(stage.owner, []).append(stage)
    return sorted(members.items(), key=lambda item: rank[item[0]])


def is_handoff(journey: Journey, stage: Stage, exit_: Exit) -> bool:
    target = journey.stage(exit_.to)
    return bool(target and stage.owner and target.owner and stage.owner != target.owner
                and target.outcome != "lost")


def handoffs(journey: Journey) -> list[Handoff]:
    out = []
    for stage in journey.stages:
        for exit_ in stage.exits:
            target = journey.stage(exit_.to)
            if target is not None and is_handoff(journey, stage, exit_):
                out.append(Handoff(stage, exit_, target))
    return out


def team_name(workspace: Workspace, team_id: str | None) -> str:
    team = workspace.team(team_id)
    return team.name if team else (team_id or "(no owner)")


def short_names(workspace: Workspace) -> dict[str, str]:
    """team id -> the name edge labels use: the name when short, else its initials (`Account Executives` ->
    `AE`) or its first letters with an ellipsis; never the same for two teams (a number tells them apart)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for team in workspace.teams:
        if team.id in out:
            continue
        name = " ".join(team.name.split())
        short = name if len(name) <= SHORT_MAX else _abbreviate(name)
        candidate, n = short, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{short} {n}"
        taken.add(candidate.casefold())
        out[team.id] = candidate
    return out


def _abbreviate(name: str) -> str:
    words = [w for w in re.split(r"[\s/&+,-]+", name) if w and w[0].isalnum()]
    if 2 <= len(words) <= 5:
        return "".join(w[0].upper() for w in words)
    return name[: SHORT_MAX - 1].rstrip() + "…"
