"""The JSON Schemas as the editor needs them: the keys a mapping may take, with their descriptions.

The path to the mapping being written is read from the indentation of the
lines above the cursor (the text may not parse while someone types), then
followed through the schema of the document's kind: `properties`, `items`,
`$ref` into `$defs`.
"""

from __future__ import annotations

import re
from typing import Any

from journeyc.resources import SCHEMA_FILES, schema

ITEM = "[]"
_KEY = re.compile(r"^(\s*)(-\s+)*([A-Za-z_][\w-]*)\s*:(?:\s|$)")
_DASH = re.compile(r"^(\s*)((?:-\s+)+)")
_COMMENT = re.compile(r"\s+#.*$")
_KIND = re.compile(r"^kind\s*:\s*['\"]?(\w+)")


def kind_of(lines: list[str], line: int) -> str | None:
    """The `kind:` of the document around 0-based `line` (documents are separated by `---`)."""
    start = line
    while start > 0 and not lines[start].startswith("---"):
        start -= 1
    for text in lines[start:]:
        if text.startswith("---") and text is not lines[start]:
            break
        m = _KIND.match(text)
        if m:
            return m.group(1)
    return None


def context(lines: list[str], line: int) -> tuple[list[str], set[str]]:
    """The path (keys, and ITEM for a list entry) of the mapping that a key typed on `line` goes into, and the
    keys that mapping already has, read from the indentation of the lines above."""
    here = lines[line]
    dashes = _DASH.match(here)
    path: list[str] = []
    present: set[str] = set()
    col, seq = len(here) - len(here.lstrip()), None   # the mapping's column; a list's dash column, when in one
    outer = False  # past the mapping itself: the keys seen now are its parents' siblings
    if dashes:  # the first key of a new list entry
        path, seq, outer = [ITEM], col, True
    for text in reversed(lines[:line]):
        stripped = text.strip()
        if text.startswith(("---", "...")):
            break
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        d = _DASH.match(text)
        content = d.end() if d else indent
        m = _KEY.match(text)
        opens = m is not None and _COMMENT.sub("", text).rstrip().endswith(":")
        if seq is not None:  # looking for the key that holds the list
            if d and indent == seq:
                continue
            if indent > seq:
                continue
            if not opens or m is None:
                break
        elif content > col:
            continue
        elif content == col:
            if m is not None and not outer:
                present.add(m.group(3))
            if d:
                path.insert(0, ITEM)
                seq, outer = indent, True
            continue
        elif not opens or m is None:
            break
        path.insert(0, m.group(3))
        col, seq, outer = content, None, True
        if d:
            path.insert(0, ITEM)
            seq = indent
    return path, present


def keys(kind: str, path: list[str]) -> dict[str, str]:
    """The keys a mapping at `path` of a `kind` document may take, each with its description."""
    if kind not in SCHEMA_FILES:
        return {}
    root = schema(kind)
    node: Any = root
    for part in path:
        node = _resolve(root, node)
        if part == ITEM:
            node = node.get("items", {}) if isinstance(node, dict) else {}
        else:
            node = node.get("properties", {}).get(part, {}) if isinstance(node, dict) else {}
    node = _resolve(root, node)
    props = node.get("properties", {}) if isinstance(node, dict) else {}
    return {k: str(_resolve(root, v).get("description") or v.get("description", "")) for k, v in props.items()}


def values(kind: str, path: list[str], key: str) -> list[str]:
    """The values a key may take when its schema lists them (an `enum` or a `const`)."""
    if kind not in SCHEMA_FILES:
        return []
    root = schema(kind)
    node: Any = root
    for part in [*path, key]:
        node = _resolve(root, node)
        node = node.get("items", {}) if part == ITEM else node.get("properties", {}).get(part, {})
    node = _resolve(root, node)
    if "const" in node:
        return [str(node["const"])]
    return [str(v) for v in node.get("enum", [])]


def describe(kind: str, path: tuple[str | int, ...]) -> str | None:
    """The schema's description of the key at `path` of a `kind` document."""
    parts = [ITEM if isinstance(p, int) else p for p in path]
    if not parts or isinstance(path[-1], int):
        return None
    return keys(kind, parts[:-1]).get(parts[-1]) or None


def _resolve(root: dict[str, Any], node: Any) -> dict[str, Any]:
    """Follow `$ref` (within the schema) and the first branch of `anyOf`/`oneOf` that is a mapping."""
    for _ in range(16):
        if not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            node = merged
            continue
        for branch in ("anyOf", "oneOf", "allOf"):
            options = node.get(branch)
            if isinstance(options, list) and "properties" not in node:
                found = next((o for o in options if isinstance(o, dict) and ("properties" in o or "$ref" in o)),
                             None)
                if found is not None:
                    node = {**found, **{k: v for k, v in node.items() if k != branch}}
                    break
        else:
            return node
    return node if isinstance(node, dict) else {}
