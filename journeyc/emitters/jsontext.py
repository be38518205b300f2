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
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any


class _Unsupported(Exception):
    """A value this encoder does not know: let the standard library handle the whole document."""


def dumps(data: Any, *, ensure_ascii: bool = False, allow_nan: bool = False) -> str:
    """`json.dumps(data, indent=2, sort_keys=True, ensure_ascii=..., allow_nan=...)`."""
    try:
        return _encode(data, encode_basestring_ascii if ensure_ascii else encode_basestring, allow_nan)
    except _Unsupported:
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=ensure_ascii, allow_nan=allow_nan)


#: how json writes the floats it allows with allow_nan=True
_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _encode(data: Any, enc: Any, allow_nan: bool) -> str:
    chunks: list[str] = []
    mapping, sequence = _writers(chunks, enc, allow_nan)
    kind = type(data)
    if kind is dict:
        mapping(data, "\n")
    elif kind is list or kind is tuple:
        sequence(data, "\n")
    else:
        chunks.append(_scalar(data, enc, allow_nan))
    text = "".join(chunks)
    chunks.clear()  # the writers refer to one another (and so to the list) until the collector runs
    return text


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
#: journeys.json) are joined into one chunk each as soon as written, which keeps the list of chunks short
SHALLOW = len("\n  ")


def _writers(chunks: list[str], enc: Any, allow_nan: bool) -> tuple[Writer, Writer]:
    """The writers of a mapping and of a list at a given indentation, appending to one list of chunks.
    Closures over the same names: this runs once per value of journeys.json, and a closure's free
    variables are the fastest names a function can read."""
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
        shallow = len(newline) <= SHALLOW
        for key in keys:
            append(sep)
            sep = comma
            append(enc(key))
            append(": ")
            start = len(chunks)
            item(value[key], inner)
            if shallow:
                chunks[start:] = ["".join(chunks[start:])]
        append(newline)
        append("}")

    def sequence(value: list[Any] | tuple[Any, ...], newline: str) -> None:
        if not value:
            append("[]")
            return
        inner = newline + "  "
        sep, comma = inner, "," + inner
        append("[")
        shallow = len(newline) <= SHALLOW
        for value_ in value:
            append(sep)
            sep = comma
            start = len(chunks)
            item(value_, inner)
            if shallow:
                chunks[start:] = ["".join(chunks[start:])]
        append(newline)
        append("]")

    def item(value: Any, inner: str) -> None:
        kind = type(value)
        if kind is str:  # the most frequent value
            append(enc(value))
        elif kind is dict:
            mapping(value, inner)
        elif kind is list or kind is tuple:
            sequence(value, inner)
        else:
            append(_scalar(value, enc, allow_nan))

    return mapping, sequence
