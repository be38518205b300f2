"""The docs site's search index: a script listing journeys, stages, signals, teams and terms with their pages.

A page opened from disk cannot fetch a JSON file, hence a script; site.js
shows each entry as text, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from journeyc.emitters import lanes
from journeyc.emitters.render import one_line
from journeyc.workspace.model import Journey, Workspace


def search_index(workspace: Workspace, journeys: list[Journey], site_: dict[str, Any]) -> bytes:
    """The search index of `journeys` (in the order given), the teams and the glossary, as the script.

    Encoded entry by entry (the same bytes as one `json.dumps` of the list): the
    list of dicts of 10,000 journeys' entries cost 200 MiB while it was encoded.
    """
    pieces = [_entry(e) for e in _entries(workspace, journeys, site_)]
    return b"".join([b"/* journeyc search index: generated, do not edit */\nwindow.JOURNEYC_SEARCH = [",
                     b",".join(pieces), b"];\n"])


def _entry(entry: dict[str, str]) -> bytes:
    """One entry: no control or bidi character, ASCII, and no `</` that would end the script element."""
    data = json.dumps({k: one_line(v) for k, v in entry.items()}, ensure_ascii=True, sort_keys=True,
                      separators=(",", ":"))
    return data.replace("</", "<\\/").encode("ascii")


def _entries(workspace: Workspace, journeys: list[Journey], site_: dict[str, Any]) -> Iterator[dict[str, str]]:
    for journey in journeys:
        page = f"journeys/{journey.id}.html"
        yield {"k": "journey", "t": journey.name, "u": page, "d": journey.description or ""}
        for stage in journey.stages:
            yield {"k": "stage", "t": stage.label, "u": f"{page}#stage-{stage.id}",
                   "d": f"{journey.name} · {lanes.team_name(workspace, stage.owner)}"}
        for signal in journey.signals:
            yield {"k": "signal", "t": signal.id, "u": f"{page}#signals", "d": journey.name}
    for team in site_["teams"]:
        yield {"k": "team", "t": team["team"].name, "u": team["href"], "d": team["team"].function}
    for term in site_["glossary"]:
        yield {"k": "term", "t": term["term"].label, "u": f"glossary.html#{term['anchor']}",
               "d": " ".join(term["term"].aliases)}
