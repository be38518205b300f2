"""Properties of the safe fixes, over the examples and generated workspaces (issue 16).

- An edit says exactly what it means: applied alone, it changes the value it
  fixes as intended and nothing else in the document, whatever YAML style
  the text is written in (plain, quoted, folded, literal, flow).
- `journeyc fix` never makes a diagnostic appear, and a second run finds
  nothing to do.
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fuzzing import properties, strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc import engine, fixer
from journeyc.rules import RULES
from journeyc.rules.base import Context
from journeyc.workspace import edits
from journeyc.workspace.loading import load_bytes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = settings().max_examples
#: free text of a journey that the vocabulary rule reads
_TEXT_FIELDS = (("description",), ("name",))
_STAGE_FIELDS = ("description", "actions", "content")


def with_avoided_words(gen: strategies.Generated, rnd: random.Random) -> strategies.Data:
    """The generated workspace with avoided words written into its free text, some opening a sentence."""
    data = {path: [dict(d) for d in docs] for path, docs in gen.data.items()}
    words = [w for docs in data.values() for d in docs if d.get("kind") == "Vocabulary"
             for t in d.get("terms", []) for w in t.get("avoid", [])]
    if not words:
        return data
    for docs in data.values():
        for doc in docs:
            if doc.get("kind") != "Journey":
                continue
            for stage in doc.get("stages", []):
                if rnd.random() < 0.5:
                    stage["description"] = _spliced(stage.get("description", ""), rnd.choice(words), rnd)
                if rnd.random() < 0.3:
                    stage["actions"] = [*stage.get("actions", []), _spliced("call", rnd.choice(words), rnd)]
            if rnd.random() < 0.3:
                doc["description"] = _spliced(doc.get("description", "Text."), rnd.choice(words), rnd)
    return data


def _spliced(text: str, word: str, rnd: random.Random) -> str:
    how = rnd.randrange(4)
    if how == 0:
        return f"{word.capitalize()} first. {text}"
    if how == 1:
        return f"{text} then {word} again"
    if how == 2:
        return f"{text}\n{word} on a line of its own"
    return f"{word}"


def test_every_fix_edit_changes_exactly_its_value_in_the_examples() -> None:
    for name in ("broken", "acme-saas"):
        root = ROOT / "examples" / name
        for path in sorted(root.rglob("*.yaml")):
            edit_property(path.relative_to(root).as_posix(), path.read_bytes(), engine.load_workspace(root))


@settings(max_examples=max(10, EXAMPLES // 3))
@given(gen=strategies.valid_workspaces(), rnd=st.randoms(use_true_random=False), layout=st.integers(0, 2**32))
def test_every_fix_edit_changes_exactly_its_value(gen: strategies.Generated, rnd: random.Random, layout: int) -> None:
    files = strategies.render(with_avoided_words(gen, rnd), random.Random(layout), exact=True)
    with properties.scratch() as tmp:
        properties.write_files(tmp, files)
        loaded = engine.load_workspace(tmp)
        for rel, raw in files.items():
            edit_property(engine.display_path(tmp / rel), raw, loaded)


def edit_property(shown: str, raw: bytes, loaded: engine.Loaded) -> None:
    """Each JC201 finding's fix, applied alone to its file, gives the document with that one value changed."""
    avoided = RULES["JC201"]
    assert avoided.check is not None
    for finding in avoided.check(loaded.workspace, Context()):
        if finding.at.file != shown and os.path.abspath(finding.at.file) != os.path.abspath(shown):
            continue
        fix = edits.replace_in_scalar(finding)
        if fix is None:
            continue  # not certainly safe in that place: no fix is offered
        doc = finding.at.doc
        text = edits.apply_edits(doc.source.text, fix.edits)
        after = load_bytes(doc.source.path, raw[:3] * (raw[:3] == b"\xef\xbb\xbf") + text.encode("utf-8"))
        assert not after.diagnostics, (fix, after.diagnostics)
        expected = _changed(doc.data, finding.at.path, finding.offset or 0, finding.length, finding.replacement or "")
        assert after.documents[[d.index for d in after.documents].index(doc.index)].data == expected, fix


def _changed(data: Any, path: tuple[Any, ...], offset: int, length: int, new: str) -> Any:
    import copy

    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    value = node[path[-1]]
    node[path[-1]] = value[:offset] + new + value[offset + length:]
    return out


def _keys(result: engine.CheckResult) -> Counter[tuple[str, str, str]]:
    return Counter(fixer._key(d) for d in result.diagnostics)


def fix_property(root: Path) -> None:
    """`journeyc fix` makes no diagnostic appear, and leaves nothing to fix for a second run."""
    before = engine.check([root])
    first = fixer.fix([root])
    fixer.write(first)
    after = engine.check([root])
    assert not _keys(after) - _keys(before), _keys(after) - _keys(before)
    again = fixer.fix([root])
    assert again.files == [], [(f.shown, f.fixes) for f in again.files]


@pytest.mark.parametrize("name", ["broken", "acme-saas"])
def test_fix_makes_nothing_appear_in_the_examples(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path / name)
    fix_property(tmp_path / name)


@settings(max_examples=max(5, EXAMPLES // 5))
@given(gen=strategies.valid_workspaces(), rnd=st.randoms(use_true_random=False), layout=st.integers(0, 2**32))
def test_fix_makes_nothing_appear_in_generated_workspaces(gen: strategies.Generated, rnd: random.Random,
                                                          layout: int) -> None:
    files = strategies.render(with_avoided_words(gen, rnd), random.Random(layout), exact=True)
    with properties.scratch() as tmp:
        properties.write_files(tmp, files)
        fix_property(tmp)


@settings(max_examples=max(5, EXAMPLES // 5))
@given(files=strategies.mutated_workspaces())
def test_fix_makes_nothing_appear_in_mutated_workspaces(files: strategies.Files) -> None:
    with properties.scratch() as tmp:
        (tmp / "journeyc.yaml").write_bytes(b"")
        root = tmp / "ws"
        root.mkdir()
        properties.write_files(root, files)
        fix_property(root)
