"""Two CRM configurations compared: pipelines and stages matched by identity, then field by field.

Used by drift (the workspace's configuration against the CRM's) and by the
round-trip test (an import against the build output read back). Matching
prefers the CRM identity; a label match is a fallback that the result says it
used; `by_position` pairs the last pipeline left of each object (for build
output that carries no identity yet). A field is compared only when both
sides state it (`None` is "not stated"), except the closed outcome, where
`None` means open. Order is judged on the matched stages only: the stages off
the longest common order are the ones that moved, each reported with its rank
among the matched stages on both sides.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from journeyc.readers.config import CrmConfig, CrmPipeline, CrmStage

STAGE_FIELDS = ("label", "probability", "outcome", "ticket_state", "rotting_days", "forecast_category", "converted")
ALWAYS = {"outcome"}


@dataclass(frozen=True)
class FieldDiff:
    field: str
    left: object
    right: object
    #: for "order": the left-side stage the right side puts this one after (None: first)
    after: CrmStage | None = None


@dataclass(frozen=True)
class StageDiff:
    left: CrmStage | None
    right: CrmStage | None
    by: str = "identity"                  # identity | label
    fields: tuple[FieldDiff, ...] = ()


@dataclass(frozen=True)
class PipelineDiff:
    left: CrmPipeline | None
    right: CrmPipeline | None
    by: str = "identity"                  # identity | label | position
    fields: tuple[FieldDiff, ...] = ()
    stages: tuple[StageDiff, ...] = ()

    @property
    def drift(self) -> bool:
        return self.left is None or self.right is None or bool(self.fields) or any(
            s.left is None or s.right is None or s.fields for s in self.stages)


def compare(left: CrmConfig, right: CrmConfig, *, by_position: bool = False) -> list[PipelineDiff]:
    out = []
    for a, b, by in _pairs(list(left.pipelines), list(right.pipelines), by_position):
        if a is None or b is None:
            out.append(PipelineDiff(a, b, by))
            continue
        fields = [FieldDiff(f, getattr(a, f), getattr(b, f)) for f in ("label", "record_type", "probability_enabled")
                  if _differs(getattr(a, f), getattr(b, f), f)]
        if by != "identity" and a.key is not None and b.key is not None and a.key != b.key:
            fields.append(FieldDiff("identity", a.key, b.key))
        out.append(PipelineDiff(a, b, by, tuple(fields), tuple(_stages(a.stages, b.stages))))
    return out


def _differs(a: object, b: object, name: str) -> bool:
    return a != b and (name in ALWAYS or (a is not None and b is not None))


def _pairs(left: list[CrmPipeline], right: list[CrmPipeline],
           by_position: bool) -> list[tuple[CrmPipeline | None, CrmPipeline | None, str]]:
    pairs: list[tuple[CrmPipeline | None, CrmPipeline | None, str]] = []
    rules: list[tuple[str, Callable[[CrmPipeline], object]]] = [
        ("identity", lambda p: (p.object, "key", p.key) if p.key is not None else None),
        ("identity", lambda p: (p.object, "master") if p.master else None),
        ("label", lambda p: (p.object, p.label.casefold()))]
    if by_position:
        rules.append(("position", lambda p: (p.object,)))
    for by, key in rules:
        index: dict[object, list[CrmPipeline]] = {}
        for p in right:
            k = key(p)
            if k is not None:
                index.setdefault(k, []).append(p)
        rest = []
        for p in left:
            found = index.get(key(p)) if key(p) is not None else None
            if found and (by != "position" or (len(found) == 1 and sum(key(q) == key(p) for q in left) == 1)):
                match = found.pop(0)
                right.remove(match)
                pairs.append((p, match, by))
            else:
                rest.append(p)
        left = rest
    return pairs + [(p, None, "") for p in left] + [(None, p, "") for p in right]


def _stages(left: tuple[CrmStage, ...], right: tuple[CrmStage, ...]) -> list[StageDiff]:
    position = {id(s): i for i, s in enumerate(right)}
    unmatched = list(right)
    matched: list[tuple[CrmStage, CrmStage, str]] = []
    lonely: list[CrmStage] = []
    stage_rules: tuple[tuple[str, Callable[[CrmStage], str | None]], ...] = (
        ("identity", lambda s: s.key), ("label", lambda s: s.label.casefold()))
    for by, key in stage_rules:
        index: dict[str, CrmStage] = {}
        for s in unmatched:
            k = key(s)
            if k is not None:
                index.setdefault(k, s)
        rest = []
        for s in (left if by == "identity" else lonely):
            k = key(s)
            found = index.pop(k, None) if k is not None else None
            if found is not None and found in unmatched:
                unmatched.remove(found)
                matched.append((s, found, by))
            else:
                rest.append(s)
        lonely = rest
    matched.sort(key=lambda m: left.index(m[0]))
    moved = _moved([position[id(b)] for _, b, _ in matched])
    in_right = sorted(matched, key=lambda m: position[id(m[1])])
    right_rank = {id(m[1]): r for r, m in enumerate(in_right)}
    out = []
    for i, (a, b, by) in enumerate(matched):
        fields = [FieldDiff(f, getattr(a, f), getattr(b, f)) for f in STAGE_FIELDS
                  if _differs(getattr(a, f), getattr(b, f), f)]
        if by != "identity" and a.key is not None and b.key is not None:
            fields.append(FieldDiff("identity", a.key, b.key))
        if i in moved:
            rank = right_rank[id(b)]
            fields.append(FieldDiff("order", i + 1, rank + 1, in_right[rank - 1][0] if rank else None))
        out.append(StageDiff(a, b, by, tuple(fields)))
    out += [StageDiff(s, None, "") for s in lonely] + [StageDiff(None, s, "") for s in unmatched]
    return out


def _moved(seq: list[int]) -> set[int]:
    """Indexes of `seq` off one longest increasing subsequence (the stages that moved)."""
    tails: list[int] = []
    tail_at: list[int] = []
    prev = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = value, i
        prev[i] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return set(range(len(seq))) - keep
