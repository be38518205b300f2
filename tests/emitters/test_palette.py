"""Colours: WCAG AA contrast of every text/background pair, team colours apart for normal and deuteranopic vision.

Contrast: WCAG 2.1, success criterion 1.4.3 (relative luminance and contrast
ratio as defined there; AA asks 4.5:1 for normal text).

Deuteranopia: the simulation matrix of Machado, Oliveira and Fernandes, "A
Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE
Transactions on Visualization and Computer Graphics 15(6), 2009, table for
deuteranomaly at severity 1.0 (deuteranopia), applied to linear RGB.

Colour difference: CIEDE2000 (Sharma, Wu and Dalal, "The CIEDE2000
Color-Difference Formula: Implementation Notes, Supplementary Test Data, and
Mathematical Observations", Color Research & Application 30(1), 2005), in
CIELAB with the D65 white point; its published test pairs are checked below.
"""

from __future__ import annotations

import math
import re
from itertools import combinations

import pytest

from journeyc.emitters.palette import (
    HANDOFF,
    INK,
    LOST,
    NO_TEAM,
    PAPER,
    RISK,
    SITE,
    SITE_TEXT_PAIRS,
    SUBTLE,
    TEAM_COLOURS,
    WON,
    team_colours,
)

DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
#: the smallest CIEDE2000 distance between two colours meant to be told apart
APART = 10.0


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def deuteranopia(colour: str) -> str:
    linear = [_linear(c) for c in _rgb(colour)]
    out = [sum(row[j] * linear[j] for j in range(3)) for row in DEUTERANOPIA]
    return "#" + "".join(f"{round(_gamma(c) * 255):02X}" for c in out)


def lab(colour: str) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def distance(a: str, b: str) -> float:
    return ciede2000(lab(a), lab(b))


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [   # Sharma et al. 2005, table 1, pairs 1, 7, 17, 25, 34
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_gives_the_published_values(lab1, lab2, expected) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_contrast_and_simulation_give_known_values() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)     # the classic AA-passing grey
    assert deuteranopia("#FFFFFF") == "#FFFFFF" and deuteranopia("#000000") == "#000000"
    assert distance(deuteranopia("#FF0000"), deuteranopia("#00A000")) < distance("#FF0000", "#00A000") / 3


def _diagram_pairs() -> list[tuple[str, str, str]]:
    """(text, background, where) for every text the diagrams draw."""
    pairs = []
    for n, c in enumerate((*TEAM_COLOURS, NO_TEAM), 1):
        # an exit drawn along a band stays in the team: never a handoff, its label in SUBTLE on the band
        pairs += [(c.line, c.lane, f"lane title {n}"), (INK, c.fill, f"stage and its SLA {n}"),
                  (INK, c.fill, f"risk mark {n}"), (SUBTLE, c.lane, f"exit label on band {n}"),
                  (SUBTLE, c.lane, f"team function under the title {n}"), (c.line, PAPER, f"team {n} on paper")]
    for c, name in ((WON, "won"), (LOST, "lost")):
        pairs += [(INK, c.fill, name), (c.line, PAPER, f"{name} on paper")]
    pairs += [(SUBTLE, PAPER, "exit label in a gap"), (HANDOFF, PAPER, "handoff label in a gap"),
              (RISK, PAPER, "legend: high risk"), (INK, PAPER, "legend and title")]
    return pairs


def test_every_text_of_the_diagrams_meets_wcag_aa() -> None:
    low = [(where, fg, bg, round(contrast(fg, bg), 2)) for fg, bg, where in _diagram_pairs() if contrast(fg, bg) < 4.5]
    assert low == []


def test_every_text_of_the_site_meets_wcag_aa_in_both_themes() -> None:
    low = [(theme, fg, bg, round(contrast(colours[fg], colours[bg]), 2)) for theme, colours in SITE.items()
           for fg, bg in SITE_TEXT_PAIRS if contrast(colours[fg], colours[bg]) < 4.5]
    assert low == []
    team_chips = [(c.fill, round(contrast(INK, c.fill), 2)) for c in TEAM_COLOURS if contrast(INK, c.fill) < 4.5]
    assert team_chips == []                                  # a team chip: dark text on the team's fill


def test_the_stylesheet_uses_only_checked_colours() -> None:
    """Every colour the stylesheet writes itself is a palette colour (whose pairs are checked above) or one of
    the diagram viewer's fixed controls, checked here."""
    from journeyc.resources import templates_dir

    css = (templates_dir() / "docs" / "html" / "style.css").read_text(encoding="utf-8")
    literal = set(re.findall(r"#[0-9A-Fa-f]{6}\b", css))
    viewer = {"#F3F4F6": "#374151", "#FFFFFF": "#111827", "#DBEAFE": "#111827"}   # background: text
    assert literal <= {*viewer, *viewer.values(), "#9CA3AF", "#D1D5DB"}
    assert [bg for bg, fg in viewer.items() if contrast(fg, bg) < 4.5] == []


@pytest.mark.parametrize("vision", ["normal", "deuteranopia"])
def test_team_colours_stay_apart_and_apart_from_won_and_lost(vision: str) -> None:
    see = (lambda c: c) if vision == "normal" else deuteranopia
    close = [(a.fill, b.fill, round(distance(see(a.fill), see(b.fill)), 1))
             for a, b in combinations(TEAM_COLOURS, 2) if distance(see(a.fill), see(b.fill)) < APART]
    assert close == []
    outcome = [(t.fill, o.fill, round(distance(see(t.fill), see(o.fill)), 1)) for t in TEAM_COLOURS
               for o in (WON, LOST) if distance(see(t.fill), see(o.fill)) < APART]
    assert outcome == []


def test_a_colour_per_team_in_declaration_order_stable_and_distinct(make_workspace) -> None:
    from journeyc.engine import load_workspace

    ws = load_workspace(make_workspace()).workspace
    first = team_colours(ws.teams)
    assert list(first) == ["marketing", "sales", "cs"] and first == team_colours(ws.teams)
    assert len({c.fill for c in first.values()}) == 3        # distinct even when two teams share a function
    from journeyc.workspace.model import Team

    many = [Team(f"t{i}", f"T{i}", "sales", None, ws.teams[0].ref) for i in range(20)]
    colours = list(team_colours(many).values())
    assert len({(c.fill, c.dash) for c in colours}) == 20    # past eight, a dashed then a dotted border
    assert [c.dash for c in colours[7:10]] == ["", "dashed", "dashed"] and colours[-1].dash == "dotted"
