"""Loader edge cases: encodings, duplicate keys, anchors, limits, and the YAML test suite."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from journeyc.rules import RULES
from journeyc.rules.base import Context
from journeyc.workspace import loading
from journeyc.workspace.loading import Limits, load_bytes
from journeyc.workspace.resolve import build_workspace
from journeyc.workspace.schema import validate

SUITE = Path(__file__).resolve().parents[2] / "shared" / "data" / "yaml-test-suite"
HEADER = b"apiVersion: journeyc/v1\nkind: Journey\n"


def codes(result: loading.LoadResult) -> list[tuple[str, int, int]]:
    return [(d.code, d.position.line, d.position.column) for d in result.diagnostics]


def test_plain_data_and_positions() -> None:
    result = load_bytes("j.yaml", HEADER + b"id: x\nstages:\n  - id: caf\xc3\xa9\n    owner: sales\n")
    (doc,) = result.documents
    assert doc.data["stages"] == [{"id": "café", "owner": "sales"}]
    assert doc.smap.span(("stages", 0, "owner")).line == 6
    assert doc.smap.span(("stages", 0, "owner")).column == 12
    assert doc.smap.span(("stages", 0, "owner"), key=True).column == 5


def test_bom_is_accepted_and_columns_unchanged() -> None:
    result = load_bytes("j.yaml", b"\xef\xbb\xbf" + HEADER + b"id: x\n")
    assert result.diagnostics == []
    assert result.documents[0].smap.span(("id",)).column == 5


def test_not_utf8_is_refused_at_the_bad_byte() -> None:
    result = load_bytes("j.yaml", HEADER + b"id: x\nname: caf\xe9 noir\n")
    assert codes(result) == [("JC005", 4, 10)]
    assert "0xe9" in result.diagnostics[0].message


def test_syntax_error_at_the_parser_position() -> None:
    result = load_bytes("j.yaml", HEADER + b"id: [unclosed\n")
    assert [c for c, _, _ in codes(result)] == ["JC001"]
    assert result.diagnostics[0].position.line >= 3


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    result = load_bytes("j.yaml", HEADER + b"id: a\nname: A\nid: b\n")
    assert codes(result) == [("JC002", 5, 1)]
    assert "line 3" in result.diagnostics[0].message
    assert result.documents[0].data["id"] == "b"   # the last value, as every YAML tool keeps it


def test_multi_document_files_and_foreign_documents() -> None:
    raw = b"kind: Something\n---\n" + HEADER + b"id: a\n---\napiVersion: v1\nkind: Pod\n---\n" + HEADER + b"id: b\n"
    result = load_bytes("j.yaml", raw)
    assert [d.data["id"] for d in result.documents] == ["a", "b"]
    assert result.documents[1].smap.span(("id",)).line == 12


def test_anchors_and_merge_keys_keep_working() -> None:
    raw = HEADER + (b"x-defaults: &d {sla_days: 5, owner: sales}\nstages:\n"
                    b"  - {id: a, <<: *d}\n  - {id: b, <<: *d, owner: cs}\n")
    result = load_bytes("j.yaml", raw)
    assert result.diagnostics == []
    stages = result.documents[0].data["stages"]
    assert stages == [{"id": "a", "sla_days": 5, "owner": "sales"}, {"id": "b", "owner": "cs", "sla_days": 5}]
    assert result.documents[0].smap.span(("stages", 0, "sla_days")).line == 3


def test_alias_bomb_is_refused_in_bounded_memory() -> None:
    """10^12 nodes once expanded: refused after max_alias_nodes of them (no timing assertion: bench/ times)."""
    lines = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        refs = ",".join([f"*a{i - 1}"] * 10).encode()
        lines.append(b"a%d: &a%d [%s]" % (i, i, refs))
    raw = HEADER + b"\n".join(lines) + b"\n"
    tracemalloc.start()
    result = load_bytes("bomb.yaml", raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [c for c, _, _ in codes(result)] == ["JC005"]
    assert "more than 10,000 nodes" in result.diagnostics[0].message
    assert peak < 50 * 1024 * 1024


def test_recursive_alias_is_refused() -> None:
    result = load_bytes("j.yaml", HEADER + b"loop: &l [1, *l]\n")
    assert codes(result) == [("JC005", 3, 14)]     # at the alias that closes the loop


@pytest.mark.parametrize(
    ("limits", "raw", "where"),
    [
        (Limits(max_file_bytes=64), HEADER + b"description: " + b"x" * 100 + b"\n", (1, 1)),
        (Limits(max_depth=5), HEADER + b"x-a: {b: {c: {d: {e: {f: 1}}}}}\n", (3, 22)),
        (Limits(max_string_length=12), HEADER + b"name: abcdefghijklmnop\n", (3, 7)),
        (Limits(max_documents=2), (HEADER + b"id: a\n---\n") * 3, (9, 1)),
    ],
    ids=["file-size", "depth", "string-length", "documents"],
)
def test_each_limit_gives_jc005_at_the_right_place(limits: Limits, raw: bytes, where: tuple[int, int]) -> None:
    result = load_bytes("j.yaml", raw, limits)
    assert ("JC005", *where) in codes(result)


def test_huge_integer_does_not_crash() -> None:
    result = load_bytes("j.yaml", HEADER + b"x-n: " + b"9" * 5000 + b"\n")
    assert result.diagnostics == []
    assert isinstance(result.documents[0].data["x-n"], str)


def test_non_string_keys_are_diagnosed() -> None:
    result = load_bytes("j.yaml", HEADER + b"? [a, b]\n: c\n")
    assert [c for c, _, _ in codes(result)] == ["JC004"]


def _suite_files() -> list[Path]:
    return sorted(SUITE.glob("*.yaml"))


def test_survives_the_whole_yaml_test_suite() -> None:
    """Every input of the public YAML test suite, as is and under a journeyc header: diagnostics only."""
    if not SUITE.is_dir():
        from conftest import needs_shared

        needs_shared(f"the YAML test suite ({SUITE})")
    files = _suite_files()
    assert len(files) >= 400
    ctx = Context(frozenset({"hubspot", "salesforce"}))
    for path in files:
        raw = path.read_bytes()
        for variant in (raw, HEADER + raw, HEADER + b"id: x\nstages:\n" + raw):
            result = load_bytes(path.name, variant)
            for d in result.diagnostics:
                assert d.position.line >= 1 and d.position.column >= 1, path.name
            for doc in result.documents:
                for finding in validate(doc).findings:
                    finding.at.position()
            ws = build_workspace(".", result.documents)
            for rule in RULES.values():
                if rule.check:
                    for finding in rule.check(ws, ctx):
                        finding.at.position()


def test_parser_nesting_cap_is_a_refusal() -> None:
    raw = HEADER + b"x-a:\n" + b"".join(b" " * (i + 1) + b"k:\n" for i in range(2500))
    assert [c for c, _, _ in codes(load_bytes("j.yaml", raw))] == ["JC005"]


def test_block_mapping_span_ends_on_its_own_last_line() -> None:
    raw = HEADER + b"stages:\n  - id: a\n    owner: sales\n\n  - id: b\n"
    span = load_bytes("j.yaml", raw).documents[0].smap.span(("stages", 0))
    assert (span.line, span.column, span.end_line, span.end_column) == (4, 5, 5, 17)


def test_a_text_with_the_id_of_a_dropped_mapping_keeps_its_own_line() -> None:
    """Regression: the loader records the id() of every mapping it builds, dropped ones too; a text made later
    at the same address was once given that mapping's line (`first defined at line N` went wrong at random)."""
    from journeyc.workspace.loading import load_bytes as load
    from journeyc.workspace.model import Ref

    doc = load("j.yaml", b"apiVersion: journeyc/v1\nkind: Journey\nid: x\nname: X\n").documents[0]
    doc.lines[id(doc.data["name"])] = 1   # as if a dropped mapping had had the address of the text
    assert Ref(doc, ("name",)).line == 4
