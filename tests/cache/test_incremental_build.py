"""An incremental build writes the same bytes as a full one, after any sequence of edits (issue 17, target 3).

Each example generates a valid workspace, builds it through the cache, then
applies random edits (one journey's text, its name, its file's place or
layout, a journey added or removed, the teams, the vocabulary, journeyc.yaml,
a file of the output edited by hand) and after each builds again
incrementally over the last output and in full into a new directory: the two
trees must be byte-identical, and `build --check` must find the incremental
output fresh.
"""

from __future__ import annotations

import copy
import os
import random
from pathlib import Path
from typing import Any

from fuzzing import properties, strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc.build import BuildOptions, BuildResult, build

EXAMPLES = settings().max_examples


def _journeys(data: strategies.Data) -> list[tuple[str, dict[str, Any]]]:
    return [(path, d) for path, docs in data.items() for d in docs
            if isinstance(d, dict) and d.get("kind") == "Journey"]


def _of_kind(data: strategies.Data, kind: str) -> dict[str, Any]:
    return next(d for docs in data.values() for d in docs if isinstance(d, dict) and d.get("kind") == kind)


def _edit(data: strategies.Data, rnd: random.Random, n: int) -> strategies.Data:
    """One edit of the workspace's data (most keep it valid, so that the build runs)."""
    data = copy.deepcopy(data)
    journeys = _journeys(data)
    path, journey = rnd.choice(journeys)
    stage = rnd.choice(journey["stages"])
    op = rnd.randrange(10)
    if op == 0:  # the text of one stage: that journey's files only
        stage["description"] = f"Edited {n}."
    elif op == 1:  # a journey's name: every page's navigation
        journey["name"] = f"Renamed journey {n}"
    elif op == 2:
        _of_kind(data, "Teams")["teams"][0]["name"] = f"Team {n}"
    elif op == 3:
        terms = _of_kind(data, "Vocabulary")["terms"]
        if terms:
            rnd.choice(terms)["definition"] = f"Defined {n}."
    elif op == 4:
        _of_kind(data, "Config")[f"x-edition-{n % 3}"] = n
    elif op == 5 and len(journeys) > 1 and len(data[path]) == 1:
        del data[path]
    elif op == 6:  # a second journey like this one (its own id, names and pipeline labels)
        added = copy.deepcopy(journey)
        added["id"], added["name"] = f"added-{n}", f"Added journey {n}"
        for pipe in added.get("pipelines", []):
            pipe["name"] = f"{pipe['name']} {n}"
        data[f"journeys/added-{n}.yaml"] = [added]
    elif op == 7 and len(data[path]) == 1:  # the same journey in another file: its location changes
        data[f"moved/{n}.yaml"] = data.pop(path)
    elif op == 8:  # an extension key on a stage: shown on its page
        stage[f"x-step-{n}"] = n
    return data


def _build(root: Path, out: Path, **kw: Any) -> BuildResult:
    return build(root, BuildOptions(out=out, **kw))


