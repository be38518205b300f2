"""A scan of raw bytes for top-level `kind:` and `id:` lines: the pre-commit context, without parsing.

`check FILE...` reads the other journeys of the workspace only for their ids
(DESIGN §3). A YAML parse would cost milliseconds per file; a regular
expression anchored at line starts scans every byte; `bytes.find` on a literal
is the cheapest way to look at a thousand files.
"""

from __future__ import annotations

from collections.abc import Iterator

CONTEXT_KINDS = (b"Config", b"Teams", b"Vocabulary")


def documents(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of each `---`-separated document."""
    starts = [0]
    pos = raw.find(b"\n---")
    while pos != -1:
        starts.append(pos + 1)
        pos = raw.find(b"\n---", pos + 1)
    return list(zip(starts, starts[1:] + [len(raw)], strict=True))


def values(raw: bytes, key: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(offset, value) of each `key: value` line written at column 0 in raw[start:end]."""
    end = len(raw) if end is None else end
    head = key + b":"
    pos = start if raw.startswith(head, start) else _next(raw, head, start, end)
    while pos != -1:
        begin = pos + len(head)
        eol = raw.find(b"\n", begin, end)
        text = raw[begin : end if eol == -1 else eol].split(b" #", 1)[0].strip().strip(b"\"'")
        yield begin + (len(raw[begin:eol]) - len(raw[begin:eol].lstrip())), text
        pos = _next(raw, head, begin, end)


def _next(raw: bytes, head: bytes, start: int, end: int) -> int:
    found = raw.find(b"\n" + head, start, end)
    return -1 if found == -1 else found + 1


def first(raw: bytes, key: bytes, start: int, end: int) -> tuple[int, bytes] | None:
    """The first `key: value` line of raw[start:end] (a top-level key is written once per document)."""
    return next(values(raw, key, start, end), None)


def summary(raw: bytes) -> tuple[bool, list[tuple[int, str, int]]]:
    """(holds a Config/Teams/Vocabulary document, [(document index, journey id, line)])."""
    context, journeys = False, []
    for index, (a, b) in enumerate(documents(raw)):
        kind = first(raw, b"kind", a, b)
        if kind is None:
            continue
        if kind[1] in CONTEXT_KINDS:
            context = True
        elif kind[1] == b"Journey" and (found := first(raw, b"id", a, b)) and found[1]:
            journeys.append((index, found[1].decode("utf-8", "replace"), raw.count(b"\n", 0, found[0]) + 1))
    return context, journeys
