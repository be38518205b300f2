"""A warm check says exactly what a cold one says, after any sequence of edits (issue 17, target 1).

Each example starts from one of the example workspaces and applies a random
sequence of edits (a journey re-written or mutated, bytes mangled, a file
added, removed or put back as it was, teams, vocabulary or journeyc.yaml
changed); after each edit the workspace is checked cold (no cache) and warm
(through the cache, which holds what earlier steps loaded), and everything the
check returns is compared: diagnostics, counts, skipped files, the kinds read,
and the model as `journeys.json` writes it (every object's file and line).
"""

from __future__ import annotations

import copy
import os
import random
from pathlib import Path

from fuzzing import properties, strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc import engine
from journeyc.emitters import model_json

EXAMPLES = settings().max_examples


def _snapshot(result: engine.CheckResult) -> tuple[object, ...]:
    loaded = result.loaded
    assert loaded is not None
    model = model_json.dumps(model_json.model(loaded.workspace))
    kinds = {k: sorted(v) for k, v in loaded.kinds.items()}
    return result.diagnostics, result.files, result.skipped, kinds, model, sorted(loaded.sources)


def _edit(files: strategies.Files, history: list[strategies.Files], data: strategies.Data,
          rnd: random.Random) -> strategies.Files:
    """One edit of the workspace's files."""
    files = dict(files)
    op = rnd.randrange(7)
    paths = sorted(files)
    if op == 0 and paths:  # one file mangled at the byte level
        path = rnd.choice(paths)
        files[path] = strategies.mutate_bytes(files[path], rnd, rnd.choice((1, 3)))
    elif op == 1:  # a structure-aware mutation, rendered again (often touches teams, vocabulary or the config)
        files = strategies.mutated_workspace(data, rnd, clean=rnd.random() < 0.5)
    elif op == 2 and paths:  # one file back as it was some steps ago (its entry is still in the cache)
        old = rnd.choice(history)
        path = rnd.choice(sorted(old))
        files[path] = old[path]
    elif op == 3 and len(paths) > 1:
        del files[rnd.choice(paths)]
    elif op == 4 and paths:  # a copy under another name: the same bytes twice, ids twice
        files[f"journeys/copy-{rnd.randrange(5)}.yaml"] = files[rnd.choice(paths)]
    elif op == 5 and paths:  # one file re-rendered in another layout: other lines, the same data
        path = rnd.choice(paths)
        one = {path: data.get(path, [])}
        files.update(strategies.render(copy.deepcopy(one), rnd, exact=False))
    else:  # a gentle edit of one document
        files.update(strategies.render(strategies.gentle_mutate(data, rnd, 1), rnd, exact=False))
    return files


def _write(root: Path, files: strategies.Files) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            path.unlink()
    properties.write_files(root, files)


@settings(max_examples=max(8, EXAMPLES // 5))
@given(example=st.sampled_from(strategies.example_workspaces()), seed=st.integers(0, 2**32), steps=st.integers(2, 6))
def test_warm_check_equals_cold_check_over_random_edit_sequences(
        example: tuple[str, strategies.Data], seed: int, steps: int) -> None:
    _, data = example
    rnd = random.Random(seed)  # the edits need no shrinking: a seed draws much faster than st.randoms()
    saved = os.environ["JOURNEYC_CACHE_DIR"]
    with properties.scratch() as tmp:
        os.environ["JOURNEYC_CACHE_DIR"] = str(tmp / "cache")
        try:
            _sequence(tmp, data, rnd, steps)
        finally:
            os.environ["JOURNEYC_CACHE_DIR"] = saved


def _sequence(tmp: Path, data: strategies.Data, rnd: random.Random, steps: int) -> None:
    (tmp / "journeyc.yaml").write_bytes(b"")  # stops find_root here if the edits remove the workspace's own
    root = tmp / "ws"
    files = strategies.render(data, rnd, exact=False)
    history = [files]
    warm_options = engine.CheckOptions(cache=True)
    for _ in range(steps):
        _write(root, files)
        cold = engine.check([root])
        warm = engine.check([root], warm_options)
        assert warm.notices == []
        assert _snapshot(warm) == _snapshot(cold)
        yaml_files = sorted(p for p in root.rglob("*.y*ml") if p.is_file())
        if yaml_files:  # as pre-commit runs it, warm and cold
            one = rnd.choice(yaml_files)
            assert _snapshot(engine.check([one], warm_options)) == _snapshot(engine.check([one]))
        files = _edit(files, history, data, rnd)
        history.append(files)
