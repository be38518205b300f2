"""Fuzzing (issue 6): no input breaks the loader, `check` or `build`; valid workspaces build deterministically.

The number of examples comes from the Hypothesis profile (tests/conftest.py): `ci` by default, bounded and
reproducible; HYPOTHESIS_PROFILE=long for a longer local run. fuzz/campaign.py runs far more inputs without
pytest. Inputs that once failed are replayed from tests/fixtures/fuzz-regressions/.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzzing import properties, strategies
from fuzzing.yamltext import Writer
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc.workspace.loading import Limits, load_bytes

REGRESSIONS = Path(__file__).parent / "fixtures" / "fuzz-regressions"
#: limits small enough that every refusal path runs on the regression inputs too
SMALL = Limits(max_depth=2, max_alias_nodes=2, max_documents=1, max_string_length=8)
#: the profile's budget; the properties that write and build whole workspaces take a share of it
EXAMPLES = settings().max_examples


# --- (a) the loader ----------------------------------------------------------------------


@given(raw=strategies.loader_inputs(), limits=strategies.limits())
def test_loader_gives_diagnostics_inside_the_file_for_any_bytes(raw: bytes, limits: Limits) -> None:
    properties.loader_property(raw, limits)


@settings(max_examples=max(10, EXAMPLES // 3))
@given(raw=strategies.yaml_streams())
def test_loader_survives_deep_nesting_and_alias_expansion_with_raised_limits(raw: bytes) -> None:
    properties.loader_property(raw, Limits(max_depth=100_000, max_alias_nodes=10**9, max_string_length=10**9))


# --- (b) mutated example workspaces, on disk, through check, the CLI and build ----------------


@settings(max_examples=EXAMPLES)
@given(files=strategies.mutated_workspaces(), rnd=st.randoms(use_true_random=False))
def test_mutated_workspaces_give_diagnostics_never_a_crash(files: strategies.Files, rnd: random.Random) -> None:
    with properties.scratch() as tmp:
        properties.workspace_property(files, tmp, rnd)


# --- (c) valid generated workspaces: check -> build -> diff --------------------------------


@settings(max_examples=max(5, EXAMPLES // 3))
@given(gen=strategies.valid_workspaces(), rnd=st.randoms(use_true_random=False))
def test_valid_workspaces_check_clean_build_deterministically_and_diff_as_unchanged(
        gen: strategies.Generated, rnd: random.Random) -> None:
    with properties.scratch() as tmp:
        properties.valid_property(gen, tmp, rnd)


_SCALAR = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(st.characters(exclude_categories=("Cs",)), max_size=20))
_DATA = st.recursive(_SCALAR, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8), c, max_size=4), max_leaves=16)


@given(docs=st.lists(_DATA, min_size=1, max_size=3), rnd=st.randoms(use_true_random=False))
def test_the_generators_yaml_writer_round_trips(docs: list[Any], rnd: random.Random) -> None:
    """The valid workspaces are only valid if the writer that puts them on disk loses nothing."""
    text = Writer(rnd, exact=True).stream(docs)
    assert list(yaml.load_all(text, Loader=yaml.CSafeLoader)) == docs, text


# --- regressions: inputs the fuzzers once broke journeyc with ----------------------------------


def _cases(kind: str) -> list[Path]:
    return sorted((REGRESSIONS / kind).iterdir()) if (REGRESSIONS / kind).is_dir() else []


@pytest.mark.parametrize("path", _cases("loader"), ids=lambda p: p.name)
def test_loader_regression(path: Path) -> None:
    raw = path.read_bytes()
    properties.loader_property(raw, Limits(), path.name)
    properties.loader_property(raw, SMALL, path.name)


@pytest.mark.parametrize("path", _cases("workspaces"), ids=lambda p: p.name)
def test_workspace_regression(path: Path) -> None:
    with properties.scratch() as tmp:
        properties.workspace_property(properties.read_tree(path), tmp, random.Random(0))


@pytest.mark.parametrize("path", _cases("valid"), ids=lambda p: p.name)
def test_valid_workspace_regression(path: Path) -> None:
    with properties.scratch() as tmp:
        properties.valid_property(properties.as_generated(properties.read_tree(path)), tmp, random.Random(0))


def test_regression_fixtures_are_there() -> None:
    assert _cases("loader"), "tests/fixtures/fuzz-regressions/loader/ holds the inputs the fuzzers found"


# --- the exact places of the diagnostics behind those regressions -------------------------------

HEADER = b"apiVersion: journeyc/v1\nkind: Journey\n"


@pytest.mark.parametrize("value", [b"!!int", b'!!int ""', b"!!float ''", b"!!bool maybe", b"!!int 0x"])
def test_an_explicit_tag_on_a_value_it_cannot_hold_keeps_the_text(value: bytes) -> None:
    result = load_bytes("j.yaml", HEADER + b"id: x\nx-n: " + value + b"\n")
    assert result.diagnostics == []
    assert isinstance(result.documents[0].data["x-n"], str)


def test_an_error_at_the_end_of_a_file_without_final_newline_points_inside_it() -> None:
    (d,) = load_bytes("j.yaml", HEADER + b"id: [x").diagnostics
    assert (d.code, d.position.line, d.position.column) == ("JC001", 3, 5)   # the `[` never closed
    assert d.message == "the `[` opened here is never closed"


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", "\u2028".encode(), "\x85".encode()])
def test_lines_are_counted_as_yaml_counts_them(newline: bytes) -> None:
    raw = HEADER.replace(b"\n", newline) + b"id: x" + newline + b"name: caf\xe9" + newline
    (d,) = load_bytes("j.yaml", raw).diagnostics
    assert (d.code, d.position.line, d.position.column) == ("JC005", 4, 10)
    (d,) = load_bytes("j.yaml", raw.replace(b"\xe9", b"")[:-len(newline)] + b"\x01").diagnostics
    assert (d.code, d.position.line, d.position.column) == ("JC001", 4, 10)


def test_a_control_character_is_reported_where_it_is() -> None:
    (d,) = load_bytes("j.yaml", HEADER + "id: café\x07\n".encode()).diagnostics
    assert (d.code, d.position.line, d.position.column) == ("JC001", 3, 9)
    assert "U+0007" in d.message and "\\x07" in (d.hint or "")
    assert "position" not in d.message and "\n" not in d.message
