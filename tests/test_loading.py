"""Loader edge cases: encodings, duplicate keys, anchors, limits, and the YAML test suite."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.rules import RULES
from journeyc.rules.base import Context
from journeyc.workspace import header, loading, yamlerrors
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


def test_syntax_error_at_the_mistake() -> None:
    """libyaml gives up at the end of the stream; the diagnostic is where the bracket was opened."""
    result = load_bytes("j.yaml", HEADER + b"id: [unclosed\n")
    assert codes(result) == [("JC001", 3, 5)]
    assert (result.diagnostics[0].message, result.diagnostics[0].hint) == \
        ("the `[` opened here is never closed", "close it with `]` (and separate its items with commas)")


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    result = load_bytes("j.yaml", HEADER + b"id: a\nname: A\nid: b\n")
    assert codes(result) == [("JC002", 5, 1)]
    assert "line 3" in result.diagnostics[0].message
    assert result.documents[0].data["id"] == "b"   # the last value, as every YAML tool keeps it


def test_multi_document_files_and_foreign_documents() -> None:
    raw = b"kind: Something\n---\n" + HEADER + b"id: a\n---\napiVersion: v1\nkind: Pod\n---\n" + HEADER + b"id: b\n"
    result = load_bytes("j.yaml", raw)
    assert (result.diagnostics, result.failed, result.foreign) == ([], [], False)
    assert [(d.index, d.kind, d.data["id"]) for d in result.documents] == [(1, "Journey", "a"), (3, "Journey", "b")]
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
    assert codes(result) == [("JC005", 6, 5)]    # the first collection whose expansion crosses the limit
    assert result.diagnostics[0].message == "aliases expand to more than 10,000 nodes"
    assert result.diagnostics[0].hint == \
        "use fewer aliases of large nodes, or raise `limits: {max_alias_nodes: ...}` in journeyc.yaml"
    assert peak < 50 * 1024 * 1024


def test_recursive_alias_is_refused() -> None:
    result = load_bytes("j.yaml", HEADER + b"loop: &l [1, *l]\n")
    assert codes(result) == [("JC005", 3, 14)]     # at the alias that closes the loop


@pytest.mark.parametrize(
    ("limits", "raw", "where", "limit"),
    [
        (Limits(max_file_bytes=64), HEADER + b"description: " + b"x" * 100 + b"\n", (1, 1), "max_file_bytes"),
        (Limits(max_depth=5), HEADER + b"x-a: {b: {c: {d: {e: {f: 1}}}}}\n", (3, 22), "max_depth"),
        (Limits(max_string_length=12), HEADER + b"name: abcdefghijklmnop\n", (3, 7), "max_string_length"),
        (Limits(max_documents=2), (HEADER + b"id: a\n---\n") * 3, (9, 1), "max_documents"),
    ],
    ids=["file-size", "depth", "string-length", "documents"],
)
def test_each_limit_gives_jc005_at_the_right_place(limits: Limits, raw: bytes, where: tuple[int, int],
                                                   limit: str) -> None:
    result = load_bytes("j.yaml", raw, limits)
    assert codes(result) == [("JC005", *where)]
    hint = result.diagnostics[0].hint
    assert hint is not None and hint.endswith(f"or raise `limits: {{{limit}: ...}}` in journeyc.yaml")


def test_huge_integer_does_not_crash() -> None:
    result = load_bytes("j.yaml", HEADER + b"x-n: " + b"9" * 5000 + b"\n")
    assert result.diagnostics == []
    assert isinstance(result.documents[0].data["x-n"], str)


def test_non_string_keys_are_diagnosed() -> None:
    result = load_bytes("j.yaml", HEADER + b"? [a, b]\n: c\n")
    assert codes(result) == [("JC004", 3, 3)]    # at the key


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
            lines = variant.decode("utf-8", "replace").splitlines() or [""]
            for d in result.diagnostics:  # inside the text: a line that exists, a column on it or just after it
                line, column = d.position.line, d.position.column
                assert 1 <= line <= len(lines) + 1 and column >= 1, path.name
                assert line > len(lines) or column <= len(lines[line - 1]) + 1 or d.code == "JC005", path.name
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
    result = load_bytes("j.yaml", raw)
    assert [(d.code, d.position.line, d.position.column, d.message, d.hint) for d in result.diagnostics] == \
        [("JC005", 1002, 1001, "YAML nesting is too deep to parse", "flatten the document")]  # libyaml's own cap


def test_block_mapping_span_ends_on_its_own_last_line() -> None:
    raw = HEADER + b"stages:\n  - id: a\n    owner: sales\n\n  - id: b\n"
    span = load_bytes("j.yaml", raw).documents[0].smap.span(("stages", 0))
    assert (span.line, span.column, span.end_line, span.end_column) == (4, 5, 5, 17)


# --- JC001 in plain words, at the mistake (issue 10) -----------------------------------------------

_CHECK = "check this line and the one above it: keys of one mapping line up, list items start with `- `"
_TAB = ("a tab is used for indentation: YAML indents with spaces only",
        "replace the tab with spaces (2 per level, as in the rest of the file)")

SYNTAX = [
    ("tab-at-the-start", b"stages:\n\t- id: a\n", 4, 1, *_TAB),
    ("tab-after-spaces", b"stages:\n  - id: a\n  \towner: b\n", 5, 3, *_TAB),
    ("character-that-starts-nothing", b"id: @x\n", 3, 5, "YAML syntax error: found character that cannot start"
     " any token (while scanning for the next token)", _CHECK),
    ("unknown-escape", b'id: "a\\qb"\n', 3, 7,
     "YAML syntax error: found unknown escape character (while parsing a quoted scalar)", _CHECK),
    ("double-quote-open-at-the-end", b'id: "abc', 3, 5, 'the text quoted with " here is never closed',
     'end the text with a matching " on the same line'),
    ("single-quote-never-closed", b"name: 'abc\n", 3, 7, "the text quoted with ' here is never closed",
     "end the text with a matching ' on the same line"),
    ("brace-never-closed", b"x-a: {b: 1, c: 2\nid: x\n", 3, 6, "the `{` opened here is never closed",
     "close it with `}` (and separate its items with commas)"),
    ("error-at-the-end-of-a-file-without-a-line-break", b"x: [a,", 3, 7,
     "YAML syntax error: did not find expected node content (while parsing a flow node)", _CHECK),
    ("key-without-colon", b"stages:\n  - id: a\n    owner\n    term: b\n", 5, 5,
     "`owner` is not a `key: value` pair: a `:` is missing", "write `owner:` followed by its value"),
    ("key-value-without-colon", b"stages:\n  - id: a\n    owner sales\n    term: b\n", 5, 5,
     "`owner sales` is not a `key: value` pair: a `:` is missing", "write `owner: sales`"),
    ("colon-in-a-value", b"name: a: b  # note\n", 3, 8, "a `: ` inside an unquoted value starts a second key",
     'quote the value: name: "a: b"'),
    ("key-indented-further", b"stages:\n  - id: a\n     owner: b\n", 5, 6,
     "`owner:` is indented further than the key above it",
     "indent it by 4 spaces, like the key above, or indent the line above it"),
    ("key-indented-less-than-its-item", b"stages:\n  - id: a\n   owner: b\n", 5, 4,
     "`owner:` is indented less than the keys of its list item", "indent it by 4 spaces, like the other keys of"
     " the item"),
    ("key-left-its-item", b"stages:\n  - id: a\n    owner: b\n  term: c\n", 6, 3,
     "`term:` is not part of the list item above it",
     "indent it by 4 spaces to belong to the item above, or start a new item with `- `"),
    ("dash-without-space-in-a-list", b"stages:\n  - id: a\n  -id: b\n", 5, 3, "`-id` needs a space after the dash",
     "write `- id: b`"),
    ("dash-without-space-opening-a-mapping", b"stages:\n  -id: a\n  - id: b\n", 4, 3,
     "`-id` needs a space after the dash", "write `- id: a`"),
    ("undefined-alias", b"id: *nothing\n", 3, 5, "alias `*nothing` refers to no anchor",
     "define `&nothing` on a node above it, or write the value out"),
    ("anchor-without-a-name", b"x: &", 3, 5, "YAML syntax error: did not find expected alphabetic or numeric"
     " character (while scanning an anchor)", _CHECK),
    ("control-character", b"id: a\x7fb\n", 3, 6, "YAML syntax error: control characters are not allowed (U+007F)",
     "remove it, or write it as \\x7f inside a double-quoted string"),
    # libyaml counts bytes: the column is still the character's, after a two-byte é
    ("noncharacter-after-an-accent", "id: café\ufffe\n".encode(), 3, 9,
     "YAML syntax error: control characters are not allowed (U+FFFE)",
     "remove it, or write it as \\ufffe inside a double-quoted string"),
]


@pytest.mark.parametrize(("raw", "line", "column", "message", "hint"), [s[1:] for s in SYNTAX],
                         ids=[s[0] for s in SYNTAX])
def test_syntax_errors_in_plain_words(raw: bytes, line: int, column: int, message: str, hint: str) -> None:
    result = load_bytes("j.yaml", HEADER + raw)
    assert [(d.code, d.severity, d.position.line, d.position.column, d.message, d.hint)
            for d in result.diagnostics] == [("JC001", Severity.ERROR, line, column, message, hint)]
    assert result.documents == [] and result.failed == ["Journey"]


def test_a_directive_error_before_the_document() -> None:
    result = load_bytes("j.yaml", b"%YAML 1.1\n%YAML 1.1\n---\n" + HEADER)
    assert [(d.position.line, d.position.column, d.message) for d in result.diagnostics] == \
        [(2, 1, "YAML syntax error: found duplicate %YAML directive")]
    assert result.failed == ["Journey"]


def test_an_error_without_words_or_place_is_still_explained() -> None:
    explained = yamlerrors.explain(yaml.MarkedYAMLError(), ["a: b", ""])
    assert explained == yamlerrors.Explained(Span.point(1, 1), "YAML syntax error: invalid YAML", _CHECK)


def test_a_diagnostic_past_the_end_is_pulled_back_inside_the_text() -> None:
    outside = Diagnostic("JC001", Severity.ERROR, "m", Position("j.yaml", Span(3, 1, 3, 1)), "h")
    assert loading._clamped(outside, ["a: b", "cd"]) == \
        Diagnostic("JC001", Severity.ERROR, "m", Position("j.yaml", Span(2, 3, 2, 3)), "h")
    inside = Diagnostic("JC001", Severity.ERROR, "m", Position("j.yaml", Span(1, 2, 1, 3)), "h")
    assert loading._clamped(inside, ["a: b", "cd"]) is inside


def test_nesting_python_cannot_read_is_a_refusal_at_the_deepest_node() -> None:
    """With the depth limit raised far, Python's own stack gives out first: reported at the deepest node."""
    raw = HEADER + b"x-a: &a 1\nx-b: " + b"[" * 990 + b"]" * 990 + b"\n"
    result = load_bytes("j.yaml", raw, Limits(max_depth=100_000))
    assert [(d.code, d.position.line, d.position.column, d.message, d.hint) for d in result.diagnostics] == \
        [("JC005", 4, 995, "nesting of 991 levels is deeper than journeyc can read", "flatten the document")]
    result = load_bytes("j.yaml", raw, Limits(max_depth=500))
    assert codes(result) == [("JC005", 4, 505)]   # the first node past the limit


