"""The local rules' findings kept per journey file: used when nothing they depend on changed, never trusted damaged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from journeyc import engine
from journeyc.cache import codec, location, segments, verdicts
from journeyc.diagnostics import Diagnostic, Edit, Fix, Position, Severity, Span
from journeyc.rules import LOCAL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "acme-saas"
BROKEN = ROOT / "examples" / "broken"
COLD = engine.CheckOptions()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """acme-saas (two clean journey files) with broken's journey (findings of most local rules, a fix)."""
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    shutil.copy(BROKEN / "journeys" / "inbound.yaml", root / "journeys" / "inbound.yaml")
    return root


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The ids of the journeys the local rules judge, one list per run of them."""
    runs: list[list[str]] = []
    real = engine.run_rules

    def spy(*args: object, **kwargs: object) -> list[engine.Pair]:
        part = kwargs.get("workspace")
        if kwargs.get("codes") == LOCAL and part is not None:
            runs.append(sorted(j.id for j in part.journeys))  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "run_rules", spy)
    return runs


def _same(root: Path, options: engine.CheckOptions = COLD) -> None:
    """A warm check of `root` says what a cold one says, hints and fixes included."""
    cold = engine.check([root], options)
    warm = engine.check([root], replace(options, cache=True))
    assert warm.notices == []
    assert [(d, d.hint, d.fix) for d in warm.diagnostics] == [(d, d.hint, d.fix) for d in cold.diagnostics]


def _segments(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{location.LAYOUT}/*/*/{segments.PREFIX}*"))


ALL = ["customer", "inbound", "new-business"]


def test_only_the_journeys_of_a_changed_file_are_judged_again(cache_dir: Path, workspace: Path,
                                                              judged: list[list[str]]) -> None:
    ids = sorted(j.id for j in engine.check([workspace]).loaded.workspace.journeys)  # type: ignore[union-attr]
    assert ids == ALL
    _same(workspace)
    _same(workspace)
    journey = workspace / "journeys" / "inbound.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace("lead chaud", "lead froid"), encoding="utf-8")
    _same(workspace)
    _same(workspace)
    assert judged == [ALL, [], ["inbound"], []]


@pytest.mark.parametrize("edit", ["teams", "vocabulary", "ignore", "severity", "targets", "gap elsewhere"])
def test_what_the_local_rules_read_besides_the_journey_is_part_of_the_key(
        cache_dir: Path, workspace: Path, judged: list[list[str]], edit: str) -> None:
    _same(workspace)
    teams, vocabulary, config = (workspace / n for n in ("teams.yaml", "vocabulary.yaml", "journeyc.yaml"))
    if edit == "teams":  # the owner of half the stages disappears: JC102 in every journey
        teams.write_text(teams.read_text(encoding="utf-8").replace("id: sales\n", "id: sellers\n"), encoding="utf-8")
    elif edit == "vocabulary":  # a word the journeys use becomes one to avoid: JC201
        vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("avoid: [dream client]",
                                                                             "avoid: [dream client, demo]"),
                              encoding="utf-8")
    elif edit in ("ignore", "severity", "targets"):
        extra = {"ignore": "rules:\n  ignore: [JC6]\n", "severity": "rules:\n  severity:\n    JC201: warning\n",
                 "targets": "build:\n  targets: [hubspot]\n"}[edit]
        text = config.read_text(encoding="utf-8")
        text = text.split("\nrules:")[0] if edit != "targets" else text.split("\nbuild:")[0] + "\n"
        config.write_text(text + "\n" + extra, encoding="utf-8")
    else:  # a file nobody can read: every rule that asks whether something is unknown answers otherwise
        (workspace / "journeys" / "broken.yaml").write_bytes(b"apiVersion: journeyc/v1\nkind: [\n")
    _same(workspace)
    assert judged == [ALL, ALL]
    _same(workspace)
    assert judged[-1] == []


def test_fixes_and_options_are_part_of_the_key(cache_dir: Path, workspace: Path, judged: list[list[str]]) -> None:
    for options in (engine.CheckOptions(), engine.CheckOptions(fixes=True), engine.CheckOptions(select=("JC2",)),
                    engine.CheckOptions(fixes=True)):
        _same(workspace, options)
    fixed = engine.check([workspace], engine.CheckOptions(fixes=True, cache=True))  # the fix from the entry
    assert judged == [ALL, ALL, ALL, [], []]
    assert [(d.code, d.fix) for d in fixed.diagnostics if d.fix is not None] == [
        ("JC201", Fix("replace 'hot lead' with 'MQL'", (Edit(Span(40, 26, 40, 34), "MQL"),))),
        ("JC006", Fix("remove the suppression comment", (Edit(Span(47, 16, 47, 59), ""),)))]


# --- never trusted when damaged -------------------------------------------------------------


def _rewrite_entries(cache: Path, change: object) -> int:
    """Replace every findings entry of the cache's segments by `change` (a value, or a function of the entry)."""
    count = 0
    for path in _segments(cache):
        entries = segments.read(path) or {}
        for name, entry in entries.items():
            if isinstance(entry, dict) and "findings" in entry:
                entries[name] = change(entry) if callable(change) else change
                count += 1
        path.unlink()
        segments.write(path.parent, entries)
    return count


