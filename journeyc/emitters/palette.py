"""Colours of the diagrams and the site: one colour per team, the outcome and mark colours, the site's themes.

The eight team colours were chosen so that every pair stays apart (CIEDE2000
distance of 10 or more) for normal vision and under a simulation of
deuteranopia, and apart from the won and lost styles; dark text reads on each
fill and each lane colour reads on its band (WCAG AA). `tests/emitters/
test_palette.py` checks all of it. A team's colour is its place in the Teams
documents, so it stays the same from build to build; past eight teams the
colours come round again with a dashed, then a dotted, lane border.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journeyc.workspace.model import Stage, Team


@dataclass(frozen=True)
class Colours:
    lane: str         # the band's background
    fill: str         # a stage's background, the legend's swatch
    line: str         # borders, the lane title (text on `lane` and on white)
    dash: str = ""    # lane border style past the eighth team: "dashed", "dotted"


#: fill, lane tint (the fill mixed with 75 % white), line (the fill darkened to 6:1 on white)
TEAM_COLOURS: tuple[Colours, ...] = (
    Colours("#E7E7FE", "#9E9EFA", "#4747F6"),   # periwinkle
    Colours("#FCF8D1", "#F5E447", "#6D6306"),   # yellow
    Colours("#F4E5E2", "#D29789", "#994D3A"),   # terracotta
    Colours("#EEF6FE", "#BBDBFB", "#0B62B9"),   # sky
    Colours("#F6E7ED", "#DB9FB7", "#A53E67"),   # rose
    Colours("#FCE2D1", "#F58D47", "#A44709"),   # orange
    Colours("#F8F4E4", "#E4D595", "#71611D"),   # sand
    Colours("#DCEDF2", "#72B8CA", "#2D6978"),   # teal
)
DASHES = ("", "dashed", "dotted")
NO_TEAM = Colours("#F9FAFB", "#F3F4F6", "#4B5563")   # a stage whose owner no Teams document declares
WON = Colours("#F0FDF4", "#DCFCE7", "#15803D")
LOST = Colours("#F9FAFB", "#E5E7EB", "#374151")

INK = "#111827"        # text on every fill
SUBTLE = "#4B5563"     # secondary text in a node (SLA, probability), exit lines and their labels
RISK = "#B91C1C"       # high-risk border, and the mark on paper (on a stage's fill the mark is INK: red would not read)
HANDOFF = "#C2410C"    # an exit that hands the customer to another team
PAPER = "#FFFFFF"      # the diagram's background


def team_colours(teams: Iterable[Team]) -> dict[str, Colours]:
    """team id -> colours, by the team's place among the declared teams (first declaration wins)."""
    out: dict[str, Colours] = {}
    for team in teams:
        if team.id not in out:
            n = len(out)
            base = TEAM_COLOURS[n % len(TEAM_COLOURS)]
            dash = DASHES[min(n // len(TEAM_COLOURS), len(DASHES) - 1)]
            out[team.id] = Colours(base.lane, base.fill, base.line, dash)
    return out


def stage_colours(teams: dict[str, Colours], stage: Stage) -> Colours:
    if stage.outcome == "won":
        return WON
    if stage.outcome == "lost":
        return LOST
    return teams.get(stage.owner or "", NO_TEAM)


#: the site's colours, light and dark (the reader's `prefers-color-scheme`); CSS custom properties
SITE: dict[str, dict[str, str]] = {
    "light": {"ink": INK, "muted": "#4B5563", "bg": "#FFFFFF", "soft": "#F3F4F6", "line": "#D1D5DB",
              "accent": "#1D4ED8", "risk": RISK, "handoff": HANDOFF, "won": WON.line, "lost": LOST.line,
              "bar": "#111827", "bar-ink": "#F9FAFB", "bar-muted": "#D1D5DB", "mark": "#FEF3C7",
              "avoid-bg": "#FEF2F2", "avoid": "#991B1B", "side": "#F9FAFB"},
    "dark": {"ink": "#E5E7EB", "muted": "#A3AAB5", "bg": "#111827", "soft": "#1F2937", "line": "#374151",
             "accent": "#93C5FD", "risk": "#FCA5A5", "handoff": "#FDBA74", "won": "#86EFAC", "lost": "#D1D5DB",
             "bar": "#030712", "bar-ink": "#F9FAFB", "bar-muted": "#D1D5DB", "mark": "#422006",
             "avoid-bg": "#450A0A", "avoid": "#FCA5A5", "side": "#0B1220"},
}
#: (text, background) pairs of SITE that the stylesheet puts together: each must meet WCAG AA (4.5:1)
SITE_TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("ink", "bg"), ("ink", "soft"), ("ink", "side"), ("ink", "mark"), ("muted", "bg"), ("muted", "soft"),
    ("muted", "side"), ("accent", "bg"), ("accent", "soft"), ("accent", "side"), ("accent", "mark"),
    ("risk", "bg"), ("risk", "soft"), ("handoff", "bg"), ("handoff", "soft"), ("won", "bg"), ("lost", "bg"),
    ("bar-ink", "bar"), ("bar-muted", "bar"), ("avoid", "avoid-bg"),
)