# --- duplicate keys, merges, aliases ---------------------------------------------------------------

def test_a_list_item_without_its_dash_is_one_duplicate_key() -> None:
    raw = HEADER + b"stages:\n  - id: a\n    owner: x\n    id: b\n    owner: y\n"
    result = load_bytes("j.yaml", raw)
    assert [(d.code, d.position.line, d.position.column, d.message, d.hint) for d in result.diagnostics] == \
        [("JC002", 6, 5, "duplicate key 'id' (first defined on line 4): a new list item without its `- `?",
          "start the new item with a dash: `- id: b`")]
    assert result.documents[0].duplicates == {("stages", 0, "id"), ("stages", 0, "owner")}


@pytest.mark.parametrize("raw", [
    b"stages:\n  - {id: a, id: b}\n",                   # one line: not a lost dash
    b"stages:\n  - id: a\n    owner: x\n    owner: y\n",  # not the item's first key
    b"x-a:\n  id: a\n  id: b\n",                        # not in a list
], ids=["flow-mapping", "a-later-key", "outside-a-list"])
def test_other_duplicate_keys_are_plain_duplicates(raw: bytes) -> None:
    result = load_bytes("j.yaml", HEADER + raw)
    assert [d.hint for d in result.diagnostics] == ["YAML keeps only the last of the two values: remove or rename one"]
    assert [d.message.split(" (")[0] for d in result.diagnostics] == [
        f"duplicate key {next(iter(result.documents[0].duplicates))[-1]!r}"]