@pytest.mark.parametrize("how", ["not-a-list", "short-item", "bad-diagnostic", "bad-scope", "bad-fix",
                                 "file-part", "null"])
def test_a_malformed_findings_entry_is_ignored_then_rewritten(cache_dir: Path, workspace: Path,
                                                              judged: list[list[str]], how: str) -> None:
    _same(workspace)
    part = {"text": True, "foreign": False, "failed": [], "diagnostics": [], "schema": [], "documents": []}
    change = {"not-a-list": {"findings": "none"}, "short-item": {"findings": [[1, 2]]},
              "bad-diagnostic": {"findings": [[["JC201", 7, "m", 1, 1, 1, 1, None], None, []]]},
              "bad-scope": {"findings": [[["JC201", 3, "m", 1, 1, 1, 2, None], None, ["1"]]]},
              "bad-fix": {"findings": [[["JC201", 3, "m", 1, 1, 1, 2, None], ["t", [[1, 1, 1]]], []]]},
              "file-part": part, "null": None}[how]
    assert _rewrite_entries(cache_dir, change) == 3
    _same(workspace)
    _same(workspace)
    assert judged == [ALL, ALL, []]


@pytest.mark.parametrize("how", ["truncated", "one-byte-changed"])
def test_a_damaged_segment_of_findings_is_ignored_then_rewritten(cache_dir: Path, workspace: Path,
                                                                 judged: list[list[str]], how: str) -> None:
    _same(workspace)
    for path in _segments(cache_dir):
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2] if how == "truncated" else raw.replace(b'"findings"', b'"findingz"', 1))
    _same(workspace)
    _same(workspace)
    assert judged == [ALL, ALL, []]


def test_an_entry_round_trips_with_its_fix_and_scope() -> None:
    diag = Diagnostic("JC201", Severity.ERROR, "'hot lead' is a word to avoid", Position("j.yaml", Span(4, 3, 4, 11)),
                      "use 'MQL'", Fix("use 'MQL'", (Edit(Span(4, 3, 4, 11), "MQL"),)))
    plain = Diagnostic("JC601", Severity.WARNING, "no sla_days", Position("j.yaml", Span(2, 5, 2, 9)))
    entry = verdicts.encode([(diag, (4, 3)), (plain, ())], "j.yaml")
    assert entry is not None
    back = verdicts.decode(json.loads(json.dumps(entry)), "j.yaml")
    assert [(d, d.hint, d.fix, scope) for d, scope in back] == [(diag, diag.hint, diag.fix, (4, 3)),
                                                               (plain, None, None, ())]
    elsewhere = Diagnostic("JC201", Severity.ERROR, "m", Position("other.yaml", Span(1, 1, 1, 2)))
    assert verdicts.encode([(plain, ()), (elsewhere, ())], "j.yaml") is None  # not about this file alone
    with pytest.raises(codec.Corrupt):
        verdicts.decode({"findings": [[["JC201", 3, "m", 1, 1, 1, 2, 5], None, []]]}, "j.yaml")  # hint not text


# --- two processes at once ---------------------------------------------------------------------


def _check(root: Path, cache: Path | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != location.ENV_OFF}
    env |= {location.ENV_DIR: str(cache)} if cache else {location.ENV_OFF: "1"}
    return subprocess.Popen([sys.executable, "-m", "journeyc", "check", "--format", "json", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_two_processes_writing_findings_at_once_never_corrupt_them(cache_dir: Path, workspace: Path) -> None:
    teams = workspace / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    for round_ in range(4):  # each round changes the teams: both processes make and write every journey's findings
        teams.write_text(text.replace("id: sales\n", "id: sellers\n") if round_ % 2 else text + f"# {round_}\n",
                         encoding="utf-8")
        cold_out, _ = _check(workspace, None).communicate(timeout=120)
        both = [_check(workspace, cache_dir) for _ in range(2)]
        for proc in both:
            out, err = proc.communicate(timeout=120)
            assert (out, err) == (cold_out, b"")
    for path in _segments(cache_dir):
        assert segments.read(path) is not None, f"{path.name} is damaged"
    _same(workspace)
