"""YAML nodes -> plain data (dict, list, str, int, float, bool, None), within the input limits.

Duplicate keys are reported (JC002) and, as every YAML tool does, the last
value wins. Aliases are expanded, but their expansion is counted against
`max_alias_nodes` and refused at the collection that expands them, so a
"billion laughs" document is rejected in bounded time and memory.
"""

from __future__ import annotations

from array import array
from sys import intern
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeyc.diagnostics import Diagnostic, Position, Severity
from journeyc.wording import plural
from journeyc.workspace.limits import Limits
from journeyc.workspace.maplines import Lines
from journeyc.workspace.sourcemap import MERGE, AnyNode, node_span, unwrap

_PLAIN_TAGS = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_constructor = yaml.constructor.SafeConstructor()
#: the safe constructor's function for each plain tag, called directly: `construct_object` would remember every
#: node it built (with its marks) for the life of the process, a twelfth of a large check's memory
_CONSTRUCT = {tag: yaml.constructor.SafeConstructor.yaml_constructors[tag] for tag in _PLAIN_TAGS}
#: texts up to this long are interned (`sys.intern`): ids and labels, not descriptions
INTERN_UP_TO = 64


class Refused(Exception):
    """Input over a limit: reported as JC005 at `node`, with what to do (`hint`)."""

    def __init__(self, node: AnyNode, message: str, hint: str) -> None:
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint


def raise_limit(limit: str) -> str:
    """The end of a refusal's hint: how to allow more."""
    return f"or raise `limits: {{{limit}: ...}}` in journeyc.yaml"


class PlainData:
    """Converts one document's node tree, enforcing limits and finding duplicate keys."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path, self.limits = path, limits
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0
        self.parent: AnyNode | None = None
        #: each mapping built and the line it starts on, in the order built: the order of a walk over the data,
        #: unless a merge key (`merged`) or a duplicate key dropped or moved some
        self.built: list[dict[str, Any]] = []
        self.starts: list[int] = []
        self.merged = False
        #: (mapping, key) of each key written twice: its value is unknown, whichever YAML keeps
        self.duplicated: list[tuple[dict[str, Any], str]] = []

    def build(self, written: AnyNode, depth: int = 0, site: AnyNode | None = None) -> Any:
        """Plain data for a node; `site` is the container an alias was expanded in (None outside aliases)."""
        node = unwrap(written)
        if written is not node and site is None:
            site = self.parent  # an alias: everything below it is an expansion
        if node.__class__ is ScalarNode:
            return self._scalar(node, site)
        if depth >= self.limits.max_depth:
            raise Refused(written, f"nesting deeper than {plural(self.limits.max_depth, 'level')}",
                          f"flatten the document, {raise_limit('max_depth')}")
        key = id(node)
        if key in self.active:
            raise Refused(written, "recursive alias: a node contains itself",
                          "an anchor cannot be used inside itself: write the value out")
        if key in self.seen and site is None:
            site = self.parent  # a node met twice without an alias node: libyaml composed the alias
        self.seen.add(key)
        if site is not None:
            self._count(site)
        self.active.add(key)
        parent, self.parent = self.parent, written
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, depth + 1, site) for item in node.value]
            in_list = parent is not None and isinstance(unwrap(parent), SequenceNode)
            return self._mapping(node, written, depth, site, in_list)  # type: ignore[arg-type]
        finally:
            self.active.discard(key)
            self.parent = parent

    def _count(self, site: AnyNode) -> None:
        self.expanded += 1
        if self.expanded > self.limits.max_alias_nodes:
            raise Refused(site, f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes",
                          f"use fewer aliases of large nodes, {raise_limit('max_alias_nodes')}")

    def _scalar(self, node: ScalarNode, site: AnyNode | None) -> Any:
        if site is not None:
            self._count(site)
        value = node.value
        if len(value) > self.limits.max_string_length:
            limit = self.limits.max_string_length
            raise Refused(node, f"string of {len(value):,} characters, over the limit of {limit:,}",
                          f"shorten the text, {raise_limit('max_string_length')}")
        construct = _CONSTRUCT.get(node.tag)
        if construct is None:
            # timestamps, binary and custom tags stay as the text that was written; short texts (ids, owners,
            # terms) repeat across thousands of files and are kept once: a fifth of a large check's memory
            return intern(value) if len(value) <= INTERN_UP_TO else value
        try:
            return construct(_constructor, node)
        except (ValueError, IndexError, KeyError, yaml.YAMLError):  # an int over Python's digit limit, `!!int ""`
            return value

    def _mapping(self, node: MappingNode, written: AnyNode, depth: int, site: AnyNode | None,
                 in_list: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.built.append(out)
        self.starts.append(written.start_mark.line + 1)
        first: dict[str, AnyNode] = {}
        merged: list[dict[str, Any]] = []
        said = False  # a new list item without its `- `: its keys are all duplicates, one slip said once
        for k, v in node.value:
            key = unwrap(k)
            if key.tag == MERGE:
                merged.extend(self._merge_sources(v, depth, site))
                continue
            if not isinstance(key, ScalarNode):
                self._error("JC004", k, "mapping keys must be plain text", "write the key as plain text")
                continue
            name = intern(key.value)  # a few dozen names, repeated in every mapping of every file
            if name in first:
                self.duplicated.append((out, name))
                if not said:
                    said = self._duplicate(node, first[name], k, v, in_list)
            first[name] = k
            out[name] = self.build(v, depth + 1, site)
        for extra in merged:  # explicit keys win over merged ones, and earlier merges over later, as YAML says
            for name, value in extra.items():
                out.setdefault(name, value)
        return out

    def lines(self, data: dict[str, Any]) -> dict[int, int]:
        """id() of each mapping of `data` (built by this converter) -> the line it starts on: lines without
        composing the YAML again. Kept as a list in the order of a walk (journeyc.workspace.maplines) unless
        that order is not the order built."""
        if self.merged or self.duplicated:
            return {id(m): line for m, line in zip(self.built, self.starts, strict=True)}
        return Lines(data, array("I", self.starts))

    def _duplicate(self, node: MappingNode, first: AnyNode, again: AnyNode, value: AnyNode, in_list: bool) -> bool:
        """Report a key written twice; True when it starts a list item that lost its `- `."""
        name, line = unwrap(again).value, first.start_mark.line + 1
        written = unwrap(value).value if isinstance(unwrap(value), ScalarNode) else "..."
        item = in_list and not node.flow_style and unwrap(node.value[0][0]) is unwrap(first) and \
            again.start_mark.column == first.start_mark.column and again.start_mark.line > first.start_mark.line
        if item:
            self._error("JC002", again, f"duplicate key {name!r} (first defined on line {line}): a new list item"
                        " without its `- `?", f"start the new item with a dash: `- {name}: {written}`")
        else:
            self._error("JC002", again, f"duplicate key {name!r} (first defined on line {line})",
                        "YAML keeps only the last of the two values: remove or rename one")
        return item

    def _merge_sources(self, written: AnyNode, depth: int, site: AnyNode | None) -> list[dict[str, Any]]:
        self.merged = True
        node = unwrap(written)
        items: list[AnyNode] = node.value if isinstance(node, SequenceNode) else [written]
        out = []
        for item in items:
            value = self.build(item, depth + 1, site)
            if isinstance(value, dict):
                out.append(value)
            else:
                self._error("JC004", item, "a merge key (<<) takes a mapping", "merge an anchored mapping: `<<: *name`")
        return out

    def _error(self, code: str, node: AnyNode | Node, message: str, hint: str) -> None:
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, message, Position(self.path, node_span(node)), hint))