def test_merge_keys_take_mappings_in_order_and_refuse_anything_else() -> None:
    raw = HEADER + (b"x-a: &a {owner: a, sla_days: 1}\nx-b: &b {owner: b, term: T}\n"
                    b"stages:\n  - {<<: [*a, *b], id: s}\n  - {<<: *a, sla_days: 2, id: t}\n  - {<<: 3, id: u}\n")
    result = load_bytes("j.yaml", raw)
    stages = result.documents[0].data["stages"]
    assert stages[0] == {"id": "s", "owner": "a", "sla_days": 1, "term": "T"}   # the earlier merge wins
    assert stages[1] == {"sla_days": 2, "id": "t", "owner": "a"}                # an explicit key wins
    assert stages[2] == {"id": "u"}
    assert [(d.code, d.position.line, d.position.column, d.message, d.hint) for d in result.diagnostics] == \
        [("JC004", 8, 10, "a merge key (<<) takes a mapping", "merge an anchored mapping: `<<: *name`")]


def test_alias_expansion_is_counted_up_to_the_limit() -> None:
    raw = HEADER + b"x-a: &a [1, 2]\nx-b: [*a, *a]\n"
    assert codes(load_bytes("j.yaml", raw, Limits(max_alias_nodes=6))) == []
    result = load_bytes("j.yaml", raw, Limits(max_alias_nodes=5))
    assert [(d.code, d.position.line, d.position.column, d.message) for d in result.diagnostics] == \
        [("JC005", 4, 6, "aliases expand to more than 5 nodes")]


