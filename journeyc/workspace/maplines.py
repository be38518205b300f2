"""The line each mapping of a document's data starts on, kept as a list in the order of a walk over the data.

Rules and emitters ask a mapping's line by its `id()` (`Ref.line`), which is
a dictionary; kept as one for every mapping of every file it costs a tenth of
a large check's memory (a large integer per key, most lines too), and a check
without findings never asks. So the loader and the cache keep the lines in
the order `mappings` walks the data, and the dictionary is made on first use.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def mappings(data: Any) -> Iterator[dict[str, Any]]:
    """Every mapping of `data`, depth first in the order written: the order of the lines kept."""
    stack = [data]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if type(value) is dict:
            yield value
            children: Any = value.values()
        else:
            children = value
        for child in reversed(children):  # texts and numbers, most of the values, never enter the stack
            kind = type(child)
            if kind is dict or kind is list:
                push(child)


class Lines(dict[int, int]):
    """id() of a mapping -> its line, made on first use from the lines in the order of `mappings(data)` (0: not
    known, asked of the source map); `walked` gives that list back while the dictionary is not made."""

    __slots__ = ("_pending",)

    def __init__(self, data: dict[str, Any], lines: Sequence[int]) -> None:
        super().__init__()
        self._pending: tuple[dict[str, Any], Sequence[int]] | None = (data, lines)

    def walked(self) -> Sequence[int] | None:
        """The lines in the order of `mappings(data)`, while the dictionary is not made (None after)."""
        return None if self._pending is None else self._pending[1]

    def _fill(self) -> None:
        if self._pending is not None:
            data, lines = self._pending
            self._pending = None
            for mapping, line in zip(mappings(data), lines, strict=False):
                if line:
                    self[id(mapping)] = line

    def get(self, key: int, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def __getitem__(self, key: int) -> int:
        self._fill()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __iter__(self) -> Iterator[int]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None
