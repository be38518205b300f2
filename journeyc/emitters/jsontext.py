"""Pretty JSON, byte-identical to `json.dumps(indent=2, sort_keys=True)`, several times faster.

With `indent`, the standard library falls back to its pure-Python encoder, whose
nested generators pass every chunk up through each level of nesting: on 1,000
journeys that was most of the `model` target's time. This encoder appends to one
list instead and lets the C string escaper do the escaping. It knows only the
JSON types the emitters produce (dict with str keys, list, tuple, str, int,
float, bool, None); anything else falls back to `json.dumps`, so the output is
always exactly what the standard library would write.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any


class _Unsupported(Exception):
    """A value this encoder does not know: let the standard library handle the whole document."""


class Unstreamable(Exception):
    """`dump` met a value only the standard library writes: the caller writes `dumps` instead, from the start."""


@dataclass(frozen=True)
class Stream:
    """A list whose items are made while the document is written: one at a time in memory with `dump`.
    `dumps` writes it like any list, and may go through it twice (when it falls back to the standard
    library): give it items that can be gone through again (a list, not a generator) there."""

    items: Iterable[Any]


def dumps(data: Any, *, ensure_ascii: bool = False, allow_nan: bool = False) -> str:
    """`json.dumps(data, indent=2, sort_keys=True, ensure_ascii=..., allow_nan=...)`."""
    try:
        return _encode(data, encode_basestring_ascii if ensure_ascii else encode_basestring, allow_nan)
    except _Unsupported:
        return json.dumps(_listed(data), indent=2, sort_keys=True, ensure_ascii=ensure_ascii, allow_nan=allow_nan)


def dump(data: Any, write: Callable[[str], object], *, ensure_ascii: bool = False, allow_nan: bool = False) -> None:
    """Write `dumps(data)` through `write` in pieces, each value of the first two levels as soon as it is
    written (each journey of journeys.json): never the whole text at once. `Unstreamable` when a value needs
    the standard library (then nothing is right of what was written)."""
    chunks: list[str] = []

    def out(start: int) -> None:
        write("".join(chunks))
        chunks.clear()

    try:
        _write(data, chunks, encode_basestring_ascii if ensure_ascii else encode_basestring, allow_nan, out)
    except _Unsupported:
        raise Unstreamable from None
    write("".join(chunks))


def _listed(data: Any) -> Any:
    """`data` with every `Stream` made a list, for the standard library."""
    if isinstance(data, Stream):
        return [_listed(v) for v in data.items]
    if isinstance(data, dict):
        return {k: _listed(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_listed(v) for v in data]
    return data


#: how json writes the floats it allows with allow_nan=True
_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _encode(data: Any, enc: Any, allow_nan: bool) -> str:
    chunks: list[str] = []

    def collapse(start: int) -> None:
        chunks[start:] = ["".join(chunks[start:])]

    _write(data, chunks, enc, allow_nan, collapse)
    text = "".join(chunks)
    chunks.clear()  # the writers refer to one another (and so to the list) until the collector runs
    return text


def _write(data: Any, chunks: list[str], enc: Any, allow_nan: bool, shallow: Callable[[int], None]) -> None:
    item = _writers(chunks, enc, allow_nan, shallow)
    if type(data) in (dict, list, tuple, Stream):
        item(data, "\n")
    else:
        chunks.append(_scalar(data, enc, allow_nan))


def _scalar(value: Any, enc: Any, allow_nan: bool) -> str:
    kind = type(value)
    if kind is str:
        return enc(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if math.isfinite(value):
            return float.__repr__(value)
        if not allow_nan:
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        return _NON_FINITE[float.__repr__(value)]
    raise _Unsupported


Writer = Callable[[Any, str], None]


#: the values of containers indented this little (the document's, and its lists': the journeys of
#: journeys.json) are handed to `shallow` as soon as written: joined into one chunk (`dumps`), which keeps
#: the list of chunks short, or written out (`dump`)
SHALLOW = len("\n  ")
_END = object()


def _writers(chunks: list[str], enc: Any, allow_nan: bool, shallow: Callable[[int], None]) -> Writer:
    """The writer of any value at a given indentation, appending to one list of chunks. Closures over the
    same names: this runs once per value of journeys.json, and a closure's free variables are the fastest
    names a function can read."""
    append = chunks.append

    def mapping(value: dict[Any, Any], newline: str) -> None:
        if not value:
            append("{}")
            return
        keys = list(value)
        for key in keys:
            if type(key) is not str:  # json's key coercion and mixed-type sorting: leave them to json
                raise _Unsupported
        keys.sort()
        inner = newline + "  "
        sep, comma = inner, "," + inner
        append("{")
        top = len(newline) <= SHALLOW
        for key in keys:
            append(sep)
            sep = comma
            append(enc(key))
            append(": ")
            start = len(chunks)
            item(value[key], inner)
            if top:
                shallow(start)
        append(newline)
        append("}")

    def sequence(value: Iterable[Any], first: Any, newline: str) -> None:
        inner = newline + "  "
        sep, comma = inner, "," + inner
        append("[")
        top = len(newline) <= SHALLOW
        for value_ in chain((first,), value):
            append(sep)
            sep = comma
            start = len(chunks)
            item(value_, inner)
            if top:
                shallow(start)
        append(newline)
        append("]")

    def item(value: Any, inner: str) -> None:
        kind = type(value)
        if kind is str:  # the most frequent value
            append(enc(value))
        elif kind is dict:
            mapping(value, inner)
        elif kind is list or kind is tuple or kind is Stream:
            items = iter(value.items if kind is Stream else value)
            first = next(items, _END)
            if first is _END:
                append("[]")
            else:
                sequence(items, first, inner)
        else:
            append(_scalar(value, enc, allow_nan))

    return item