def test_a_document_position_is_its_value_or_its_key() -> None:
    (doc,) = load_bytes("j.yaml", HEADER + b"id:   x\n").documents
    assert doc.position(("id",)) == Position("j.yaml", Span(3, 7, 3, 8))
    assert doc.position(("id",), key=True) == Position("j.yaml", Span(3, 1, 3, 3))


def test_every_loader_refusal_is_an_error() -> None:
    raws = [HEADER + b"x: [a\n", HEADER + b"a: 1\na: 2\n", HEADER + b"? [a]\n: b\n", b"\xff\xfe" + HEADER,
            HEADER + b"x: \xe9\n", b"apiVersion: journeyc/v2\nkind: Journey\n"]
    for raw in raws:
        (d,) = load_bytes("j.yaml", raw).diagnostics
        assert d.severity == Severity.ERROR, d


# --- is this file journeyc's? the cheap guesses ------------------------------------------------------

@pytest.mark.parametrize(("raw", "kind"), [
    (b"kind: Teams\n", "Teams"),
    (b"'kind': \"vocabulary\"  # a comment\n", "Vocabulary"),
    (b"kind: Journey\n---\nkind: Journey\n", "Journey"),
    (b"kind: Journey\n---\nkind: Teams\n", "?"),          # two kinds: cannot tell
    (b"  kind: Journey\n", "?"),                           # not at the top level
    (b"kind: Journeys\n", "?"),
    ("kind: Config\n".encode("utf-16"), "Config"),
    ("kind: Config\n".encode("utf-32"), "Config"),
    ("kind: Teams\n".encode("utf-16") + b"\x00", "Teams"),   # an odd byte at the end: replaced, not an error
], ids=["plain", "quoted-lower-case", "twice", "two-kinds", "indented", "another-word", "utf-16", "utf-32",
        "utf-16-odd-length"])
def test_guess_kind(raw: bytes, kind: str) -> None:
    assert header.guess_kind(raw) == kind


