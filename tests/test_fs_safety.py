"""File-system safety: discovery stays in the workspace, build writes only below --out, replaces only its own
output, survives read-only and full disks and concurrent builds, and never turns an id into a path.

tests/test_writer.py covers the writer's atomic swap and path checks one function at a time; these tests
drive `journeyc build` (and discovery) the way a user, a CI job or a hostile pull request would.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from journeyc.build import destination, fileops, writer
from journeyc.build import emit as builder
from journeyc.build.destination import MARKER, MARKER_TEXT
from journeyc.build.outpaths import checked_paths
from journeyc.build.writer import write_tree
from journeyc.cli import main
from journeyc.emitters import TARGETS, EmitOptions, emitter
from journeyc.engine import check, load_workspace
from journeyc.errors import JourneycError
from journeyc.workspace.discovery import discover

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-saas"
TARGET = ("--target", "csv", "--target", "model")


def journey(jid: str = "deals", **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": jid, "name": "Deals", "owner": "sales",
        "signals": [{"id": "sign"}],
        "stages": [
            {"id": "demo", "term": "Demo", "owner": "sales", "sla_days": 5, "probability": 40,
             "exits": [{"to": "won", "when": "sign"}]},
            {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True},
        ],
        **extra,
    }


def build(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["build", *map(str, args)])


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Temporary trees, backups and lock files a build may leave beside its output."""
    return sorted(p.name for p in parent.iterdir() if ".journeyc-" in p.name)


def dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused destination must be refused before anything is created or moved: fail loudly otherwise."""

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the writer went past its refusal")

    monkeypatch.setattr(writer, "locked", boom)
    monkeypatch.setattr(writer, "swap", boom)


# --- discovery never follows a link out of the workspace -------------------------------------------


@pytest.fixture
def linked(tmp_path: Path, make_workspace: Callable[..., Path]) -> Path:
    """A workspace beside an `outside` directory (and a sibling whose name starts like the root's),
    with links to both: a file, a directory, a loop, a link to itself, a dangling one."""
    root = make_workspace(journey())
    for name in ("outside", "ws2"):   # ws2: `/tmp/.../ws2` starts with `/tmp/.../ws` but is not inside it
        dump(tmp_path / name / "secret.yaml", journey("secret", name="secret"))
    (root / "stolen.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    (root / "stolen-dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "prefix-dir").symlink_to(tmp_path / "ws2", target_is_directory=True)
    (root / "journeys" / "loop").symlink_to(root, target_is_directory=True)
    (root / "journeys" / "self").symlink_to(root / "journeys", target_is_directory=True)
    (root / "itself.yaml").symlink_to(root / "itself.yaml")
    (root / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    return root


def test_discovery_skips_links_that_leave_the_workspace_and_survives_loops(linked: Path) -> None:
    found = [p.relative_to(linked).as_posix() for p in discover(linked)]
    assert found == ["journeyc.yaml", "journeys/deals.yaml", "teams.yaml", "vocabulary.yaml"]


def test_check_and_build_never_read_what_a_link_points_at_outside(linked: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(linked)
    checked = CliRunner().invoke(main, ["check", "--format", "json"])
    assert checked.exit_code == 0, checked.output
    assert "secret" not in checked.output and '"files": 4' in checked.output
    result = build(".", "--out", tmp_path / "out", "--target", "model")
    assert result.exit_code == 0, result.output
    model = (tmp_path / "out" / "journeys.json").read_text(encoding="utf-8")
    assert '"id": "deals"' in model and "secret" not in model


def test_links_inside_the_workspace_are_followed_once(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(journey())
    (root / "shared").symlink_to(root / "journeys", target_is_directory=True)
    found = [p.relative_to(root).as_posix() for p in discover(root)]
    assert found.count("journeys/deals.yaml") + found.count("shared/deals.yaml") == 1   # one real directory


# --- build writes below --out, and only replaces its own output -------------------------------------


@pytest.mark.parametrize("bad", ["../x", "/etc/x", "a\\b", "a/../../b", "a\0b", "C:/x", "", ".", MARKER])
def test_an_emitter_path_outside_the_output_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            bad: str) -> None:
    out = tmp_path / "deep" / "out"
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    before, everything = tree(out), sorted(tmp_path.rglob("*"))
    real = builder.streamer  # the csv target is written a part at a time
    monkeypatch.setattr(builder, "streamer", lambda target: (
        lambda ws, options: {PurePosixPath(bad): lambda f: f.write(b"owned")}) if target == "csv" else real(target))
    result = build(EXAMPLE, "--out", out, *TARGET)
    assert result.exit_code == 2
    assert result.stderr.startswith("journeyc: error: an emitter produced an unsafe output path: ")
    assert result.stderr.count("\n") == 1
    assert tree(out) == before
    assert sorted(tmp_path.rglob("*")) == everything   # nothing new anywhere, no leftovers


def test_the_workspace_root_is_never_replaced_even_with_a_forged_marker(make_workspace: Callable[..., Path],
                                                                        tripwire: None) -> None:
    root = make_workspace(journey())
    (root / MARKER).write_bytes(MARKER_TEXT)   # anyone can commit the marker
    before = tree(root)
    for out in (root, root.parent):                   # the workspace itself, or a directory holding it
        (out / MARKER).write_bytes(MARKER_TEXT)
        result = build(root, "--out", out, *TARGET)
        assert result.exit_code == 2
        assert result.stderr == f"journeyc: error: refusing to replace {out}: it holds the workspace {root}\n"
    assert tree(root) == before


def test_the_root_of_the_file_system_and_the_home_directory_are_refused(
        make_workspace: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tripwire: None) -> None:
    root = make_workspace(journey())
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n", encoding="utf-8")
    (home / MARKER).write_bytes(MARKER_TEXT)
    monkeypatch.setenv("HOME", str(home))
    cases = {Path("/"): "it is the root of the file system", home: "it is the home directory"}
    for out, why in cases.items():
        result = build(root, "--out", out, *TARGET)
        assert (result.exit_code, result.stderr) == (2, f"journeyc: error: refusing to replace {out}: {why}\n")
    assert (home / ".bashrc").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize("marker", ["symlink", "directory", "none"])
def test_only_a_regular_marker_file_proves_an_earlier_build(tmp_path: Path, marker: str, tripwire: None) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "real-marker").write_bytes(MARKER_TEXT)
    if marker == "symlink":
        (out / MARKER).symlink_to(tmp_path / "real-marker")
    elif marker == "directory":
        (out / MARKER).mkdir()
    result = build(EXAMPLE, "--out", out, *TARGET)
    assert (result.exit_code, result.stderr) == (2, f"journeyc: error: refusing to replace {out}: it was not"
                                                    f" created by journeyc build (no {MARKER} marker)\n")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_a_git_repository_and_a_file_are_refused(tmp_path: Path, tripwire: None) -> None:
    repo = tmp_path / "site"
    (repo / ".git").mkdir(parents=True)
    (repo / MARKER).write_bytes(MARKER_TEXT)   # e.g. a gh-pages checkout someone built into once
    result = build(EXAMPLE, "--out", repo, *TARGET)
    assert (result.exit_code, result.stderr) == (2, f"journeyc: error: refusing to replace {repo}: it holds a git"
                                                    " repository\n")
    (tmp_path / "file").write_bytes(b"data")
    result = build(EXAMPLE, "--out", tmp_path / "file", *TARGET)
    assert (result.exit_code, result.stderr) == (2, f"journeyc: error: refusing to replace {tmp_path / 'file'}: it"
                                                    " is not a directory\n")
    assert (repo / ".git").is_dir() and (tmp_path / "file").read_bytes() == b"data"


def test_build_out_of_the_config_stays_inside_the_workspace(make_workspace: Callable[..., Path],
                                                           tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for out in ("../outside/x", str(outside / "abs"), ".", "link/x"):
        root = make_workspace(journey(), build={"out": out})
        (root / "link").symlink_to(outside, target_is_directory=True)   # a link committed beside the config
        result = build(root, *TARGET)
        assert result.exit_code == 2, out
        assert result.stderr == (f"journeyc: error: build.out of journeyc.yaml must be a directory inside the"
                                 f" workspace, not {out!r} (use --out to build elsewhere)\n")
        (root / "link").unlink()
    assert list(outside.iterdir()) == []
    root = make_workspace(journey(), build={"out": "generated/site"})
    assert build(root, *TARGET).exit_code == 0 and (root / "generated" / "site" / MARKER).is_file()


def test_links_in_an_old_output_are_removed_not_followed(tmp_path: Path) -> None:
    out, precious = tmp_path / "out", tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep\n", encoding="utf-8")
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    (out / "dir-link").symlink_to(precious, target_is_directory=True)
    (out / "file-link").symlink_to(precious / "data.txt")
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    assert not (out / "dir-link").exists() and not (out / "file-link").exists()
    assert (precious / "data.txt").read_text(encoding="utf-8") == "keep\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_build_check_never_reads_through_links_fifos_or_devices(tmp_path: Path) -> None:
    """The journeyc-docs hook runs `build --check` on a committed tree: a link to /dev/zero or a FIFO in it
    is stale, not read (reading it would never end); a subprocess, so that a regression fails, not hangs."""
    out = tmp_path / "out"
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    (out / "journeys.json").unlink()
    (out / "journeys.json").symlink_to("/dev/zero")
    (out / "crm" / "stages.csv").unlink()
    os.mkfifo(out / "crm" / "stages.csv")
    done = subprocess.run([sys.executable, "-m", "journeyc", "build", str(EXAMPLE), "--out", str(out), "--check",
                           *TARGET], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[:2] == [f"stale: {out}/crm/stages.csv", f"stale: {out}/journeys.json"]


# --- read-only destination, full disk: one line, exit 2, the previous output intact ----------------


def _read_only(monkeypatch: pytest.MonkeyPatch, where: Path, function: str, error: int) -> None:
    """Make `os.<function>` fail with `error` for any path below `where` (root ignores chmod in tests)."""
    real = getattr(os, function)
    inside = str(where) + os.sep

    def failing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(inside) \
                and (function != "open" or args[0] & (os.O_CREAT | os.O_WRONLY | os.O_RDWR)):
            raise OSError(error, os.strerror(error), os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, function, failing)


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES])
@pytest.mark.parametrize("function", ["open", "mkdir", "rename"])   # the lock file, the new tree, the swap
def test_a_read_only_destination_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        function: str, error: int) -> None:
    out = tmp_path / "out"
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    before = tree(out)
    _read_only(monkeypatch, tmp_path, function, error)
    result = build(EXAMPLE, "--out", out, *TARGET)
    assert (result.exit_code, result.stderr) == (2, f"journeyc: error: cannot write {out}: {os.strerror(error)}\n")
    monkeypatch.undo()
    assert tree(out) == before
    assert leftovers(tmp_path) == []


class _FullDisk:
    """`open` for the writer: the third file written gets half its bytes, then ENOSPC."""

    def __init__(self) -> None:
        self.files = 0

    def __call__(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = open(path, mode, *args, **kwargs)  # noqa: SIM115 - closed by the writer's `with`
        self.files += 1
        if self.files != 3:
            return handle
        real_write = handle.write

        def write(data: bytes) -> int:
            real_write(data[: len(data) // 2])
            handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        handle.write = write
        return handle


def test_a_full_disk_halfway_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    (out / "crm" / "stages.csv").write_bytes(b"previous build\n")   # tell the old tree from a new one
    before = tree(out)
    full = _FullDisk()
    monkeypatch.setattr(fileops, "open", full, raising=False)
    monkeypatch.setattr(writer, "reuse", lambda *args: False)  # every file written, none linked from the last build
    result = build(EXAMPLE, "--out", out, "--no-cache", *TARGET)
    assert (result.exit_code, result.stderr) == (2, f"journeyc: error: cannot write {out}: No space left on device\n")
    assert full.files == 3
    assert tree(out) == before
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0   # the lock was released: the next build works


def test_a_stale_lock_file_does_not_block_a_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / ".out.journeyc-lock").write_bytes(b"")   # left by a build killed with SIGKILL
    assert build(EXAMPLE, "--out", out, *TARGET).exit_code == 0
    assert leftovers(tmp_path) == []


# --- concurrent builds into one directory --------------------------------------------------------


def test_builds_into_one_directory_take_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pauses just before its swap; B starts then. Without the lock B would swap its tree in meanwhile and
    A's swap would fail, leaving the old output in a backup; with it, B waits and both succeed in turn."""
    out = tmp_path / "out"
    write_tree({PurePosixPath("old.txt"): b"old"}, out)
    events: list[str] = []
    b_waiting, a_locked = threading.Event(), threading.Event()
    real_lock, real_swap, real_write = destination._lock, writer.swap, writer.write_file

    def lock(fd: int) -> None:
        who = threading.current_thread().name
        if who == "B":
            b_waiting.set()
        real_lock(fd)
        events.append(f"{who} locked")
        if who == "A":
            a_locked.set()

    def swap(tmp: Path, dest: Path) -> None:
        if threading.current_thread().name == "A":
            assert b_waiting.wait(60)
        real_swap(tmp, dest)
        events.append(f"{threading.current_thread().name} swapped")

    def write_file(root: Path, rel: str, data: bytes) -> None:
        events.append(f"{threading.current_thread().name} writes {rel}")
        real_write(root, rel, data)

    monkeypatch.setattr(destination, "_lock", lock)
    monkeypatch.setattr(writer, "swap", swap)
    monkeypatch.setattr(writer, "write_file", write_file)
    errors: list[BaseException] = []

    def run(files: dict[PurePosixPath, bytes]) -> None:
        try:
            write_tree(files, out)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    a = threading.Thread(target=run, name="A", args=({PurePosixPath("a.txt"): b"a"},))
    b = threading.Thread(target=run, name="B", args=({PurePosixPath("b.txt"): b"b"},))
    a.start()
    assert a_locked.wait(60)
    b.start()
    a.join(60)
    b.join(60)
    assert errors == []
    # B may wake up on the lock file A removed, see that it is gone and lock the new one: "B locked" twice
    assert list(dict.fromkeys(events)) == ["A locked", "A writes a.txt", f"A writes {MARKER}", "A swapped",
                      "B locked", "B writes b.txt", f"B writes {MARKER}", "B swapped"]
    assert tree(out) == {"b.txt": b"b", MARKER: MARKER_TEXT}
    assert leftovers(tmp_path) == []


def test_concurrent_build_processes_never_lose_or_mix_the_output(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert build(EXAMPLE, "--out", reference, "--no-svg").exit_code == 0
    expected = tree(reference)
    out = tmp_path / "shared" / "out"
    command = [sys.executable, "-m", "journeyc", "build", str(EXAMPLE), "--out", str(out), "--no-svg", "-q"]
    for _ in range(3):
        procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
            assert "error" not in stderr
        assert tree(out) == expected
        assert leftovers(out.parent) == []


# --- ids never become paths ------------------------------------------------------------------------


def _pathlike(make_workspace: Callable[..., Path]) -> Path:
    """A workspace with a journey whose ids are paths (written under a safe file name)."""
    root = make_workspace(journey())
    dump(root / "journeys" / "pathlike.yaml", _pathlike_ids())
    return root


def _pathlike_ids() -> dict[str, Any]:
    j = journey("../../etc")
    j["stages"][0]["id"] = "../stage"
    j["stages"][0]["exits"][0]["when"] = "sig/../x"
    j["signals"][0]["id"] = "sig/../x"
    j["stages"][0]["pipeline"] = "sub/dir"
    j["pipelines"] = [{"id": "sub/dir", "name": "P", "object": "deal"}]
    return j


def test_a_path_like_id_is_jc004_and_the_build_refuses(make_workspace: Callable[..., Path],
                                                       tmp_path: Path) -> None:
    root = _pathlike(make_workspace)
    found = check([root]).diagnostics
    bad_ids = {d.message.split(" is not a valid id")[0] for d in found if d.code == "JC004"}
    assert {"'../../etc'", "'../stage'", "'sig/../x'", "'sub/dir'"} <= bad_ids
    result = build(root, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "JC004" in result.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "etc").exists()


SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@pytest.mark.parametrize("target", list(TARGETS))
def test_no_emitter_makes_a_file_name_of_unvalidated_text(make_workspace: Callable[..., Path], target: str) -> None:
    """Emitters called on a workspace that check refused (build never does this) still make no path of it:
    they refuse the id, or name files by fixed names, checked ids or Salesforce developer names."""
    ws = load_workspace(_pathlike(make_workspace)).workspace
    try:
        files = emitter(target)(ws, EmitOptions(targets=(target,)))
    except JourneycError as exc:
        assert "is not a valid id for a file name" in str(exc)
        return
    for rel, _ in checked_paths(files):
        assert all(SAFE_PART.match(part) for part in PurePosixPath(rel).parts), rel


@pytest.fixture(autouse=True)
def _no_ci_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    yield
