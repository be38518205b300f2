"""A warm check says exactly what a cold one says, after any sequence of edits (issue 17, target 1).

Each example starts from one of the example workspaces and applies a random
sequence of edits (a journey re-written or mutated, bytes mangled, a file
added, removed or put back as it was, teams, vocabulary or journeyc.yaml
changed: a team or a term dropped or renamed, a word of a journey made one to
avoid, rules selected, ignored or given another severity, other build
targets); after each edit the workspace is checked cold (no cache) and warm
(through the cache, which holds what earlier steps loaded and the local rules'
findings they made), with options drawn for the step (selected codes, fixes,
targets), and everything the check returns is compared: the report as the JSON
formatter writes it byte for byte, each diagnostic's hint and fix, counts,
skipped files, the kinds read, and the model as `journeys.json` writes it
(every object's file and line).
"""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from fuzzing import properties, strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc import engine
from journeyc.diagnostics import Severity
from journeyc.emitters import model_json
from journeyc.formatters import FORMATTERS, Report

EXAMPLES = settings().max_examples


def _snapshot(result: engine.CheckResult) -> tuple[object, ...]:
    loaded = result.loaded
    assert loaded is not None
    model = model_json.dumps(model_json.model(loaded.workspace))
    kinds = {k: sorted(v) for k, v in loaded.kinds.items()}
    report = FORMATTERS["json"](Report(result.diagnostics, result.files, skipped=result.skipped))
    fixes = [(d.hint, d.fix) for d in result.diagnostics]  # the JSON report says neither
    return report, fixes, result.diagnostics, result.files, result.skipped, kinds, model, sorted(loaded.sources)


#: the options of a step: what the local rules' cached findings depend on besides the files
OPTIONS = (engine.CheckOptions(), engine.CheckOptions(fixes=True), engine.CheckOptions(ignore=("JC6",)),
           engine.CheckOptions(select=("JC1", "JC2", "JC4")), engine.CheckOptions(targets=("hubspot",)),
           engine.CheckOptions(severity={"JC601": Severity.ERROR, "JC201": Severity.INFO}))


def _edit(files: strategies.Files, history: list[strategies.Files], data: strategies.Data,
          rnd: random.Random) -> strategies.Files:
    """One edit of the workspace's files."""
    files = dict(files)
    op = rnd.randrange(10)
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
    elif op == 6:  # a gentle edit of one document
        files.update(strategies.render(strategies.gentle_mutate(data, rnd, 1), rnd, exact=False))
    else:  # what every journey's local findings depend on: the teams, the vocabulary, journeyc.yaml
        kind = ("Teams", "Vocabulary", "Config")[op - 7]
        for path, docs in data.items():
            if docs and isinstance(docs[0], dict) and docs[0].get("kind") == kind:
                edited = copy.deepcopy(docs)
                _EDITS[kind](edited[0], data, rnd)
                files.update(strategies.render({path: edited}, rnd, exact=False))
    return files


def _teams(doc: dict[str, Any], data: strategies.Data, rnd: random.Random) -> None:
    """A team dropped or renamed: the stages it owns get JC102, or lose it."""
    teams = doc.get("teams")
    if isinstance(teams, list) and teams:
        i = rnd.randrange(len(teams))
        if rnd.random() < 0.5 or not isinstance(teams[i], dict):
            del teams[i]
        else:
            teams[i]["id"] = f"{teams[i].get('id')}-renamed"


def _vocabulary(doc: dict[str, Any], data: strategies.Data, rnd: random.Random) -> None:
    """A term dropped (JC103 where stages name it), or a word of a journey made one to avoid (JC201, with fixes)."""
    terms = doc.get("terms")
    if not isinstance(terms, list) or not terms:
        return
    i = rnd.randrange(len(terms))
    if rnd.random() < 0.4 or not isinstance(terms[i], dict):
        del terms[i]
        return
    words = [w for docs in data.values() for d in docs if isinstance(d, dict) and d.get("kind") == "Journey"
             for text in _texts(d) for w in text.split() if w.isalpha() and len(w) > 3]
    if words:
        terms[i]["avoid"] = [*terms[i].get("avoid", []), rnd.choice(words)]


def _config(doc: dict[str, Any], data: strategies.Data, rnd: random.Random) -> None:
    """Rules selected, ignored or given another severity, or other build targets."""
    choice = rnd.randrange(4)
    if choice == 0:
        doc["rules"] = {"ignore": [rnd.choice(("JC1", "JC2", "JC3", "JC6", "JC102", "JC201", "JC601"))]}
    elif choice == 1:
        doc["rules"] = {"select": [rnd.choice(("JC1", "JC2", "JC4", "JC5", "JC6"))]}
    elif choice == 2:
        doc["rules"] = {"severity": {rnd.choice(("JC601", "JC302", "JC201", "JC605")): rnd.choice(("info", "error"))}}
    else:
        doc["build"] = {"targets": rnd.sample(["model", "hubspot", "salesforce", "pipedrive"], rnd.randrange(1, 4))}


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("id", "to", "when", "term", "owner", "kind", "apiVersion"):
                yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


_EDITS: dict[str, Callable[[dict[str, Any], strategies.Data, random.Random], None]] = {
    "Teams": _teams, "Vocabulary": _vocabulary, "Config": _config}


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
    for _ in range(steps):
        _write(root, files)
        options = rnd.choice(OPTIONS)
        warm_options = replace(options, cache=True)
        cold = engine.check([root], options)
        warm = engine.check([root], warm_options)
        assert warm.notices == []
        assert _snapshot(warm) == _snapshot(cold)
        again = engine.check([root], warm_options)  # every finding from the cache now
        assert _snapshot(again) == _snapshot(cold)
        yaml_files = sorted(p for p in root.rglob("*.y*ml") if p.is_file())
        if yaml_files:  # as pre-commit runs it, warm and cold
            one = rnd.choice(yaml_files)
            assert _snapshot(engine.check([one], warm_options)) == _snapshot(engine.check([one], options))
        files = _edit(files, history, data, rnd)
        history.append(files)
