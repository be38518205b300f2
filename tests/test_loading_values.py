"""YAML nodes -> plain data: the values kept, alias expansion counted against its limit, keys that are not text."""

from __future__ import annotations

import pytest
import yaml

from journeyc.diagnostics import Span
from journeyc.workspace.loading import DEFAULT_LIMITS, Limits, load_bytes
from journeyc.workspace.plain import INTERN_UP_TO, PlainData, Refused

HEADER = b"apiVersion: journeyc/v1\nkind: Journey\n"
_MORE = "use fewer aliases of large nodes, or raise `limits: {max_alias_nodes: ...}` in journeyc.yaml"


def _found(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, Span, str, str | None]]:
    return [(d.code, d.position.span, d.message, d.hint) for d in load_bytes("j.yaml", raw, limits).diagnostics]


@pytest.mark.parametrize(("raw", "limit", "span", "nodes"), [
    (b"x-a: &a 1\nx-b: [*a, *a, *a]\n", 2, Span(4, 6, 4, 18), 3),                  # aliases of a text count too
    (b"x-a: &a [[[1]]]\nx-b: [*a]\n", 2, Span(4, 6, 4, 10), 4),                    # the nested lists of one alias
    (b"x-a: &a {k: 1, l: 2}\nx-b: [*a, *a]\n", 5, Span(4, 6, 4, 14), 6),          # the values of a mapping
    (b"x-b: &b {o: 1}\nx-a: &a {<<: *b, k: 2}\nx-c: [*a, *a]\n", 3, Span(5, 6, 5, 14), 10),  # what it merges
], ids=["text", "nested-lists", "mapping-values", "merged-mapping"])
def test_every_node_an_alias_expands_to_is_counted(raw: bytes, limit: int, span: Span, nodes: int) -> None:
    """Refused at the collection where the expansion crosses the limit; a limit of all its nodes loads it."""
    assert _found(HEADER + raw, Limits(max_alias_nodes=limit)) == \
        [("JC005", span, f"aliases expand to more than {limit} nodes", _MORE)]
    assert _found(HEADER + raw, Limits(max_alias_nodes=nodes)) == []
    assert _found(HEADER + raw, Limits(max_alias_nodes=nodes - 1)) != []


def test_an_expansion_exactly_at_the_limit_loads() -> None:
    raw = HEADER + b"x-a: &a {k: 1, l: 2}\nx-b: [*a, *a]\n"      # 2 mappings of 2 values: 6 nodes
    result = load_bytes("j.yaml", raw, Limits(max_alias_nodes=6))
    assert result.diagnostics == []
    assert result.documents[0].data["x-b"] == [{"k": 1, "l": 2}, {"k": 1, "l": 2}]


def test_an_alias_inside_its_own_anchor_is_refused_where_it_closes_the_loop() -> None:
    assert _found(HEADER + b"loop: &l [1, *l]\n") == \
        [("JC005", Span(3, 14, 3, 16), "recursive alias: a node contains itself",
          "an anchor cannot be used inside itself: write the value out")]


def test_an_alias_composed_by_libyaml_is_counted_as_well() -> None:
    """libyaml composes an alias as the anchored node itself (no alias node): met twice, it is still counted."""
    root = yaml.compose("x-a: &a [1, 2]\nx-b: [*a, *a]\n", Loader=yaml.CSafeLoader)
    assert PlainData("j.yaml", Limits(max_alias_nodes=6)).build(root) == {"x-a": [1, 2], "x-b": [[1, 2], [1, 2]]}
    with pytest.raises(Refused) as refused:
        PlainData("j.yaml", Limits(max_alias_nodes=5)).build(root)
    assert refused.value.message == "aliases expand to more than 5 nodes"


def test_a_key_repeated_through_an_alias_is_a_plain_duplicate() -> None:
    """The same key node twice (as libyaml composes `*k`): not a list item that lost its dash."""
    root = yaml.compose("stages:\n  - &k id: a\n    *k : b\n", Loader=yaml.CSafeLoader)
    converter = PlainData("j.yaml", Limits())
    assert converter.build(root) == {"stages": [{"id": "b"}]}
    assert [(d.code, d.message, d.hint) for d in converter.diagnostics] == \
        [("JC002", "duplicate key 'id' (first defined on line 2)",
          "YAML keeps only the last of the two values: remove or rename one")]


def test_a_key_that_is_not_text_is_jc004_and_the_keys_after_it_still_load() -> None:
    result = load_bytes("j.yaml", HEADER + b"? [a, b]\n: c\nid: x\nname: X\n")
    assert [(d.code, d.position.span, d.message, d.hint) for d in result.diagnostics] == \
        [("JC004", Span(3, 3, 3, 9), "mapping keys must be plain text", "write the key as plain text")]
    assert result.documents[0].data == {"apiVersion": "journeyc/v1", "kind": "Journey", "id": "x", "name": "X"}


def test_timestamps_binary_and_custom_tags_stay_the_text_written() -> None:
    raw = HEADER + b"x-d: 2024-01-31\nx-t: 2001-12-14t21:59:43.10-05:00\nx-b: !!binary aGk=\nx-r: !ref stage-1\n" \
        b"x-n: [1, 1.5, true, null, '1']\n"
    data = load_bytes("j.yaml", raw).documents[0].data
    assert {k: v for k, v in data.items() if k.startswith("x-")} == {
        "x-d": "2024-01-31", "x-t": "2001-12-14t21:59:43.10-05:00", "x-b": "aGk=", "x-r": "stage-1",
        "x-n": [1, 1.5, True, None, "1"]}


def test_a_string_exactly_at_the_length_limit_loads() -> None:
    raw = HEADER + b"name: abcdefghijkl\n"
    assert _found(raw, Limits(max_string_length=12)) == []
    assert _found(raw, Limits(max_string_length=11)) == \
        [("JC005", Span(3, 7, 3, 19), "string of 12 characters, over the limit of 11",
          "shorten the text, or raise `limits: {max_string_length: ...}` in journeyc.yaml")]


def test_short_texts_are_kept_once_long_ones_are_not() -> None:
    """Ids and labels repeat across thousands of files: texts up to INTERN_UP_TO characters are one object."""
    short, limit, long = "s" * 10, "l" * INTERN_UP_TO, "x" * (INTERN_UP_TO + 1)
    body = f"x-a: [{short}, {limit}, {long}]\n".encode()
    raw = HEADER + body + b"---\n" + HEADER + body
    first, second = (d.data["x-a"] for d in load_bytes("j.yaml", raw).documents)
    assert first == second == [short, limit, long]
    assert [a is b for a, b in zip(first, second, strict=True)] == [True, True, False]


def test_each_mapping_knows_its_line() -> None:
    raw = HEADER + b"id: x\nstages:\n  - id: a\n\n  - {id: b}\n"
    (doc,) = load_bytes("j.yaml", raw).documents
    assert doc.lines == {id(doc.data): 1, id(doc.data["stages"][0]): 5, id(doc.data["stages"][1]): 7}
