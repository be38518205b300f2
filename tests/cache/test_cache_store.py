"""The cache is boring: found by content, never trusted when damaged, safe with two processes, easy to turn off."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from journeyc import engine
from journeyc.cache import codec, key, location, segments, store
from journeyc.cli import main
from journeyc.workspace import maplines
from journeyc.workspace.filepart import judge_file
from journeyc.workspace.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "acme-saas"
BROKEN = ROOT / "examples" / "broken"
#: the files of examples/broken that go through the cache (journeyc.yaml is read before, for its limits)
FILES = 3


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BROKEN, root)
    return root


def _segments(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{location.LAYOUT}/*/*/{segments.PREFIX}*"))


def _open(root: Path) -> store.Store:
    found, why = store.open_store(root)
    assert found is not None, why
    return found


def _load(root: Path, into: store.Store) -> engine.Loaded:
    loaded = engine.load_workspace(root, judge=into.judge)
    into.save()
    return loaded


# --- found by content -------------------------------------------------------------------


def test_a_second_run_loads_nothing_and_says_the_same(cache_dir: Path, workspace: Path) -> None:
    cold = engine.check([workspace])
    first = _open(workspace)
    _load(workspace, first)
    assert (first.hits, first.misses) == (0, FILES)
    second = _open(workspace)
    _load(workspace, second)
    assert (second.hits, second.misses) == (FILES, 0)
    warm = engine.check([workspace], engine.CheckOptions(cache=True))
    assert warm.diagnostics == cold.diagnostics and warm.files == cold.files and warm.notices == []


def test_one_changed_file_is_the_one_loaded_and_its_entry_is_added(cache_dir: Path, workspace: Path) -> None:
    _load(workspace, _open(workspace))
    journey = workspace / "journeys" / "inbound.yaml"
    journey.write_text(journey.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    again = _open(workspace)
    _load(workspace, again)
    assert (again.hits, again.misses) == (FILES - 1, 1)
    assert len(_segments(cache_dir)) == 2
    last = _open(workspace)
    _load(workspace, last)
    assert (last.hits, last.misses) == (FILES, 0)


def test_entries_do_not_depend_on_where_the_file_is_or_where_journeyc_runs(
        cache_dir: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(workspace, _open(workspace))
    monkeypatch.chdir(workspace / "journeys")  # other paths shown, the same bytes
    warm = engine.check([workspace], engine.CheckOptions(cache=True))
    assert warm.diagnostics == engine.check([workspace]).diagnostics
    assert any(d.position.file.startswith("../") for d in warm.diagnostics)


def test_the_limits_of_journeyc_yaml_are_part_of_the_key(cache_dir: Path, workspace: Path) -> None:
    assert key.environment(Limits()) != key.environment(Limits(max_depth=63))
    _load(workspace, _open(workspace))
    config = workspace / "journeyc.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_depth: 3\n", encoding="utf-8")
    again = _open(workspace)
    _load(workspace, again)
    assert again.hits == 0
    assert engine.check([workspace], engine.CheckOptions(cache=True)).diagnostics == \
        engine.check([workspace]).diagnostics


def test_lines_come_back_by_path_not_by_id(cache_dir: Path) -> None:
    raw = (EXAMPLE / "journeys" / "new-business.yaml").read_bytes()
    cold = judge_file("j.yaml", raw, Limits())
    entry = json.loads(json.dumps(codec.encode(cold, "j.yaml")))
    warm = codec.decode_entry(entry, "j.yaml", raw)
    (cold_doc,), (warm_doc,) = cold.loaded.documents, warm.loaded.documents
    assert warm_doc.data == cold_doc.data
    cold_lines = [cold_doc.lines[id(m)] for m in maplines.mappings(cold_doc.data)]
    warm_lines = [warm_doc.lines[id(m)] for m in maplines.mappings(warm_doc.data)]
    assert warm_lines == cold_lines and len(set(warm_lines)) > 20


# --- never trusted when damaged ------------------------------------------------------------


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    head, _, rest = raw.partition(b"\n")
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        path.write_bytes(b"\x00\xff not json at all")
    elif how == "changed":  # one byte of an entry: the digest no longer matches
        path.write_bytes(raw.replace(b'"owner"', b'"ownez"', 1))
    elif how == "foreign":  # JSON from somewhere else
        path.write_bytes(b'{"hello": "world"}\n{}')
    elif how == "other-format":
        path.write_bytes(json.dumps({"journeyc-cache": key.FORMAT + 1}).encode() + b"\n" + rest)
    elif how == "malformed-entry":  # a well-formed segment whose entries are not what journeyc writes
        names = list(segments.read(path) or {})
        path.unlink()
        segments.write(path.parent, {name: {"text": True, "foreign": False, "failed": [], "schema": [],
                                            "diagnostics": [["JC001", 9, "x"]], "documents": []} for name in names})
    elif how == "pickle":  # what an attacker would plant: it is only ever parsed as JSON
        path.write_bytes(b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.")


@pytest.mark.parametrize("how", ["truncated", "garbage", "changed", "foreign", "other-format", "malformed-entry",
                                 "pickle"])
def test_a_damaged_segment_is_ignored_then_rewritten(cache_dir: Path, workspace: Path, how: str) -> None:
    cold = engine.check([workspace])
    _load(workspace, _open(workspace))
    (segment,) = _segments(cache_dir)
    _damage(segment, how)
    (segment,) = _segments(cache_dir)
    damaged = _open(workspace)
    _load(workspace, damaged)
    assert damaged.hits == 0 and damaged.misses == FILES
    assert not segment.exists(), "the damaged segment is removed"
    assert engine.check([workspace], engine.CheckOptions(cache=True)).diagnostics == cold.diagnostics
    healed = _open(workspace)
    _load(workspace, healed)
    assert (healed.hits, healed.misses) == (FILES, 0)


def test_an_entry_that_lies_about_the_file_is_not_used(cache_dir: Path) -> None:
    raw = (EXAMPLE / "teams.yaml").read_bytes()
    entry = codec.encode(judge_file("t.yaml", raw, Limits()), "t.yaml")
    assert entry is not None
    for broken in ({**entry, "documents": [{"i": 0, "data": [], "lines": []}]},
                   {**entry, "documents": [{**entry["documents"][0], "lines": ["1"]}]},
                   {**entry, "failed": "Journey"}, {**entry, "text": "yes"}, [], None):
        with pytest.raises(codec.Corrupt):
            codec.decode_entry(broken, "t.yaml", raw)


def test_a_file_json_cannot_say_exactly_is_loaded_every_time(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    (root / "journeyc.yaml").write_text("apiVersion: journeyc/v1\nkind: Config\n", encoding="utf-8")
    # an integer of 5,000 hex digits: Python reads it, JSON may not write it
    (root / "j.yaml").write_text("apiVersion: journeyc/v1\nkind: Journey\nid: j\nx-n: 0x" + "f" * 5000 + "\n",
                                 encoding="utf-8")
    for _ in range(2):
        warm = engine.check([root], engine.CheckOptions(cache=True))
        assert warm.diagnostics == engine.check([root]).diagnostics and warm.notices == []


#: what YAML data can hold that orjson reads otherwise than json or refuses: NaN and infinities, integers beyond
#: 64 bits (orjson makes them floats), lone surrogates, negative zero; and a run of digits inside a text
_EDGES = [float("nan"), float("inf"), -float("inf"), 2**64, -(2**63) - 1, 10**40, 2**63 - 1, "\ud800",
          "a\udfffb", -0.0, "id 12345678901234567890", {"k": [1, 1.0, True, None, "é"]}]


def _round_trip(tmp_path: Path, entries: dict[str, object]) -> str:
    """The entries read back from a segment, by name (the lines only json reads come last)."""
    for old in segments.names(tmp_path):
        old.unlink()
    assert segments.write(tmp_path, entries) == len(entries)
    [path] = segments.names(tmp_path)
    found = segments.read(path)
    assert found is not None
    return repr(sorted(found.items()))


@pytest.mark.parametrize("value", _EDGES, ids=repr)
def test_a_segment_gives_back_what_json_would(tmp_path: Path, value: object) -> None:
    entries = {"plain": {"n": 1}, "edge": {"e": value}}
    assert _round_trip(tmp_path, entries) == repr(sorted(entries.items()))


@given(st.dictionaries(st.text(max_size=4), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20),
    max_size=6))
def test_any_entries_come_back_as_json_reads_them(tmp_path_factory: pytest.TempPathFactory,
                                                   entries: dict[str, object]) -> None:
    if not entries:
        return
    expected = json.loads(json.dumps(entries))
    assert _round_trip(tmp_path_factory.mktemp("seg"), entries) == repr(sorted(expected.items()))


def test_a_large_segments_line_is_decoded_when_one_of_its_entries_is_asked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = {f"n{i}": {"i": i} for i in range(segments.PER_LINE + 1)}  # two lines
    assert segments.write(tmp_path, entries) == len(entries)
    [path] = segments.names(tmp_path)
    shelf = store.Shelf(tmp_path)
    shelf.load()
    assert shelf.entries == entries  # a small segment: decoded as it is read
    monkeypatch.setattr(store, "LAZY_BYTES", path.stat().st_size - 1)
    shelf = store.Shelf(tmp_path)
    shelf.load()
    first, second = shelf.entries["n0"], shelf.entries[f"n{segments.PER_LINE}"]
    assert type(first) is segments.Pending and type(second) is segments.Pending and first is not second
    assert shelf.entry("n1") == {"i": 1}
    assert shelf.entries["n0"] == {"i": 0} and shelf.entries[f"n{segments.PER_LINE}"] is second  # its line only
    assert segments.read(path) == entries


@pytest.mark.parametrize("line", [b'{"n0":{"i":0},"n1":{"i":1}', b'{"n0":{"i":0},"other":{"i":1}}', b"[1]"])
def test_a_line_that_is_not_what_its_names_say_is_a_corrupt_entry(tmp_path: Path, line: bytes) -> None:
    pending = segments.Pending(line + b"\n", ["n0", "n1"])
    shelf = store.Shelf(tmp_path, entries={"n0": pending, "n1": pending})
    for name in ("n0", "n1"):  # each asks, and each is told (the line is not decoded twice)
        with pytest.raises(codec.Corrupt):
            shelf.entry(name)
    assert pending.failed


# --- two processes at once ---------------------------------------------------------------------


def _run_check(root: Path, cache: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != location.ENV_OFF} | {location.ENV_DIR: str(cache)}
    return subprocess.Popen([sys.executable, "-m", "journeyc", "check", "--format", "json", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_two_processes_at_once_never_corrupt_it(cache_dir: Path, workspace: Path) -> None:
    expected = subprocess.run([sys.executable, "-m", "journeyc", "check", "--no-cache", "--format", "json",
                               str(workspace)], capture_output=True, check=False)
    journey = workspace / "journeys" / "inbound.yaml"
    text = journey.read_text(encoding="utf-8")
    for round_ in range(6):  # each round changes a file, so both processes write, and compaction comes round
        journey.write_text(text + f"\n# round {round_}\n", encoding="utf-8")
        cold = subprocess.run([sys.executable, "-m", "journeyc", "check", "--no-cache", "--format", "json",
                               str(workspace)], capture_output=True, check=False)
        both = [_run_check(workspace, cache_dir) for _ in range(2)]
        for proc in both:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == cold.returncode == expected.returncode
            assert out == cold.stdout and err == b""
    for path in _segments(cache_dir):
        assert segments.read(path) is not None, f"{path.name} is damaged"
    last = _open(workspace)
    _load(workspace, last)
    assert last.misses == 0


def test_segments_written_at_the_same_time_are_all_whole(cache_dir: Path, workspace: Path) -> None:
    """Many writers into one directory: every segment reads back whole, none is half-written."""
    directory = cache_dir / "x"
    directory.mkdir(parents=True)
    script = ("import sys; from pathlib import Path; from journeyc.cache import segments\n"
              "for n in range(20): segments.write(Path(sys.argv[1]), {f'k{n}': {'v': 'x' * 100000}})\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(directory)]) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    found = segments.names(directory)
    assert len(found) == 80
    assert all(segments.read(p) is not None for p in found)
    assert not [p for p in directory.iterdir() if p.name.startswith(segments.TMP_PREFIX)]


# --- compaction and forgetting --------------------------------------------------------------------


def test_segments_stay_few_and_old_entries_go(cache_dir: Path, workspace: Path) -> None:
    journey = workspace / "journeys" / "inbound.yaml"
    text = journey.read_text(encoding="utf-8")
    for n in range(3 * store.MAX_SEGMENTS):
        journey.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        _load(workspace, _open(workspace))
        assert len(_segments(cache_dir)) <= store.MAX_SEGMENTS
    total = sum(len(segments.read(p) or {}) for p in _segments(cache_dir))
    assert total <= FILES + store.MAX_SEGMENTS


def test_merging_the_small_segments_leaves_the_first_one_as_it_is(cache_dir: Path, workspace: Path) -> None:
    _load(workspace, _open(workspace))
    [first] = _segments(cache_dir)
    written = first.read_bytes()
    journey = workspace / "journeys" / "inbound.yaml"
    text = journey.read_text(encoding="utf-8")
    for n in range(2 * store.MAX_SEGMENTS):
        journey.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        _load(workspace, _open(workspace))
        assert first.read_bytes() == written and len(_segments(cache_dir)) <= store.MAX_SEGMENTS
    # the merged segments keep only what was used: the file as it is now, not its fifteen older versions
    assert sum(len(segments.read(p) or {}) for p in _segments(cache_dir) if p != first) <= store.MAX_SEGMENTS - 1
    again = _open(workspace)
    _load(workspace, again)
    assert (again.hits, again.misses) == (FILES, 0)


def test_too_many_entries_no_longer_used_compact_everything_into_one(cache_dir: Path, workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MAX_DEAD", 2)
    _load(workspace, _open(workspace))
    journey = workspace / "journeys" / "inbound.yaml"
    text = journey.read_text(encoding="utf-8")
    counts = []
    for n in range(6):  # the first segment's entry for the journey, then each edit's, is no longer used
        journey.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        _load(workspace, _open(workspace))
        counts.append([len(segments.read(p) or {}) for p in _segments(cache_dir)])
    # dead entries: 1, 2, 3 (kept: not more than the 3 live ones), 4 (all compacted), then a new segment again
    assert counts == [[FILES, 1], [FILES, 1, 1], [FILES, 1, 1, 1], [FILES], [FILES, 1], [FILES, 1, 1]]


def test_unused_workspaces_and_environments_are_forgotten(cache_dir: Path, workspace: Path) -> None:
    _load(workspace, _open(workspace))
    mine = location.workspace_dir(workspace, cache_dir)
    current = set(os.listdir(mine))
    other_workspace = mine.parent / ("0" * 24)
    other_environment = mine / ("1" * 32)
    for folder in (other_workspace, other_environment):
        folder.mkdir()
        old = time.time() - store.KEEP_WORKSPACE - 1
        os.utime(folder, (old, old))
    recent = mine.parent / ("2" * 24)
    recent.mkdir()
    store.prune(mine, current)
    assert not other_workspace.exists() and not other_environment.exists() and recent.exists()


# --- turned off, read-only, cleaned ----------------------------------------------------------------


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    yield CliRunner()


def test_no_cache_and_the_environment_variable_turn_it_off(cache_dir: Path, workspace: Path,
                                                          runner: CliRunner) -> None:
    assert runner.invoke(main, ["check", "--no-cache", str(workspace)]).exit_code == 1
    assert not cache_dir.exists()
    result = runner.invoke(main, ["check", str(workspace)], env={location.ENV_OFF: "1"})
    assert result.exit_code == 1 and not cache_dir.exists()
    assert runner.invoke(main, ["build", "--no-svg", "--no-cache", str(EXAMPLE), "--out",
                                str(workspace.parent / "out")]).exit_code == 0
    assert not cache_dir.exists()
    assert location.disabled({location.ENV_OFF: "0"}) is False and location.disabled({location.ENV_OFF: "yes"})
    assert runner.invoke(main, ["check", str(workspace)]).exit_code == 1
    assert _segments(cache_dir)


def test_a_location_that_cannot_be_written_means_no_cache_and_one_notice(
        tmp_path: Path, workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n", encoding="utf-8")
    monkeypatch.setenv(location.ENV_DIR, str(blocker / "cache"))
    cold = runner.invoke(main, ["check", "--no-cache", str(workspace)])
    result = runner.invoke(main, ["check", str(workspace)])
    assert result.exit_code == cold.exit_code == 1 and result.stdout == cold.stdout
    assert result.stderr == (f"journeyc: note: cache off: cannot write to {blocker / 'cache'}: Not a directory"
                             " (set JOURNEYC_CACHE_DIR, or JOURNEYC_NO_CACHE=1)\n")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_location_means_no_cache_and_one_notice(
        tmp_path: Path, workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "ro"
    where.mkdir()
    where.chmod(0o555)
    monkeypatch.setenv(location.ENV_DIR, str(where))
    result = runner.invoke(main, ["check", str(workspace)])
    assert result.exit_code == 1 and result.stderr.count("journeyc: note: cache off") == 1


def test_clean_removes_the_cache_and_nothing_else(cache_dir: Path, workspace: Path, runner: CliRunner) -> None:
    assert runner.invoke(main, ["clean"]).stdout == f"no cache at {cache_dir}\n"
    _load(workspace, _open(workspace))
    cache_dir.joinpath("mine.txt").write_text("a user's own file\n", encoding="utf-8")
    assert runner.invoke(main, ["clean"]).stdout == f"removed the cache at {cache_dir}\n"
    assert sorted(p.name for p in cache_dir.iterdir()) == ["mine.txt"]


def test_the_readme_s_actions_cache_step_is_the_workflow_s() -> None:
    """The step the README shows is the one `journeyc init` writes (its comments aside)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- journeyc-doc-test: actions-cache -->\n```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    template = (ROOT / "journeyc" / "scaffold" / "journeys-workflow.yml.tmpl").read_text(encoding="utf-8")
    steps = "\n".join(line for line in template.splitlines() if not line.strip().startswith("#"))
    assert block.group(1).strip("\n") in steps
    assert "~/.cache/journeyc" in block.group(1) and "actions/cache@v4" in block.group(1)


def test_a_read_only_file_system_means_no_cache_and_one_notice(
        cache_dir: Path, workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """What root sees on a read-only mount (permissions do not stop root, so the mount is simulated)."""
    import errno

    def read_only(base: Path, directory: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(location, "prepare", read_only)
    result = runner.invoke(main, ["check", str(workspace)])
    assert result.exit_code == 1 and result.stdout == runner.invoke(main, ["check", "--no-cache",
                                                                          str(workspace)]).stdout
    assert result.stderr == (f"journeyc: note: cache off: cannot write to {cache_dir}: Read-only file system"
                             " (set JOURNEYC_CACHE_DIR, or JOURNEYC_NO_CACHE=1)\n")


def test_a_full_disk_while_saving_is_one_notice_and_the_same_result(
        cache_dir: Path, workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(directory: Path, entries: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(segments, "write", full)
    result = runner.invoke(main, ["check", str(workspace)])
    assert result.exit_code == 1 and result.stdout == runner.invoke(main, ["check", "--no-cache",
                                                                          str(workspace)]).stdout
    assert result.stderr == "journeyc: note: cache not saved: No space left on device\n"
    assert not _segments(cache_dir)


def test_a_build_whose_cache_cannot_be_written_says_so_once(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n", encoding="utf-8")
    monkeypatch.setenv(location.ENV_DIR, str(blocker / "cache"))
    result = runner.invoke(main, ["build", "--no-svg", str(EXAMPLE), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if "cache" in line] == [
        f"journeyc: note: cache off: cannot write to {blocker / 'cache'}: Not a directory"
        " (set JOURNEYC_CACHE_DIR, or JOURNEYC_NO_CACHE=1)"]


def test_another_installed_library_is_another_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library's files by name, size and time: an upgrade (or a reinstall) of PyYAML or jsonschema
    leads to other entries."""
    package = tmp_path / "fakelib"
    package.mkdir()
    (package / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = key._library("fakelib")
    (package / "__init__.py").write_text("VERSION = 22\n", encoding="utf-8")
    assert key._library("fakelib") != before
    assert key._library("no_such_library_here") == "no_such_library_here: none"
