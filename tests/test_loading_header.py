"""Is a document journeyc's? The header (JC003) as the loader judges it, and the encodings it recognises."""

from __future__ import annotations

import codecs

import pytest
from yaml.nodes import MappingNode

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.workspace import header
from journeyc.workspace.loading import compose_all, load_bytes

_KINDS = "Config, Teams, Vocabulary, Journey"
_V1 = "this version of journeyc reads `apiVersion: journeyc/v1`"


def _found(raw: bytes) -> tuple[list[tuple[str, Span, str, str | None]], list[str], bool, int]:
    """(code, span, message, hint) of each diagnostic, the kinds that failed, foreign, how many documents."""
    result = load_bytes("j.yaml", raw)
    assert all(d.position.file == "j.yaml" and d.severity == Severity.ERROR for d in result.diagnostics)
    return ([(d.code, d.position.span, d.message, d.hint) for d in result.diagnostics], result.failed,
            result.foreign, len(result.documents))


HEADERS = [
    ("no-kind", b"apiVersion: journeyc/v1\nid: x\n",
     [("JC003", Span(1, 1, 1, 11), "document has no kind", f"add `kind:` with one of {_KINDS}")], ["?"]),
    ("unknown-journeyc-version-of-an-unknown-kind", b"apiVersion: journeyc/v2\nkind: Workflow\n",
     [("JC003", Span(1, 13, 1, 24), "unknown apiVersion 'journeyc/v2'", _V1)], ["?"]),
    ("upper-case-journeyc-version", b"apiVersion: JourneyC/v1\nkind: Workflow\n",
     [("JC003", Span(1, 13, 1, 24), "unknown apiVersion 'JourneyC/v1'", _V1)], ["?"]),
    ("apiversion-that-is-a-list", b"apiVersion: [journeyc/v1]\nkind: Journey\n",
     [("JC003", Span(1, 13, 1, 26), "unknown apiVersion that is not text", _V1)], ["Journey"]),
    ("kind-key-capitalised", b"apiVersion: journeyc/v1\nKind: Journey\n",
     [("JC003", Span(2, 1, 2, 5), "`Kind` is not `kind`: journeyc reads the key spelled exactly so",
       "write `kind:`")], ["Journey"]),
    ("kind-that-is-a-list", b"apiVersion: journeyc/v1\nkind: [Journey]\n",
     [("JC003", Span(2, 7, 2, 16), "unknown kind that is not text", f"kind is one of {_KINDS}")], ["?"]),
    ("kind-like-no-other", b"apiVersion: journeyc/v1\nkind: Workflow\n",
     [("JC003", Span(2, 7, 2, 15), "unknown kind 'Workflow'", f"kind is one of {_KINDS}")], ["?"]),
]


@pytest.mark.parametrize(("raw", "diagnostics", "failed"), [h[1:] for h in HEADERS], ids=[h[0] for h in HEADERS])
def test_a_wrong_header_is_jc003_at_the_mistake(raw: bytes, diagnostics: list[tuple[str, Span, str, str]],
                                                failed: list[str]) -> None:
    assert _found(raw) == (diagnostics, failed, False, 0)


def test_the_keys_spelled_exactly_win_over_other_spellings() -> None:
    """A stray `apiversion:` or `Kind:` beside the real keys does not hide them (whichever comes first)."""
    raw = b"apiversion: old\napiVersion: journeyc/v1\nKind: Journey\nkind: Journey\nid: x\n"
    assert _found(raw) == ([], [], False, 1)


@pytest.mark.parametrize("raw", [
    b"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",       # a Kubernetes manifest
    b"on: push\njobs: {test: {runs-on: ubuntu-latest}}\n",       # a CI workflow
    b"kind: Journeys\n",                                         # a near miss of a kind, without apiVersion
], ids=["kubernetes", "ci", "near-miss-kind"])
def test_other_tools_documents_are_foreign_and_silent(raw: bytes) -> None:
    assert _found(raw) == ([], [], True, 0)


def _root(text: str) -> MappingNode:
    (root,) = compose_all(text)
    assert isinstance(root, MappingNode)
    return root


def test_the_verdict_on_a_document() -> None:
    assert header.judge("j.yaml", _root("apiVersion: journeyc/v1\nkind: Teams\n")) == header.Verdict(False, "Teams")
    assert header.judge("j.yaml", _root("name: build\nkind: Pipeline\n")) == header.Verdict(True)
    assert header.judge("j.yaml", _root("apiVersion: journeyc/v1\nkind: teams\n")) == header.Verdict(
        False, "Teams", Diagnostic("JC003", Severity.ERROR, "unknown kind 'teams'",
                                   Position("j.yaml", Span(2, 7, 2, 12)), "did you mean 'Teams'?"))


@pytest.mark.parametrize(("raw", "wide"), [
    (codecs.BOM_UTF32_BE + "名前: 値\n".encode("utf-32-be"), "UTF-32"),   # half NUL: the BOM decides
    (codecs.BOM_UTF16_LE + "名前: 値\n".encode("utf-16-le"), "UTF-16"),   # no NUL at all
    (codecs.BOM_UTF16_BE + "名前: 値\n".encode("utf-16-be"), "UTF-16"),
    (codecs.BOM_UTF32_BE, "UTF-32"),                                     # nothing but the mark
    ("ab".encode("utf-16-le"), "UTF-16"),                               # four bytes are enough to tell
    (b"a\x00bc", "UTF-16"),                                             # a quarter NUL: UTF-16
    (b"a\x00bcd", None),                                                # a fifth: not
    (b"a\x00\x00b\x00\x00", "UTF-16"),                                  # two thirds: still UTF-16
    (b"a\x00\x00\x00", "UTF-32"),                                       # three quarters: UTF-32
    (b"a\x00bc" * 1024 + b"d", "UTF-16"),                              # only the first 4096 bytes count
], ids=["utf-32-be-bom-cjk", "utf-16-le-bom-cjk", "utf-16-be-bom-cjk", "utf-32-be-bom-only", "four-bytes",
        "quarter-nul", "fifth-nul", "two-thirds-nul", "three-quarters-nul", "first-4-kib"])
def test_wide_encodings_by_their_mark_or_their_nul_bytes(raw: bytes, wide: str | None) -> None:
    assert header.utf16_or_32(raw) == wide


def test_a_utf_16_file_of_cjk_text_is_refused_as_utf_16() -> None:
    raw = codecs.BOM_UTF16_LE + "apiVersion: journeyc/v1\nkind: Journey\nname: 顧客の旅\n".encode("utf-16-le")
    assert _found(raw) == ([("JC005", Span(1, 1, 1, 1), "file is UTF-16, not UTF-8", "save the file as UTF-8")],
                           ["Journey"], False, 0)
