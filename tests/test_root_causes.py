"""One mistake, one diagnostic (issue 10): single mistakes made in a realistic workspace, as data.

Each case in tests/rootcause/*.yaml starts from tests/rootcause/workspace (a copy
of examples/acme-saas, clean), makes one mistake by editing its files, and
lists the complete diagnostics `journeyc check` must give: code, file, line,
column, message and hint, exactly, nothing more. A case may also check the
same workspace file by file (`check FILE`, as the pre-commit hook does): the
file the mistake is in must say the same.

Edits: `replace` (an exact text that must occur `count` times, 1 by default)
with `with` (repeated `times` times); `write` (a whole file, or null to delete it); `encoding` writes the
edited file in another encoding (utf-16...). `pytest -k rootcause-tab` runs one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeyc import engine

HERE = Path(__file__).parent / "rootcause"
BASE = HERE / "workspace"


def _cases() -> list[Any]:
    params = []
    for path in sorted(HERE.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}-{case['name']}"))
    return params


def make(root: Path, edits: list[dict[str, Any]]) -> list[Path]:
    """Copy the base workspace to `root` and make the case's mistake; the files it touched."""
    shutil.copytree(BASE, root)
    touched = []
    for edit in edits:
        target = root / edit["file"]
        if "write" in edit:
            if edit["write"] is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            text = edit["write"]
        else:
            text = target.read_text(encoding="utf-8")
            count = edit.get("count", 1)
            found = text.count(edit["replace"])
            assert found == count, f"{edit['file']}: {edit['replace']!r} occurs {found} times, not {count}"
            text = text.replace(edit["replace"], edit["with"] * edit.get("times", 1))
        target.write_bytes(text.encode(edit.get("encoding", "utf-8"), "surrogatepass"))
        touched.append(target)
    return touched


def _listed(result: engine.CheckResult) -> list[list[object]]:
    return [[d.code, d.position.file, d.position.line, d.position.column, d.message, d.hint]
            for d in result.diagnostics]


@pytest.mark.parametrize("case", _cases())
def test_root_cause(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ws"
    touched = make(root, case["edits"])
    monkeypatch.chdir(root)
    whole = _listed(engine.check([Path(".")]))
    assert whole == case["expect"], "\n".join(map(str, whole))
    if case.get("one_file", True) and touched:
        # as the pre-commit hook checks it: the edited files alone say the same
        focused = _listed(engine.check([p.relative_to(root) for p in touched if p.exists()]))
        assert focused == case["expect"], "\n".join(map(str, focused))


def test_the_base_workspace_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path / "ws", [])
    monkeypatch.chdir(tmp_path / "ws")
    result = engine.check([Path(".")])
    assert _listed(result) == []
    assert result.files == 5


def test_every_case_is_one_mistake_with_one_diagnostic_unless_it_says_why() -> None:
    """A case that expects more or less than one diagnostic says why (`why:`): several mistakes made at once."""
    for param in _cases():
        case = param.values[0]
        assert len(case["expect"]) == 1 or case.get("why"), case["name"]
