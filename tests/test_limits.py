"""Input limits set in journeyc.yaml `limits:`: each is hit through `check`, at the right place, in bounded memory.

tests/test_loading.py covers each limit at the loader; these go through the whole `check` (the limits
read from the workspace's journeyc.yaml) and measure the peak memory with tracemalloc.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from journeyc import engine
from journeyc.diagnostics import Diagnostic

HEADER = b"apiVersion: journeyc/v1\nkind: Journey\n"
MB = 1024 * 1024
T = TypeVar("T")


def peak(fn: Callable[[], T]) -> tuple[T, int]:
    """`fn()` and the most memory Python held at once while it ran."""
    tracemalloc.start()
    try:
        return fn(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def workspace(tmp_path: Path, limits: str, journey: bytes) -> Path:
    (tmp_path / "journeyc.yaml").write_text(f"apiVersion: journeyc/v1\nkind: Config\nlimits: {limits}\n")
    (tmp_path / "j.yaml").write_bytes(journey)
    return tmp_path / "j.yaml"


def refusals(path: Path) -> tuple[list[Diagnostic], int]:
    result, most = peak(lambda: engine.check([path.parent]))
    shown = engine.display_path(path)
    return [d for d in result.diagnostics if d.code == "JC005" and d.position.file == shown], most


def where(diags: list[Diagnostic]) -> list[tuple[int, int]]:
    return [(d.position.line, d.position.column) for d in diags]


def test_max_file_bytes_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = workspace(tmp_path, "{max_file_bytes: 1000}", HEADER)
    with path.open("r+b") as f:
        f.truncate(256 * MB)  # sparse: costs no disk, but a read of it would cost 256 MB
    diags, most = refusals(path)
    assert where(diags) == [(1, 1)] and "over the limit of 1,000" in diags[0].message
    assert most < 8 * MB


def test_a_huge_journeyc_yaml_is_not_read_whole(tmp_path: Path) -> None:
    config = tmp_path / "journeyc.yaml"
    config.write_bytes(b"apiVersion: journeyc/v1\nkind: Config\n")
    with config.open("r+b") as f:
        f.truncate(256 * MB)
    result, most = peak(lambda: engine.check([tmp_path]))
    assert [(d.code, d.position.line) for d in result.diagnostics] == [("JC005", 1)]
    assert most < 32 * MB


def test_a_huge_file_given_alone_is_not_read_whole(tmp_path: Path) -> None:
    """`check FILE` (pre-commit) first looks at the file to see whether it gives context."""
    path = workspace(tmp_path, "{}", HEADER)
    with path.open("r+b") as f:
        f.truncate(256 * MB)
    result, most = peak(lambda: engine.check([path]))
    assert [d.code for d in result.diagnostics] == ["JC005"]
    assert most < 32 * MB


def test_max_depth_from_the_config(tmp_path: Path) -> None:
    deep = b"x-deep:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 12)) + b"  " * 12 + b"- leaf\n"
    path = workspace(tmp_path, "{max_depth: 8}", HEADER + b"id: j\n" + deep)
    diags, most = refusals(path)
    # the root is depth 0 and x-deep's list depth 1 (line 5): the list at depth 8 is the first one refused
    assert where(diags) == [(12, 17)] and "deeper than 8" in diags[0].message
    assert most < 4 * MB


def test_parser_nesting_cap_in_bounded_memory(tmp_path: Path) -> None:
    path = workspace(tmp_path, "{max_depth: 1000000}", HEADER + b"id: j\nx-deep: " + b"[" * 200_000 + b"\n")
    diags, most = refusals(path)
    assert len(diags) == 1 and diags[0].position.line == 4
    assert most < 16 * MB


def test_max_alias_nodes_from_the_config(tmp_path: Path) -> None:
    lines = [b"x-a0: &a0 [x, x, x, x]"] + [b"x-a%d: &a%d [*a%d, *a%d, *a%d, *a%d]" % (i, i, i - 1, i - 1, i - 1, i - 1)
                                          for i in range(1, 4)]
    path = workspace(tmp_path, "{max_alias_nodes: 50}", HEADER + b"id: j\n" + b"\n".join(lines) + b"\n")
    diags, most = refusals(path)
    # x-a1 expands a0 four times (20 nodes); x-a2 expands a1 four times (84): over 50, at x-a2's collection
    assert where(diags) == [(6, 7)] and "more than 50 nodes" in diags[0].message
    assert most < 4 * MB


def test_billion_laughs_through_check_in_bounded_memory(tmp_path: Path) -> None:
    lines = [b'x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [b"x-a%d: &a%d [%s]" % (i, i, b",".join([b"*a%d" % (i - 1)] * 10)) for i in range(1, 12)]
    path = workspace(tmp_path, "{}", HEADER + b"id: j\n" + b"\n".join(lines) + b"\n")
    diags, most = refusals(path)
    assert len(diags) == 1 and "more than 10,000 nodes" in diags[0].message
    assert most < 16 * MB


def test_max_documents_from_the_config(tmp_path: Path) -> None:
    doc = HEADER + b"id: j%d\nname: J\nstages: [{id: a, owner: t}]\n"
    path = workspace(tmp_path, "{max_documents: 3}", b"---\n".join(doc % i for i in range(6)))
    diags, most = refusals(path)
    assert where(diags) == [(19, 1)] and "more than 3 documents" in diags[0].message
    assert most < 4 * MB


def test_max_string_length_from_the_config(tmp_path: Path) -> None:
    path = workspace(tmp_path, "{max_string_length: 100}", HEADER + b"id: j\nname: J\ndescription: " + b"d" * 101
                     + b"\n")
    diags, most = refusals(path)
    assert where(diags) == [(5, 14)] and "101 characters, over the limit of 100" in diags[0].message
    assert most < 4 * MB


def test_a_long_string_under_the_default_file_size_in_bounded_memory(tmp_path: Path) -> None:
    path = workspace(tmp_path, "{}", HEADER + b"id: j\ndescription: " + b"d" * (3 * MB) + b"\n")
    diags, most = refusals(path)
    assert where(diags) == [(4, 14)] and "over the limit of 65,536" in diags[0].message
    assert most < 64 * MB


@pytest.mark.parametrize("value", ["-1", "true", "'10'", "[1]"])
def test_a_limit_of_the_wrong_type_keeps_the_default_and_is_reported(tmp_path: Path, value: str) -> None:
    path = workspace(tmp_path, f"{{max_string_length: {value}}}", HEADER + b"id: j\ndescription: " + b"d" * 200
                     + b"\n")
    result = engine.check([tmp_path])
    assert any(d.code == "JC004" and d.position.file.endswith("journeyc.yaml") for d in result.diagnostics)
    assert not [d for d in result.diagnostics if d.code == "JC005" and d.position.file == engine.display_path(path)]
