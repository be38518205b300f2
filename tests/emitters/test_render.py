"""Fast paths of the shared text helpers: they skip work only where the slow path would change nothing."""

from __future__ import annotations

import sys

from journeyc.emitters import render


def test_no_character_clean_replaces_is_printable() -> None:
    """`clean` and `_finalize` return printable text untouched: that is only right if every character
    `_UNSAFE` matches is unprintable (controls, surrogates, non-characters, bidi controls are)."""
    printable = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
                 if render._UNSAFE.match(chr(c)) and chr(c).isprintable()]
    assert printable == []


def test_fast_and_slow_paths_agree() -> None:
    for text in ("plain", "tab\there", "cr\r\nlf", "nul\x00", "bidi \u202e", "lone \ud800", "ok é ✓", ""):
        assert render.clean(text) == render._UNSAFE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
        assert render._finalize(text) == render.clean(text)
    assert render._finalize(7) == 7


def test_views_read_as_attributes_and_as_keys() -> None:
    view = render.View(stage="s", n=1)
    assert (view.stage, view["n"], dict(view), "stage" in view) == ("s", 1, {"stage": "s", "n": 1}, True)