@pytest.mark.parametrize(("raw", "wide"), [
    ("a: b\n".encode("utf-16"), "UTF-16"), ("a: b\n".encode("utf-16-be"), "UTF-16"),
    ("a: b\n".encode("utf-32"), "UTF-32"), ("a: b\n".encode("utf-32-be"), "UTF-32"),
    ("a: b\n".encode("utf-16-le"), "UTF-16"), ("a: b\n".encode("utf-32-le"), "UTF-32"),
    (b"a: b\n", None), (b"a\x00", None), (b"", None),
], ids=["utf-16-bom", "utf-16-be", "utf-32-bom", "utf-32-be", "utf-16-no-bom", "utf-32-no-bom", "utf-8",
        "short", "empty"])
def test_utf16_or_32(raw: bytes, wide: str | None) -> None:
    assert header.utf16_or_32(raw) == wide


@pytest.mark.parametrize(("raw", "ours", "looks"), [
    (b"steps: [build]\n", False, False),
    (b"kind: Journey\n", True, True),
    (b"# made by JourneyC\nx: 1\n", True, True),
    (b"name: teams of the config\n", True, False),        # a word that may matter: parsed to be sure
    (b'x: "\\x6a"\n', True, False),                        # an escape could spell anything
    ("kind: Teams\n".encode("utf-16"), True, True),
    ("journeyc\n".encode("utf-32") + b"\x00", True, True),
], ids=["ci-file", "kind", "name-in-a-comment", "kind-word-in-text", "escape", "utf-16", "utf-32-odd-length"])
def test_the_byte_guesses(raw: bytes, ours: bool, looks: bool) -> None:
    assert header.maybe_ours(raw) is ours
    assert header.looks_like_journeyc(raw) is looks


SYNTAX_MORE = [
    ("colon-in-a-value-that-holds-quotes", b'x: "a" : b\n', 2, 8, "a `: ` inside an unquoted value starts a second"
     " key", "quote the value: x: '\"a\" : b'"),
    ("colon-after-a-flow-value", b"x: [a]: b\n", 2, 7, "a `: ` inside an unquoted value starts a second key",
     'quote the value: x: "[a]: b"'),
    ("key-under-a-plain-text-at-the-same-indent", b"x:\n  a\n  b: c\n", 4, 4, "a `:` here cannot start a key",
     "check the indentation of this line and quote any value that holds `: `"),
    ("key-indented-under-a-scalar", b"x: a\n b: c\n", 3, 2, "`b:` is indented further than the key above it",
     "indent it by 0 spaces, like the key above, or indent the line above it"),
    ("two-tabs", b"stages:\n\t\t- id: a\n", 3, 1, *_TAB),
    ("a-tab-after-the-character-is-not-indentation", b"id: @\tx\n", 2, 5, "YAML syntax error: found character that"
     " cannot start any token (while scanning for the next token)", _CHECK),
    # regression: a tab after the key's colon was taken for indentation, and the mistake (the `@`) not named
    ("a-tab-before-the-character-is-not-indentation", b"id:\t@x\n", 2, 5, "YAML syntax error: found character that"
     " cannot start any token (while scanning for the next token)", _CHECK),
    ("key-left-an-item-that-is-a-text", b"stages:\n  - a\n  name: c\n", 4, 3,
     "`name:` is not part of the list item above it",
     "indent it by 4 spaces to belong to the item above, or start a new item with `- `"),
    ("colon-in-a-value-with-both-quotes", b'name: "it\'s": b\n', 2, 13,
     "a `: ` inside an unquoted value starts a second key", "quote the value: name: '\"it''s\": b'"),
    ("colon-right-after-the-colon", b"name: : b\n", 2, 7, "a `: ` inside an unquoted value starts a second key",
     'quote the value: name: ": b"'),
    ("key-indented-further-after-a-blank-line", b"x:\n  y: a\n\n   b: c\n", 5, 4,
     "`b:` is indented further than the key above it",
     "indent it by 2 spaces, like the key above, or indent the line above it"),
    ("key-under-a-text-after-a-blank-line", b"a:\n  b\n\n  c: d\n", 5, 4, "a `:` here cannot start a key",
     "check the indentation of this line and quote any value that holds `: `"),
    ("dash-without-space-before-a-comment", b"stages:\n  -id: a  # first\n  - id: b\n", 3, 3,
     "`-id` needs a space after the dash", "write `- id: a`"),
    ("key-left-an-item-with-wide-dash", b"stages:\n  -   id: a\n  name: c\n", 4, 3,
     "`name:` is not part of the list item above it",
     "indent it by 6 spaces to belong to the item above, or start a new item with `- `"),
    ("tab-after-spaces-before-a-dash", b"stages:\n  \t- id: a\n", 3, 3, *_TAB),
    ("undefined-alias-in-a-flow-list", b"x: [*nothing, *b]\n", 2, 5, "alias `*nothing` refers to no anchor",
     "define `&nothing` on a node above it, or write the value out"),
]


