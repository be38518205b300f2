"""A YAML writer driven by a random source: block and flow styles, every scalar style, anchors, tags, comments.

PyYAML's own dumper always writes the same shapes; a fuzzer needs the shapes
people write by hand. `Writer(rnd, exact=True)` only makes choices that load
back to exactly the same data (used for valid workspaces); `exact=False` also
adds tags, comments and the like, which change nothing journeyc should care about.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import ScalarNode

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True)
class Alias:
    """`*name`: the node anchored earlier with the same name."""

    name: str


@dataclass(frozen=True)
class Anchored:
    """`&name value`."""

    name: str
    value: Any


@dataclass(frozen=True)
class Tagged:
    """`!tag value` (a local tag, or `!!binary` and friends)."""

    tag: str
    value: Any


@dataclass(frozen=True)
class Pairs:
    """A mapping written as given: keys may repeat (duplicate keys) and may be any node."""

    items: tuple[tuple[Any, Any], ...]


@dataclass(frozen=True)
class Verbatim:
    """Text written as is where a scalar goes (syntax fragments, possibly invalid)."""

    text: str


_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
            "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\xa0": "\\_",
            "\u2028": "\\L", "\u2029": "\\P"}


def printable(ch: str) -> bool:
    """May `ch` appear raw inside a double-quoted scalar (YAML's printable set, minus the BOM)?"""
    c = ord(ch)
    return (0x20 <= c <= 0x7E or 0xA0 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD and c != 0xFEFF
            or 0x10000 <= c <= 0x10FFFF)


def double_quoted(text: str) -> str:
    """A double-quoted scalar that loads back to exactly `text` (lone surrogates become escapes libyaml refuses)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif printable(ch):
            out.append(ch)
        else:
            c = ord(ch)
            out.append(f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}")
    return '"' + "".join(out) + '"'


def single_quoted(text: str) -> str | None:
    if not text or any(not printable(ch) for ch in text):
        return None  # line breaks fold and control characters cannot be written in single quotes
    return "'" + text.replace("'", "''") + "'"


_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9 _./()@+-]*\Z")


def plain(text: str) -> str | None:
    """`text` as a plain scalar when that loads back as the same string, else None."""
    if not _PLAIN.match(text) or text.endswith(" ") or "  " in text:
        return None
    if _RESOLVER.resolve(ScalarNode, text, (True, False)) != _STR_TAG:
        return None  # would load as a number, a boolean, null or a date
    return text


def literal_lines(text: str) -> list[str] | None:
    """The lines of a `|-` block scalar holding exactly `text`, when that is possible simply."""
    if "\n" not in text or text.endswith("\n") or text[:1] in (" ", "\t", "\n"):
        return None
    lines = text.split("\n")
    if any(line != line.rstrip() or "\t" in line or not all(printable(c) for c in line) for line in lines):
        return None
    return lines


def scalar_text(value: Any) -> str:
    """Canonical YAML for a non-string scalar."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        mantissa, _, exponent = repr(value).partition("e")
        mantissa += "" if "." in mantissa else ".0"  # YAML 1.1 floats need a dot and a signed exponent
        return mantissa + (("e" + ("" if exponent[0] in "+-" else "+") + exponent) if exponent else "")
    return str(value)


COMMENTS = ("# a comment", "#", "# journeyc: ignore", "# journeyc: ignore[JC601]", "# ünïcödé ✓ \u202e",
            "# ---", "#: not a key", "# <script>")


class Writer:
    """Writes a tree of plain data and the node types above as YAML text."""

    def __init__(self, rnd: random.Random, *, exact: bool = True, flow: float = 0.25) -> None:
        self.rnd, self.exact, self.flow_p = rnd, exact, flow
        self.step = rnd.choice((2, 2, 4, 3))

    # --- choices -------------------------------------------------------------

    def _chance(self, p: float) -> bool:
        return self.rnd.random() < p

    def _comment(self) -> str:
        return "" if self.exact or not self._chance(0.1) else "  " + self.rnd.choice(COMMENTS)

    # --- scalars -------------------------------------------------------------

    def string(self, text: str) -> str:
        choices = [double_quoted(text)]
        if (s := single_quoted(text)) is not None:
            choices.append(s)
        if (p := plain(text)) is not None:
            choices += [p, p]
        return self.rnd.choice(choices)

    def key_text(self, key: str | Alias | Verbatim) -> str:
        if isinstance(key, str):
            return self.string(key)
        return self.flow(key) + " "  # `*a :` needs the space, or `:` would be part of the alias name

    # --- nodes ---------------------------------------------------------------

    @staticmethod
    def unwrap(node: Any) -> tuple[str, Any]:
        prefix = ""
        while isinstance(node, (Anchored, Tagged)):
            prefix += f"&{node.name} " if isinstance(node, Anchored) else f"{node.tag} "
            node = node.value
        return prefix, node

    @staticmethod
    def pairs(node: Any) -> Sequence[tuple[Any, Any]] | None:
        if isinstance(node, dict):
            return list(node.items())
        if isinstance(node, Pairs):
            return node.items
        return None

    def flow(self, node: Any) -> str:
        prefix, core = self.unwrap(node)
        if isinstance(core, Alias):
            return prefix + f"*{core.name}"
        if isinstance(core, Verbatim):
            return prefix + core.text
        if isinstance(core, str):
            return prefix + self.string(core)
        if isinstance(core, list):
            return prefix + "[" + ", ".join(self.flow(item) for item in core) + "]"
        items = self.pairs(core)
        if items is not None:
            return prefix + "{" + ", ".join(f"{self._flow_key(k)}: {self.flow(v)}" for k, v in items) + "}"
        return prefix + scalar_text(core)

    def _flow_key(self, key: Any) -> str:
        if isinstance(key, str):
            return self.string(key)
        return "? " + self.flow(key) if not isinstance(key, Alias) else f"*{key.name} "

    def _is_block(self, core: Any) -> bool:
        items = self.pairs(core)
        return ((isinstance(core, list) and bool(core)) or bool(items)) and not self._chance(self.flow_p)

    def block(self, node: Any, indent: int) -> list[str]:
        """Lines of a non-empty block collection, every line indented by `indent`."""
        items = self.pairs(node)
        pad = " " * indent
        lines: list[str] = []
        if items is None:
            for item in node:
                prefix, core = self.unwrap(item)
                sub = self.pairs(core)
                if sub and not prefix and self._is_block(core) and isinstance(sub[0][0], str):
                    inner = self.block(core, indent + 2)
                    lines.append(pad + "- " + inner[0][indent + 2:])
                    lines.extend(inner[1:])
                elif self._is_block(core):
                    lines.append(pad + "-" + (" " + prefix.rstrip() if prefix else ""))
                    lines.extend(self.block(core, indent + 2))
                elif isinstance(core, str) and (body := self._literal(core)) is not None:
                    lines.append(pad + "- " + prefix + "|-")
                    lines.extend(self._indent(body, indent + 2))
                else:
                    lines.append(pad + "- " + prefix + self.flow(core) + self._comment())
            return lines
        for key, value in items:
            if not self.exact and self._chance(0.05):
                lines.append(pad + self.rnd.choice(COMMENTS))
            if not isinstance(key, (str, Alias, Verbatim)):
                lines.append(pad + "? " + self.flow(key))
                head = pad + ":"
            else:
                head = pad + self.key_text(key) + ":"
            prefix, core = self.unwrap(value)
            if self._is_block(core):
                lines.append(head + (" " + prefix.rstrip() if prefix else ""))
                # a sequence may sit at its key's own indentation, as many people write it
                same = isinstance(core, list) and not prefix and self._chance(0.3)
                lines.extend(self.block(core, indent if same else indent + self.step))
            elif isinstance(core, str) and (body := self._literal(core)) is not None:
                lines.append(head + " " + prefix + "|-")
                lines.extend(self._indent(body, indent + self.step))
            else:
                lines.append(head + " " + prefix + self.flow(core) + self._comment())
        return lines

    def _literal(self, text: str) -> list[str] | None:
        body = literal_lines(text)
        return body if body is not None and self._chance(0.5) else None

    @staticmethod
    def _indent(lines: Iterable[str], indent: int) -> list[str]:
        return [(" " * indent + line) if line else "" for line in lines]

    def document(self, node: Any) -> str:
        prefix, core = self.unwrap(node)
        if self._is_block(core):
            head = ("--- " + prefix.rstrip() + "\n") if prefix else ""
            return head + "\n".join(self.block(core, 0)) + "\n"
        return "--- " + self.flow(node) + "\n"

    def stream(self, documents: Sequence[Any]) -> str:
        """Documents separated by `---`, with the optional directives and end markers YAML allows."""
        out = []
        for i, doc in enumerate(documents):
            text = self.document(doc)
            if i or (not self.exact and self._chance(0.2)):
                if not text.startswith("---"):
                    text = "---\n" + text
            if i == 0 and not self.exact and self._chance(0.1):
                text = "%YAML 1.1\n" + (text if text.startswith("---") else "---\n" + text)
            if not self.exact and self._chance(0.1):
                text += "...\n"
            out.append(text)
        return "".join(out)

