"""JSON responses read defensively: one-line errors with file and JSON pointer, unknown fields collected.

Saved API responses go wrong in a few known ways: the download stopped
(truncated JSON), the browser or a proxy saved an HTML error page, the wrong
endpoint was saved (another object type), or the vendor added fields. The
first three are errors naming the file and the place; new fields are not
errors (vendors add response fields without notice) but are collected so that
`--verbose` lists them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from journeyc.readers.config import ReadError

_KINDS = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
          float: "a number", type(None): "null"}


def kind_of(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


@dataclass
class Source:
    """One input (file or URL) and what its reader found in it besides the data."""

    name: str
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse(data: bytes, name: str) -> Any:
    """The JSON value in `data`, or a ReadError saying why it is not a JSON document."""
    text = _text(data, name)
    head = text.lstrip()[:200].lower()
    if not head:
        raise ReadError(f"{name}: empty file, not a JSON response")
    if head.startswith("<"):
        what = "an HTML page" if ("<html" in head or "<!doctype html" in head or "<head" in head) else "XML or HTML"
        raise ReadError(f"{name}: {what}, not JSON: an error page (login, rate limit, Cloudflare) saved instead of"
                        " the API response?")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        line, col = exc.lineno, exc.colno
        end = len(text.rstrip())
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            line = text.count("\n", 0, end) + 1
            col = end - (text.rfind("\n", 0, end) + 1) + 1
            raise ReadError(f"{name}:{line}:{col}: truncated JSON: the document ends before it is complete"
                            " (an interrupted download?)") from None
        raise ReadError(f"{name}:{line}:{col}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReadError(f"{name}: JSON nested too deeply") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: byte {exc.start}: not UTF-8 text, not a JSON response") from None


class Node:
    """A value inside a document, with its JSON pointer, for errors that say where."""

    __slots__ = ("value", "src", "pointer")

    def __init__(self, value: Any, src: Source, pointer: str = "") -> None:
        self.value, self.src, self.pointer = value, src, pointer

    def fail(self, problem: str) -> ReadError:
        return ReadError(f"{self.src.name}: {self.pointer or '(top level)'}: {problem}")

    def expect(self, kind: type, what: str) -> Node:
        if not isinstance(self.value, kind) or (kind is int and isinstance(self.value, bool)):
            raise self.fail(f"expected {what}, found {kind_of(self.value)}")
        return self

    def get(self, name: str) -> Node | None:
        """The member `name` of this object (None when absent or null)."""
        value = self.value.get(name)
        return None if value is None else Node(value, self.src, f"{self.pointer}/{_escape(name)}")

    def need(self, name: str) -> Node:
        found = self.get(name)
        if found is None:
            raise self.fail(f"missing {name!r}" if name not in self.value else f"{name!r} is null")
        return found

    def items(self) -> list[Node]:
        self.expect(list, "an array")
        return [Node(v, self.src, f"{self.pointer}/{i}") for i, v in enumerate(self.value)]

    def text(self, name: str, *, required: bool = True) -> str | None:
        node = self.need(name) if required else self.get(name)
        return None if node is None else node.expect(str, "a string").value

    def integer(self, name: str, *, required: bool = True) -> int | None:
        node = self.need(name) if required else self.get(name)
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise node.fail(f"expected a number, found {kind_of(value)}")
        if value != int(value):
            self.src.notes.append(f"{node.src.name}: {node.pointer}: {value} rounded to {round(value)}")
        return round(value)

    def flag(self, name: str, *, required: bool = True) -> bool | None:
        node = self.need(name) if required else self.get(name)
        return None if node is None else node.expect(bool, "true or false").value

    def known(self, names: frozenset[str]) -> None:
        """Remember the members this reader does not know (listed with --verbose)."""
        for name in self.value:
            if name not in names:
                self.src.unknown.append(f"{self.src.name}: {self.pointer}/{_escape(name)}")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
