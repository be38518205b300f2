"""The writer: atomic swap, refusal of foreign directories, safe paths, --check comparison."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path, PurePosixPath

import pytest

from journeyc.build import fileops, outpaths, writer
from journeyc.build.destination import MARKER, MARKER_TEXT
from journeyc.build.stale import Staleness, compare_tree
from journeyc.build.writer import write_tree
from journeyc.errors import JourneycError

FILES = {PurePosixPath("a.txt"): b"a\n", PurePosixPath("sub/b.json"): b"{}\n", PurePosixPath("sub/deep/c"): b"c"}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".journeyc-" in p.name)


def test_writes_files_and_the_marker(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    write_tree(FILES, out)
    tree = _tree(out)
    assert tree.pop(MARKER).startswith(b"Written by `journeyc build`")
    assert tree == {str(k): v for k, v in FILES.items()}
    assert _leftovers(out.parent) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_modes_do_not_depend_on_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_tree(FILES, tmp_path / "out")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "sub" / "deep").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "sub" / "b.json").stat().st_mode) == 0o644


def test_replaces_an_earlier_build_entirely(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree({PurePosixPath("old/gone.txt"): b"x", **FILES}, out)
    write_tree({PurePosixPath("a.txt"): b"new\n"}, out)
    assert _tree(out) == {"a.txt": b"new\n", MARKER: MARKER_TEXT}
    assert _leftovers(tmp_path) == []


def test_replaces_an_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    write_tree(FILES, tmp_path / "out")
    assert (tmp_path / "out" / MARKER).is_file()


def test_refuses_a_directory_it_did_not_create(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_bytes(b"five years of work")
    with pytest.raises(JourneycError, match=r"refusing to replace .*mine: it was not created by journeyc build"
                                            r" \(no \.journeyc-build marker\)"):
        write_tree(FILES, out)
    assert _tree(out) == {"thesis.tex": b"five years of work"}
    assert _leftovers(tmp_path) == []


def test_refuses_a_file_and_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(JourneycError, match="it is not a directory"):
        write_tree(FILES, tmp_path / "file")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(JourneycError, match="it is a symbolic link"):
        write_tree(FILES, tmp_path / "link")
    assert (tmp_path / "file").read_bytes() == b"x" and (tmp_path / "link").is_symlink()


@pytest.mark.parametrize("bad", ["/etc/passwd", "../escape", "a/../../b", "a\\b", "C:/x", "", ".", MARKER, "a\0b"])
def test_refuses_unsafe_paths(tmp_path: Path, bad: str) -> None:
    with pytest.raises(JourneycError, match="unsafe output path"):
        write_tree({PurePosixPath(bad) if "\0" not in bad else bad: b"x"}, tmp_path / "out")  # type: ignore[dict-item]
    assert not (tmp_path / "out").exists()


def test_refuses_a_path_that_is_both_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(JourneycError, match="both a file and a directory"):
        write_tree({PurePosixPath("a"): b"x", PurePosixPath("a/b"): b"y"}, tmp_path / "out")


def test_refuses_paths_that_differ_only_in_case(tmp_path: Path) -> None:
    with pytest.raises(JourneycError, match="differ only in case"):
        write_tree({PurePosixPath("A.json"): b"x", PurePosixPath("a.json"): b"y"}, tmp_path / "out")


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failure_halfway_leaves_the_previous_output_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            failure: BaseException) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    before = _tree(out)
    real, calls = writer.write_file, []

    def flaky(root: Path, rel: str, data: bytes) -> None:
        calls.append(rel)
        if len(calls) == 2:
            raise failure
        real(root, rel, data)

    monkeypatch.setattr(writer, "write_file", flaky)
    with pytest.raises(JourneycError if isinstance(failure, OSError) else KeyboardInterrupt):
        write_tree({PurePosixPath("new1"): b"1", PurePosixPath("new2"): b"2", PurePosixPath("new3"): b"3"}, out)
    assert len(calls) == 2
    assert _tree(out) == before
    assert _leftovers(tmp_path) == []


def test_a_failure_during_the_swap_puts_the_old_directory_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    before = _tree(out)
    real, calls = os.rename, []

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append((Path(src).name, Path(dst).name))
        if len(calls) == 2:   # old -> backup worked, new -> destination fails
            raise OSError(16, "Device or resource busy")
        real(src, dst)

    monkeypatch.setattr(writer.os, "rename", rename)
    with pytest.raises(JourneycError, match="cannot write .*out: Device or resource busy"):
        write_tree({PurePosixPath("new"): b"1"}, out)
    assert len(calls) == 3 and calls[2][1] == "out"   # the backup went back
    assert _tree(out) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("signed", [True, False])
def test_signatures_are_kept_only_when_asked(tmp_path: Path, signed: bool) -> None:
    """A build without the cache has no manifest to write: it keeps no signature of the files it writes."""
    from journeyc.build.signature import Signature, digest

    out = tmp_path / "out"
    with writer.Tree(out, signed=signed) as tree:
        tree.put("a/b.txt", b"bytes")
        tree.put_stream("c.txt", lambda f: f.write(b"streamed"))
        part = tree.part()
        part.put("d.txt", b"forked")
        tree.merge(part.result())
        tree.commit()
    assert sorted(tree.claims.owners) == ["a/b.txt", "c.txt", "d.txt"]
    expected = {rel: Signature(os.lstat(out / rel).st_size, os.lstat(out / rel).st_mtime_ns, os.lstat(out / rel).st_ino,
                               digest((out / rel).read_bytes())) for rel in ("a/b.txt", "c.txt", "d.txt")}
    assert tree.signatures == (expected if signed else {})


def test_two_writes_are_byte_identical(tmp_path: Path) -> None:
    write_tree(FILES, tmp_path / "one")
    write_tree(FILES, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_compare_fresh_stale_missing_extra(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert compare_tree(FILES, out) == Staleness((), ("a.txt", "sub/b.json", "sub/deep/c"), ())
    write_tree(FILES, out)
    fresh = compare_tree(FILES, out)
    assert fresh.fresh and fresh == Staleness((), (), ())
    (out / "a.txt").write_bytes(b"edited by hand\n")
    (out / "sub" / "deep" / "c").unlink()
    (out / "sub" / "stray.md").write_bytes(b"?")
    before = _tree(out)
    result = compare_tree(FILES, out)
    assert result == Staleness(("a.txt",), ("sub/deep/c",), ("sub/stray.md",))
    assert not result.fresh
    assert _tree(out) == before   # --check writes nothing


def test_compare_validates_paths_too(tmp_path: Path) -> None:
    with pytest.raises(JourneycError, match="unsafe output path"):
        compare_tree({PurePosixPath("../x"): b""}, tmp_path)


# --- unchanged files of a large build are hard-linked from the previous one ---------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="hard links are reused on POSIX only")


@pytest.fixture
def reuse_small_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "REUSE_FROM", 1)


def _inode(path: Path) -> int:
    return path.stat().st_ino


@posix_only
@pytest.mark.usefixtures("reuse_small_trees")
def test_unchanged_files_are_linked_changed_ones_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    before = {name: _inode(out / name) for name in ("a.txt", "sub/b.json", "sub/deep/c", MARKER)}
    changed = {**FILES, PurePosixPath("sub/b.json"): b"[]\n", PurePosixPath("new.txt"): b"n"}
    write_tree(changed, out)
    assert _tree(out) == {"a.txt": b"a\n", "new.txt": b"n", "sub/b.json": b"[]\n", "sub/deep/c": b"c",
                          MARKER: MARKER_TEXT}
    assert _inode(out / "a.txt") == before["a.txt"] and _inode(out / "sub/deep/c") == before["sub/deep/c"]
    assert _inode(out / "sub/b.json") != before["sub/b.json"]       # same size, other bytes: written anew
    assert _inode(out / MARKER) != before[MARKER]                   # the marker is always written
    assert all((out / name).stat().st_nlink == 1 for name in ("a.txt", "sub/deep/c"))  # the old tree is gone
    assert stat.S_IMODE((out / "a.txt").stat().st_mode) == 0o644
    assert _leftovers(tmp_path) == []


@posix_only
@pytest.mark.usefixtures("reuse_small_trees")
def test_files_that_are_not_plainly_ours_are_written_anew(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    elsewhere = tmp_path / "elsewhere.txt"
    os.link(out / "a.txt", elsewhere)                              # a second name: editing it would edit ours
    (out / "sub" / "b.json").chmod(0o600)                          # not journeyc's mode
    (out / "sub" / "deep" / "c").unlink()
    (tmp_path / "c-target").write_bytes(b"c")
    (out / "sub" / "deep" / "c").symlink_to(tmp_path / "c-target")  # same bytes, behind a link
    inodes = {name: _inode(tmp_path / name) for name in ("elsewhere.txt", "c-target")}
    write_tree(FILES, out)
    assert _tree(out) == {**{str(k): v for k, v in FILES.items()}, MARKER: MARKER_TEXT}
    assert _inode(out / "a.txt") != inodes["elsewhere.txt"] and elsewhere.read_bytes() == b"a\n"
    assert stat.S_IMODE((out / "sub" / "b.json").stat().st_mode) == 0o644
    assert not (out / "sub" / "deep" / "c").is_symlink() and _inode(out / "sub" / "deep" / "c") != inodes["c-target"]


@posix_only
@pytest.mark.usefixtures("reuse_small_trees")
def test_a_failure_during_a_reusing_build_leaves_the_previous_output_intact(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    before = _tree(out)

    def full(root: Path, rel: str, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_file", full)
    with pytest.raises(JourneycError, match="No space left on device"):
        write_tree({**FILES, PurePosixPath("sub/deep/c"): b"changed"}, out)   # a.txt and b.json linked first
    assert _tree(out) == before
    assert all(p.stat().st_nlink == 1 for p in out.rglob("*") if p.is_file())
    assert _leftovers(tmp_path) == []


def test_small_trees_and_first_builds_write_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    real = writer.write_file

    def spy(root: Path, rel: str, data: bytes) -> None:
        written.append(rel)
        real(root, rel, data)

    monkeypatch.setattr(writer, "write_file", spy)
    write_tree(FILES, tmp_path / "out")
    write_tree(FILES, tmp_path / "out")      # fewer files than REUSE_FROM: written again
    assert written == 2 * ["a.txt", "sub/b.json", "sub/deep/c", MARKER]


# --- paths checked one at a time, as a build writes them ----------------------------------------


@pytest.mark.parametrize("bad", ["./.journeyc-build", "a/../b", "./", "a\\b", "/abs"])
def test_a_path_refused_whatever_its_spelling(bad: str) -> None:
    with pytest.raises(JourneycError, match="unsafe output path"):
        outpaths.checked(bad)


def test_claims_refuse_what_a_whole_tree_check_refuses() -> None:
    claims = outpaths.Claims()
    assert claims.add("docs//index.md", "docs") == "docs/index.md"
    with pytest.raises(JourneycError, match="targets 'docs' and 'model' both write docs/index.md"):
        claims.add("docs/index.md", "model")
    with pytest.raises(JourneycError, match="differ only in case"):
        claims.add("Docs/index.md")
    with pytest.raises(JourneycError, match="'docs/index.md' is both a file and a directory"):
        claims.add("docs/index.md/x")
    claims.add("crm/a/b.json")
    with pytest.raises(JourneycError, match="'crm/a' is both a file and a directory"):
        claims.add("crm/a")


@pytest.mark.parametrize(("data", "on_disk", "same"), [
    (b"hello world", b"hello world", True), (b"hello world", b"hello worlD", False), (b"hello", b"hello!", False),
    (b"hello!", b"hello", False), (b"", b"", True), (b"", b"x", False)])
def test_a_previous_file_is_compared_block_by_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes,
                                                    on_disk: bytes, same: bool) -> None:
    """journeys.json is hundreds of megabytes on a large workspace: never read whole beside its new bytes."""
    monkeypatch.setattr(fileops, "BLOCK", 3)
    (tmp_path / "f").write_bytes(on_disk)
    fd = os.open(tmp_path / "f", os.O_RDONLY)
    try:
        assert fileops.holds(fd, data) is same
    finally:
        os.close(fd)
