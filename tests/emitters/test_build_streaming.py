"""A build without the cache still hands each journey's files to the writer before it makes the next journey's
(issue 17, target 4: a build never holds a whole target in memory)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from journeyc.build import emit
from journeyc.build.emit import Memory, emit_into
from journeyc.emitters import EmitOptions, Files, Split, emitter, splitter
from journeyc.workspace.model import Journey, Workspace


class Recording(Memory):
    """A sink that logs each file it is given, between the journeys the target makes."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def put(self, path: PurePosixPath | str, data: bytes, owner: str = "") -> None:
        self.log.append(f"put {path}")
        super().put(path, data, owner)


@pytest.mark.parametrize("target", ["diagrams", "docs", "hubspot", "salesforce", "pipedrive"])
def test_each_journey_is_written_before_the_next_is_made(example: Workspace, target: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    real = splitter(target)
    assert real is not None

    def logged(ws: Workspace, options: EmitOptions) -> Split:
        parts = real(ws, options)

        def journey(j: Journey) -> Files:
            log.append(f"make {j.id}")
            return parts.journey(j)

        return Split(parts.shared, journey)

    monkeypatch.setattr(emit, "splitter", lambda name: logged if name == target else None)
    sink = Recording(log)
    emit_into(sink, example, EmitOptions(), target)           # no plan: the build without the cache
    per_journey: dict[str, list[str]] = {}
    current = ""
    for line in log:
        if line.startswith("make "):
            current = line.removeprefix("make ")
            per_journey[current] = []
        elif current:
            per_journey[current].append(line.removeprefix("put "))
    expected = {j.id: sorted(str(p) for p in real(example, EmitOptions()).journey(j)) for j in example.journeys}
    assert {jid: sorted(paths) for jid, paths in per_journey.items()} == expected
    assert sorted(per_journey) == sorted(j.id for j in example.journeys)
    assert sink.files == emitter(target)(example, EmitOptions())   # the same files as the whole emitter's


def test_the_docs_shared_files_are_each_written_before_the_next_is_made(example: Workspace,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The overview, glossary, team pages and search index each list every journey: made one at a time."""
    from journeyc.emitters import docs

    log: list[str] = []
    real_index, real_team = docs.search_index, docs._Site.team

    def index(*args: object) -> bytes:
        log.append("make search index")
        return real_index(*args)  # type: ignore[arg-type]

    def team(self: object, view: object) -> bytes:
        log.append("make team page")
        return real_team(self, view)  # type: ignore[arg-type]

    monkeypatch.setattr(docs, "search_index", index)
    monkeypatch.setattr(docs._Site, "team", team)
    emit_into(Recording(log), example, EmitOptions(), "docs")
    shared = log[:log.index("put docs/html/teams/revops.html") + 1]
    assert shared == [
        "put docs/index.md", "put docs/glossary.md", "put docs/html/index.html", "put docs/html/glossary.html",
        "put docs/html/style.css", "put docs/html/site.js",
        "make search index", "put docs/html/search-index.js",
        *(line for team in ("marketing", "sdr", "sales", "customer-success", "revops")
          for line in ("make team page", f"put docs/html/teams/{team}.html"))]
