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
    append = chunks.append

    def scalar(value: Any) -> str:
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

    def container(value: Any, newline: str) -> None:
        inner = newline + "  "
        if type(value) is dict:
            if not value:
                append("{}")
                return
            keys = list(value)
            for key in keys:
                if type(key) is not str:  # json's key coercion and mixed-type sorting: leave them to json
                    raise _Unsupported
            keys.sort()
            append("{")
            sep = inner
            for key in keys:
                item = value[key]
                kind = type(item)
                append(sep)
                sep = "," + inner
                append(enc(key))
                append(": ")
                if kind is dict or kind is list or kind is tuple:
                    container(item, inner)
                else:
                    append(scalar(item))
            append(newline)
            append("}")
            return
        if type(value) is list or type(value) is tuple:
            if not value:
                append("[]")
                return
            append("[")
            sep = inner
            for item in value:
                kind = type(item)
                append(sep)
                sep = "," + inner
                if kind is dict or kind is list or kind is tuple:
                    container(item, inner)
                else:
                    append(scalar(item))
            append(newline)
            append("]")
            return
        raise _Unsupported

    kind = type(data)
    if kind is dict or kind is list or kind is tuple:
        container(data, "\n")
    else:
        append(scalar(data))
    return "".join(chunks)
