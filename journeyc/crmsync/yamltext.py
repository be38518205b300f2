"""YAML written as text: scalars quoted only when they must be, so imported files read like hand-written ones.

A plain scalar is kept for labels made of letters, digits, spaces and a few
harmless marks that YAML reads back as the same string; anything else (a
leading digit, `: `, ` #`, quotes, a YAML 1.1 boolean such as `No`, control
characters, line separators) is written double-quoted with JSON escapes, which
YAML's double-quoted style reads back exactly.
"""

from __future__ import annotations

import json
import re

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()&'+,-]*")
_KEYWORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}
# JSON leaves these unescaped, but YAML folds or refuses them inside a quoted scalar
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def scalar(text: str) -> str:
    if (_PLAIN.fullmatch(text) and text == text.strip() and "  " not in text and " #" not in text
            and text.casefold() not in _KEYWORDS):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def flow(mapping: dict[str, str | int]) -> str:
    """`{id: default}`: one line per identity, as people write them."""
    items = ", ".join(f"{key}: {value if isinstance(value, int) else scalar(value)}" for key, value in mapping.items())
    return "{" + items + "}"


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def comment(text: str) -> str:
    """Text safe inside a `#` comment: one line, no control characters."""
    return "".join(c if c.isprintable() else " " for c in text)
