"""The fast pretty-JSON encoder writes exactly what `json.dumps(indent=2, sort_keys=True)` writes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyc.emitters import jsontext

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                         | st.dictionaries(st.text(), inner, max_size=5), max_leaves=40)


def _json(data: Any, **kw: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, **kw)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_same_text_as_the_standard_library(data: Any) -> None:
    assert jsontext.dumps(data) == _json(data, ensure_ascii=False, allow_nan=False)
    assert jsontext.dumps(data, ensure_ascii=True) == _json(data, ensure_ascii=True, allow_nan=False)


def test_edge_cases() -> None:
    data = {"b": [], "a": {}, "c": [{}, [], [[]]], "lone": "\ud800", "ctl": "\x00\n\"\\", "big": 10**30,
            "f": [0.1, -0.0, 1e300, 1.0], "bool": [True, False, None], "é": "ü"}
    assert jsontext.dumps(data) == _json(data, ensure_ascii=False, allow_nan=False)
    assert jsontext.dumps("x") == '"x"' and jsontext.dumps([]) == "[]" and jsontext.dumps(7) == "7"


def test_non_finite_floats_follow_allow_nan() -> None:
    data = [math.nan, math.inf, -math.inf]
    assert jsontext.dumps(data, allow_nan=True) == _json(data)
    with pytest.raises(ValueError, match="not JSON compliant"):
        jsontext.dumps({"x": math.inf})


def test_what_it_does_not_know_goes_to_the_standard_library() -> None:
    class Label(str):
        pass

    data = {"keys": {10: "ints sort as ints", 2: "then become text"}, "sub": Label("a str subclass")}
    assert jsontext.dumps(data) == _json(data, ensure_ascii=False, allow_nan=False)
    with pytest.raises(TypeError):
        jsontext.dumps({"x": object()})


def _streamed(data: Any) -> Any:
    """`data` with every list made a `Stream` of a generator (made while written)."""
    if isinstance(data, dict):
        return {k: _streamed(v) for k, v in data.items()}
    if isinstance(data, list):
        return jsontext.Stream(_streamed(v) for v in data)
    return data


@settings(max_examples=200, deadline=None)
@given(documents)
def test_dump_writes_in_pieces_what_dumps_writes(data: Any) -> None:
    pieces: list[str] = []
    jsontext.dump(_streamed(data), pieces.append)
    assert "".join(pieces) == jsontext.dumps(data) == _json(data, ensure_ascii=False, allow_nan=False)
    assert jsontext.dumps(_streamed(data)) == jsontext.dumps(data)


def test_dump_hands_over_each_journey_as_soon_as_it_is_written() -> None:
    made: list[int] = []

    def journeys() -> Any:
        for n in range(3):
            made.append(n)
            yield {"id": n, "stages": list(range(n))}

    pieces: list[tuple[int, str]] = []
    jsontext.dump({"apiVersion": "v1", "journeys": jsontext.Stream(journeys())},
                  lambda text: pieces.append((len(made), text)))
    for n in range(3):  # journey n is written out before journey n + 1 is made
        assert [made for made, text in pieces if f'"id": {n}' in text] == [n + 1]
    assert "".join(text for _, text in pieces) == _json({"apiVersion": "v1", "journeys": [
        {"id": n, "stages": list(range(n))} for n in range(3)]})


def test_what_dump_cannot_write_it_says() -> None:
    with pytest.raises(jsontext.Unstreamable):
        jsontext.dump({"x": {1: "an int key"}}, lambda text: None)
    assert jsontext.dumps({"x": jsontext.Stream([{1: "a"}])}) == _json({"x": [{1: "a"}]})