@settings(max_examples=max(6, EXAMPLES // 10))
@given(gen=strategies.valid_workspaces(max_journeys=4), seed=st.integers(0, 2**32), steps=st.integers(2, 5))
def test_an_incremental_build_is_byte_identical_to_a_full_one(gen: strategies.Generated, seed: int,
                                                              steps: int) -> None:
    rnd = random.Random(seed)
    saved = os.environ["JOURNEYC_CACHE_DIR"]
    with properties.scratch() as tmp:
        os.environ["JOURNEYC_CACHE_DIR"] = str(tmp / "cache")
        try:
            _sequence(tmp, gen.data, rnd, steps)
        finally:
            os.environ["JOURNEYC_CACHE_DIR"] = saved


def _sequence(tmp: Path, data: strategies.Data, rnd: random.Random, steps: int) -> None:
    root, out = tmp / "ws", tmp / "out"
    svg = rnd.random() < 0.25  # rendering costs: now and then
    layout = rnd.randrange(2**32)
    for n in range(steps):
        _rewrite(root, _render(data, layout))
        incremental = _build(root, out, svg=svg, cache=True)
        full = _build(root, tmp / f"full-{n}", svg=svg, cache=False)
        assert incremental.refused == full.refused
        if not incremental.refused:
            assert properties.tree(out) == properties.tree(tmp / f"full-{n}"), f"step {n} differs"
            fresh = _build(root, out, svg=svg, check=True, cache=True)
            assert fresh.staleness is not None and fresh.staleness.fresh, fresh.staleness
            if rnd.random() < 0.3:  # someone edits a file of the output: the next build puts it right
                victim = rnd.choice(sorted(p for p in out.rglob("*") if p.is_file() and p.name != ".journeyc-build"))
                victim.write_bytes(victim.read_bytes() + b"edited by hand\n")
        data = _edit(data, rnd, n)


def _render(data: strategies.Data, layout: int) -> strategies.Files:
    """Each file in a layout of its own that stays while its documents do (a file not edited keeps its bytes)."""
    files: strategies.Files = {}
    for path, docs in data.items():
        files.update(strategies.render({path: docs}, random.Random(f"{layout} {path}"), exact=True))
    return files


def _rewrite(root: Path, files: strategies.Files) -> None:
    if root.exists():
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
    properties.write_files(root, files)


# --- what is made again, and what is taken over ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _example(tmp: Path) -> Path:
    import shutil

    root = tmp / "ws"
    shutil.copytree(ROOT / "examples" / "acme-saas", root)
    return root


#: the targets whose files are made journey by journey: a journey's files of each are one unit
SPLIT = ("diagrams", "docs", "hubspot", "salesforce", "pipedrive")
UNITS = len(SPLIT)


def test_one_journey_changed_makes_that_journey_s_files_only(tmp_path: Path) -> None:
    root, out = _example(tmp_path), tmp_path / "out"
    first = _build(root, out, svg=False, cache=True)
    journeys = len(list((root / "journeys").glob("*.yaml")))
    assert (first.made, first.taken) == (UNITS * journeys, 0)
    again = _build(root, out, svg=False, cache=True)
    assert (again.made, again.taken) == (0, UNITS * journeys)
    path = sorted((root / "journeys").glob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n# revised\n", encoding="utf-8")
    edited = _build(root, out, svg=False, cache=True)
    assert (edited.made, edited.taken) == (UNITS, UNITS * journeys - UNITS)
    assert properties.tree(out) == properties.tree(_full(root, tmp_path))


def test_a_crm_file_made_from_other_journeys_is_made_again_when_they_change(tmp_path: Path) -> None:
    """Salesforce processes list the org-wide values (with their probabilities) in the org's order: a deal
    stage's probability changed in new-business changes the value set, so the Salesforce files of the other
    journey with a deal pipeline (customer: renewals) are made again too; its other files are taken over."""
    root, out = _example(tmp_path), tmp_path / "out"
    _build(root, out, svg=False, cache=True)
    path = root / "journeys" / "new-business.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("probability: 50", "probability: 60", 1),
                    encoding="utf-8")
    edited = _build(root, out, svg=False, cache=True)
    assert (edited.made, edited.taken) == (UNITS + 1, UNITS - 1)
    assert properties.tree(out) == properties.tree(_full(root, tmp_path))


def _full(root: Path, tmp: Path) -> Path:
    _build(root, tmp / "full", svg=False, cache=False)
    return tmp / "full"


def test_teams_vocabulary_or_config_changed_make_everything_again(tmp_path: Path) -> None:
    root, out = _example(tmp_path), tmp_path / "out"
    journeys = len(list((root / "journeys").glob("*.yaml")))
    _build(root, out, svg=False, cache=True)
    for name in ("teams.yaml", "vocabulary.yaml", "journeyc.yaml"):
        with open(root / name, "a", encoding="utf-8") as f:
            f.write(f"# edited: {name}\n")  # a comment: same data, but journeyc does not know what a file means
        again = _build(root, out, svg=False, cache=True)
        assert (again.made, again.taken) == (UNITS * journeys, 0), name
    assert properties.tree(out) == properties.tree(_full(root, tmp_path))


def test_a_file_edited_in_the_output_is_made_again(tmp_path: Path) -> None:
    root, out = _example(tmp_path), tmp_path / "out"
    _build(root, out, svg=False, cache=True)
    page = sorted((out / "docs" / "html" / "journeys").glob("*.html"))[0]
    page.write_bytes(page.read_bytes().replace(b"<main", b"<main data-edited", 1))
    again = _build(root, out, svg=False, cache=True)
    assert again.made == 1
    assert properties.tree(out) == properties.tree(_full(root, tmp_path))


def test_without_the_cache_everything_is_made(tmp_path: Path) -> None:
    root, out = _example(tmp_path), tmp_path / "out"
    _build(root, out, svg=False, cache=True)
    assert (_build(root, out, svg=False).made, _build(root, out, svg=False).taken) == (0, 0)


def test_an_output_restored_from_a_ci_cache_is_taken_over_by_its_bytes(tmp_path: Path) -> None:
    """actions/cache restores files with other inodes (and times): their digests still say they are right."""
    import shutil

    root, out = _example(tmp_path), tmp_path / "out"
    first = _build(root, out, svg=False, cache=True)
    shutil.copytree(out, tmp_path / "restored")
    shutil.rmtree(out)
    (tmp_path / "restored").rename(out)
    page = sorted((out / "docs" / "journeys").glob("*.md"))[0]
    page.write_bytes(page.read_bytes().replace(b"#", b"%", 1))  # same size, other bytes: made again
    again = _build(root, out, svg=False, cache=True)
    assert (again.made, again.taken) == (1, first.made - 1)
    assert properties.tree(out) == properties.tree(_full(root, tmp_path))


def test_a_diagram_not_rendered_beforehand_is_rendered_when_asked(tmp_path: Path, monkeypatch: Any) -> None:
    """A file that changes between the plan and the writing: its journey is made then, its SVG rendered then."""
    import pytest

    from journeyc.build import incremental, svg

    if svg.renderer() is None:
        pytest.skip("no SVG renderer here")
    root, out = _example(tmp_path), tmp_path / "out"
    _build(root, out, svg=True, cache=True)
    svgs = sorted((out / "diagrams").glob("*.svg"))
    svgs[0].write_bytes(svgs[0].read_bytes() + b"<!-- edited -->")
    monkeypatch.setattr(incremental.Plan, "to_make", lambda self, journeys, dest: set())  # as if planned before
    again = _build(root, out, svg=True, cache=True)
    assert again.made == 1 and not [n for n in again.notices if "SVG" in n]
    assert properties.tree(out) == properties.tree(_full_svg(root, tmp_path))


def _full_svg(root: Path, tmp: Path) -> Path:
    _build(root, tmp / "full-svg", svg=True, cache=False)
    return tmp / "full-svg"