@pytest.mark.parametrize(("raw", "line", "column", "message", "hint"), [s[1:] for s in SYNTAX_MORE],
                         ids=[s[0] for s in SYNTAX_MORE])
def test_more_syntax_errors(raw: bytes, line: int, column: int, message: str, hint: str) -> None:
    result = load_bytes("j.yaml", b"kind: Journey\n" + raw)
    assert [(d.position.line, d.position.column, d.message, d.hint) for d in result.diagnostics] == \
        [(line, column, message, hint)]


@pytest.mark.parametrize(("raw", "column", "message"), [
    (b"a: b: c\nkind: Journey\n", 5, "a `: ` inside an unquoted value starts a second key"),
    (b"\tkind: Journey\n", 1, _TAB[0]),
    (b" a#b: c: d\nz: 1", 8, "a `:` here cannot start a key"),    # no line above the first to compare with
], ids=["colon", "tab", "indented-first-line"])
def test_a_syntax_error_on_the_first_line(raw: bytes, column: int, message: str) -> None:
    (d,) = load_bytes("j.yaml", raw).diagnostics
    assert (d.position.line, d.position.column, d.message) == (1, column, message)


@pytest.mark.parametrize(("line", "lines", "span"), [
    (2, ["a: b", "c"], Span.point(2, 2)),       # one past the last line: at the end of the last line
    (7, ["a: b", "cd", "", ""], Span.point(2, 3)),
    (3, ["", "  ", ""], Span.point(1, 1)),      # nothing but blanks: the first line
    (0, [], Span.point(1, 1)),
], ids=["just-past", "far-past", "blank", "empty"])
def test_an_error_past_the_end_is_placed_on_the_last_line_that_holds_something(
        line: int, lines: list[str], span: Span) -> None:
    mark = yaml.Mark("j.yaml", 0, line, 0, None, None)
    assert yamlerrors.explain(yaml.MarkedYAMLError(problem="oops", problem_mark=mark), lines).span == span


def test_a_lost_dash_before_a_mapping_value_shows_dots() -> None:
    result = load_bytes("j.yaml", HEADER + b"stages:\n  - id: a\n    id: {b: c}\n")
    assert [d.hint for d in result.diagnostics] == ["start the new item with a dash: `- id: ...`"]


def test_merged_mappings_count_against_the_depth_limit() -> None:
    raw = HEADER + b"x-a: &a {b: 1}\nx-m: {<<: *a}\n"
    assert codes(load_bytes("j.yaml", raw, Limits(max_depth=3))) == []
    result = load_bytes("j.yaml", raw, Limits(max_depth=2))   # the merged mapping is a level below x-m
    assert [(d.position.line, d.position.column, d.message) for d in result.diagnostics] == \
        [(4, 11, "nesting deeper than 2 levels")]
    assert load_bytes("j.yaml", raw, Limits(max_depth=1)).diagnostics[0].message == "nesting deeper than 1 level"


def test_a_text_with_the_id_of_a_dropped_mapping_keeps_its_own_line() -> None:
    """Regression: the loader records the id() of every mapping it builds, dropped ones too; a text made later
    at the same address was once given that mapping's line (`first defined at line N` went wrong at random)."""
    from journeyc.workspace.loading import load_bytes as load
    from journeyc.workspace.model import Ref

    doc = load("j.yaml", b"apiVersion: journeyc/v1\nkind: Journey\nid: x\nname: X\n").documents[0]
    doc.lines[id(doc.data["name"])] = 1   # as if a dropped mapping had had the address of the text
    assert Ref(doc, ("name",)).line == 4


