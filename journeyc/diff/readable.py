"""What both sides of a diff could read: an item of a file that did not load cleanly is compared on neither side.

A YAML slip (a one-space indent, a stray tab) makes a file unreadable or
half-read on one side. Its journeys, terms or teams are then not "removed":
they are unknown. So an item is compared only when its file loaded cleanly on
both sides, and an item missing from a side that has unreadable files is
unknown too (it may be in one of them).
"""

from __future__ import annotations

import os
from typing import Any

from journeyc.diff.changes import Unread, union
from journeyc.workspace.model import Ref, Workspace


class Readable:
    def __init__(self, base: Workspace, head: Workspace, unread: tuple[Unread, ...]) -> None:
        self.roots = {"base": base.root, "head": head.root}
        self.bad: dict[str, set[str]] = {"base": set(), "head": set()}
        for u in unread:
            self.bad[u.side].add(u.file)
        self.skipped: list[tuple[str, str]] = []

    def keep(self, kind: str, a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The items of both sides that can be compared; the others are listed in `skipped`."""
        if not (self.bad["base"] or self.bad["head"]):
            return a, b
        kept_a, kept_b = {}, {}
        for key in union(a, b):
            x, y = a.get(key), b.get(key)
            if self._unknown(x, "base") or self._unknown(y, "head"):
                shown = next((getattr(i, "label", None) or getattr(i, "id", key) for i in (y, x) if i is not None), key)
                self.skipped.append((kind, str(shown)))
                continue
            if x is not None:
                kept_a[key] = x
            if y is not None:
                kept_b[key] = y
        return kept_a, kept_b

    def _unknown(self, item: Any, side: str) -> bool:
        if item is None:
            return bool(self.bad[side])
        rel = self.relative(side, item.ref)
        return rel in self.bad["base"] or rel in self.bad["head"]

    def relative(self, side: str, ref: Ref) -> str:
        """A file as its workspace names it: relative to the side's root, with `/`."""
        return os.path.relpath(os.path.abspath(ref.file), self.roots[side]).replace(os.sep, "/")
