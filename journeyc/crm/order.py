"""One order out of several: the org-wide order of a Salesforce picklist that every pipeline's order feeds."""

from __future__ import annotations

import heapq


def merge(sequences: list[list[str]], first_use: list[str]) -> list[str]:
    """One order that keeps every sequence's order where it can, else the order of first use.

    A topological sort of "a comes right before b in some pipeline", taking the
    value used first whenever several could come next; a cycle (pipelines that
    disagree) is broken at the value used first, so the result is stable.
    """
    rank = {k: i for i, k in enumerate(first_use)}
    after: dict[str, set[str]] = {k: set() for k in first_use}
    before: dict[str, int] = dict.fromkeys(first_use, 0)
    for keys in sequences:
        for a, b in zip(keys, keys[1:], strict=False):
            if b not in after[a]:
                after[a].add(b)
                before[b] += 1
    ready = [(rank[k], k) for k, n in before.items() if n == 0]
    heapq.heapify(ready)
    out: list[str] = []
    placed: set[str] = set()
    while len(out) < len(first_use):
        if not ready:  # a cycle: take the earliest-used value left
            k = min((k for k in first_use if k not in placed), key=rank.__getitem__)
            before[k] = 0
            ready = [(rank[k], k)]
        _, k = heapq.heappop(ready)
        if k in placed:
            continue
        out.append(k)
        placed.add(k)
        for b in sorted(after[k], key=rank.__getitem__):
            before[b] -= 1
            if before[b] == 0 and b not in placed:
                heapq.heappush(ready, (rank[b], b))
    return out