# --- the loader's refusals, whole ---------------------------------------------------------------------

def _whole(result: loading.LoadResult) -> list[tuple[str, Position, str, str | None]]:
    assert all(d.severity == Severity.ERROR for d in result.diagnostics)
    return [(d.code, d.position, d.message, d.hint) for d in result.diagnostics]


def test_a_file_exactly_at_the_size_limit_is_read_one_byte_more_is_refused() -> None:
    raw = HEADER + b"id: x\n"
    assert codes(load_bytes("j.yaml", raw, Limits(max_file_bytes=len(raw)))) == []
    result = load_bytes("j.yaml", raw, Limits(max_file_bytes=len(raw) - 1))
    assert _whole(result) == [("JC005", Position("j.yaml", Span(1, 1, 1, 1)), "file is 44 bytes, over the limit of 43",
                               "split the file, or raise `limits: {max_file_bytes: ...}` in journeyc.yaml")]
    assert (result.failed, result.documents, result.foreign) == (["Journey"], [], False)


@pytest.mark.parametrize("bad", [b"", b"\xe9"], ids=["too-large", "not-utf-8"])
def test_the_kind_of_an_unreadable_file_is_guessed_from_its_first_64_kib(bad: bytes) -> None:
    head = b"kind: Journey\nx-note: " + bad
    tail = b"\nkind: Teams"                        # its last byte is the 65,537th of the file
    raw = head + b"a" * (65537 - len(head) - len(tail)) + tail + b"\nid: x\n"
    result = load_bytes("j.yaml", raw, Limits(max_file_bytes=65536 if not bad else 70_000))
    assert [d.code for d in result.diagnostics] == ["JC005"]
    assert result.diagnostics[0].message.startswith("file is not UTF-8" if bad else "file is 65,544 bytes")
    assert result.failed == ["Journey"]


def test_too_many_documents_are_refused_at_the_first_one_over() -> None:
    result = load_bytes("j.yaml", (HEADER + b"id: a\n---\n") * 3, Limits(max_documents=2))
    assert _whole(result) == [("JC005", Position("j.yaml", Span(9, 1, 12, 1)), "more than 2 documents in one file",
                               "split the file, or raise `limits: {max_documents: ...}` in journeyc.yaml")]
    assert ([d.index for d in result.documents], result.failed) == ([0, 1], ["?"])


def test_a_refused_document_keeps_its_kind_and_the_others_load() -> None:
    raw = HEADER + b"id: a\n---\napiVersion: journeyc/v1\nkind: Teams\nx: " + b"[" * 6 + b"]" * 6 + b"\n---\n" \
        + HEADER + b"id: c\n"
    result = load_bytes("j.yaml", raw, Limits(max_depth=5))
    assert codes(result) == [("JC005", 7, 8)]
    assert ([d.index for d in result.documents], [d.data["id"] for d in result.documents], result.failed) == \
        ([0, 2], ["a", "c"], ["Teams"])


#: 990 nested lists: deeper than Python's stack lets the composer go, under the limits of the tests below
DEEP = b"[" * 990 + b"]" * 990


def _too_deep_for_python(line: int, column: int, levels: int) -> list[tuple[str, Position, str, str]]:
    """The whole diagnostic list of a document nested deeper than journeyc can read, at its deepest node."""
    return [("JC005", Position("j.yaml", Span.point(line, column)),
             f"nesting of {levels} levels is deeper than journeyc can read", "flatten the document")]


def test_nesting_too_deep_for_python_is_reported_at_its_deepest_node() -> None:
    """The depth limit raised to the nesting itself: not over the limit, but deeper than Python's stack."""
    raw = HEADER + b"x-a: &a 1\nx-b: " + DEEP + b"\n"
    result = load_bytes("j.yaml", raw, Limits(max_depth=991))
    assert _whole(result) == _too_deep_for_python(4, 995, 991)
    assert (result.documents, result.failed) == ([], ["Journey"])
    assert _whole(load_bytes("j.yaml", raw, Limits(max_depth=500))) == \
        [("JC005", Position("j.yaml", Span.point(4, 505)), "nesting deeper than 500 levels",
          "flatten the document, or raise `limits: {max_depth: ...}` in journeyc.yaml")]


def test_of_two_equally_deep_branches_the_first_is_reported() -> None:
    raw = HEADER + b"x-a: &a [[1], [2]]\nx-b: " + DEEP + b"\nx-c: " + DEEP + b"\n"
    assert _whole(load_bytes("j.yaml", raw, Limits(max_depth=100_000))) == _too_deep_for_python(4, 995, 991)


def test_the_depth_of_a_branch_counts_from_where_it_starts() -> None:
    """A closed list before the deep one leaves its parent's depth as it was."""
    raw = HEADER + b"x-a: &a 1\nx-b:\n  first: [1]\n  deep: " + DEEP + b"\nx-c: " + DEEP + b"\n"
    assert _whole(load_bytes("j.yaml", raw, Limits(max_depth=100_000))) == _too_deep_for_python(6, 998, 992)


def test_libyaml_nesting_cap_is_reported_in_the_file() -> None:
    raw = HEADER + b"x-a:\n" + b"".join(b" " * (i + 1) + b"k:\n" for i in range(2500))
    assert _whole(load_bytes("deep.yaml", raw)) == [
        ("JC005", Position("deep.yaml", Span.point(1002, 1001)), "YAML nesting is too deep to parse",
         "flatten the document")]


def test_an_anchor_right_after_a_json_key_colon_keeps_the_alias_position() -> None:
    """Regression: `{"a":&x ...}` (no space after the colon) was not seen as an anchor, so libyaml composed
    the alias as the anchored node itself and the alias's value was placed at the anchor."""
    (doc,) = load_bytes("j.yaml", HEADER + b'x-a: {"a":&x [1, 2], "b": *x}\n').documents
    assert doc.data["x-a"] == {"a": [1, 2], "b": [1, 2]}
    assert doc.smap.span(("x-a", "b")) == Span(3, 27, 3, 29)
    assert doc.smap.span(("x-a", "a")) == Span(3, 11, 3, 20)   # the anchored node, its `&x` included


def test_only_documents_of_other_tools_make_a_file_foreign() -> None:
    assert load_bytes("ci.yaml", b"on: push\n---\n- a list\n---\njust text\n").foreign is True
    assert load_bytes("j.yaml", HEADER + b"id: x\n").foreign is False
    assert load_bytes("j.yaml", b"apiVersion: journeyc/v1\nkind: Journy\n").foreign is False
    assert load_bytes("j.yaml", b"kind: Journey\nid: [x\n").foreign is False


_STR = "tag:yaml.org,2002:str"


def test_the_tag_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-lived process (the language server) sees endless texts: the memo of resolved tags is emptied
    when it holds 100,000 of them, before it grows further."""
    monkeypatch.setattr(loading, "_RESOLVED", {f"text {i}": "tag:yaml.org,2002:str" for i in range(100_000)})
    (doc,) = load_bytes("j.yaml", HEADER + b"id: x\nx-n: 12\n").documents
    assert doc.data["x-n"] == 12
    assert loading._RESOLVED == {"apiVersion": _STR, "journeyc/v1": _STR, "kind": _STR, "Journey": _STR, "id": _STR,
                                 "x": _STR, "x-n": _STR, "12": "tag:yaml.org,2002:int"}


def test_a_bom_is_not_part_of_the_first_line() -> None:
    """The first line's text, as the explanations quote it, starts after the BOM."""
    result = load_bytes("j.yaml", b"\xef\xbb\xbfa: b: c\nkind: Journey\n")
    assert _whole(result) == [("JC001", Position("j.yaml", Span.point(1, 5)),
                                "a `: ` inside an unquoted value starts a second key", 'quote the value: a: "b: c"')]
    assert result.source is not None and result.source.lines[0] == "a: b: c"
    assert load_bytes("j.yaml", b"\xef\xbb\xbf\tkind: Journey\n").diagnostics[0].message == \
        "a tab is used for indentation: YAML indents with spaces only"
