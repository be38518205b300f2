"""The funnel's definitions (README, "Definitions") written plainly in Python, record by record.

A second reading of the same definitions, slow and obvious, to hold the SQL
to on random histories (test_oracle.py). It knows the generic CSV only, with
stage ids as labels and times in UTC, and the one pipeline `new-business/deals`
of the funnel workspace.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

#: the journey new-business of tests/fixtures/funnel/workspace: stages in order, with what the metrics need
STAGES = ("mql", "sql", "evaluation", "validation-achats", "won", "lost")
LABELS = {"mql": "MQL", "sql": "SQL", "evaluation": "Évaluation technique", "validation-achats": "Validation achats",
          "won": "Closed won", "lost": "Closed lost"}
SLA = {"mql": 5, "sql": 5, "evaluation": 10, "validation-achats": 10}
OPEN = {"mql", "sql", "evaluation", "validation-achats"}
START = "mql"
EXITS = {("mql", "sql"), ("mql", "lost"), ("sql", "evaluation"), ("sql", "lost"), ("evaluation", "validation-achats"),
         ("evaluation", "lost"), ("validation-achats", "won"), ("validation-achats", "lost")}
US_PER_DAY = 86_400_000_000
_NEVER = dt.datetime.max.replace(tzinfo=dt.timezone.utc)  # an entry without exit sorts after one with


@dataclass(frozen=True)
class Row:
    record: str
    pipeline: str
    stage: str
    entered: dt.datetime
    exited: dt.datetime | None


@dataclass
class _Entry:
    stage: str
    at: dt.datetime
    exited: dt.datetime | None
    left: dt.datetime | None = None
    next_stage: str | None = None


def _us(a: dt.datetime, b: dt.datetime) -> int:
    return (b - a) // dt.timedelta(microseconds=1)


def _quantile(values: list[float], q: float) -> float:
    """percentile_cont: linear interpolation between the ranks around (n - 1) * q."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo])


def funnel(rows: list[Row], as_of: dt.date) -> dict[str, Any]:
    """The pipeline's part of `journeyc funnel --format json` for the rows of `new-business/deals`."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    mine = [r for r in rows if r.pipeline == "deals"]
    unmapped: dict[str, int] = defaultdict(int)
    by_record: dict[str, list[_Entry]] = defaultdict(list)
    for r in mine:
        if r.stage not in STAGES:
            unmapped[r.stage] += 1
        elif r.entered <= end:
            exited = r.exited if r.exited is not None and r.entered <= r.exited <= end else None
            by_record[r.record].append(_Entry(r.stage, r.entered, exited))
    flow = _Flow(end)
    for record, entries in sorted(by_record.items()):
        entries.sort(key=lambda e: (e.at, STAGES.index(e.stage), e.exited or _NEVER))
        flow.add(record, entries)
    return flow.result(len(mine), dict(unmapped))


class _Flow:
    def __init__(self, end: dt.datetime) -> None:
        self.end = end
        self.entered: dict[str, set[str]] = defaultdict(set)
        self.days: dict[str, list[float]] = defaultdict(list)
        self.counts: dict[str, dict[str, int]] = {s: defaultdict(int) for s in STAGES}
        self.moves: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.totals: dict[str, int] = defaultdict(int)

    def add(self, record: str, entries: list[_Entry]) -> None:
        self.totals["records"] += 1
        self.totals["started_elsewhere"] += entries[0].stage != START
        for before, after in zip(entries, entries[1:], strict=False):
            before.left, before.next_stage = after.at, after.stage
            if before.stage == after.stage:
                self.totals["repeated_entries" if before.at < after.at else "duplicate_rows"] += 1
            else:
                self.moves[(before.stage, after.stage)].append(record)
        last = entries[-1]
        last.left = last.exited if last.stage in OPEN else None
        self.totals["closed_without_outcome"] += last.stage in OPEN and last.left is not None
        for stage in dict.fromkeys(e.stage for e in entries):
            self._stay(record, stage, [e for e in entries if e.stage == stage])

    def _stay(self, record: str, stage: str, stays: list[_Entry]) -> None:
        """One record in one stage: all its stays added up, what its last stay did."""
        self.entered[stage].add(record)
        final, counts = stays[-1], self.counts[stage]
        if final.left is not None:
            counts["left"] += 1
            counts["converted"] += final.next_stage is not None and final.next_stage != "lost"
            self.days[stage].append(sum(_us(e.at, e.left) for e in stays if e.left is not None) / US_PER_DAY)
        elif final.next_stage is None and stage in OPEN:
            counts["open"] += 1
            counts["stuck"] += stage in SLA and _us(final.at, self.end) > SLA[stage] * US_PER_DAY

    def result(self, rows: int, unmapped: dict[str, int]) -> dict[str, Any]:
        stages = [self._stage(s) for s in STAGES]
        order = sorted(self.moves.items(), key=lambda m: (STAGES.index(m[0][0]), STAGES.index(m[0][1])))
        return {"records": self.totals["records"], "rows": rows, "stages": stages,
                "transitions": [{"from": a, "to": b, "count": len(who), "declared": (a, b) in EXITS,
                                 "records": len(set(who))}
                                for (a, b), who in order],
                "bottlenecks": _bottlenecks(stages),
                "unmapped": [{"label": k, "rows": n}
                             for k, n in sorted(unmapped.items(), key=lambda x: (-x[1], x[0]))],
                "stuck": sum(s["stuck"] for s in stages),
                **{k: self.totals[k] for k in ("started_elsewhere", "closed_without_outcome", "repeated_entries",
                                               "duplicate_rows")}}

    def _stage(self, stage: str) -> dict[str, Any]:
        c, days = self.counts[stage], self.days[stage]
        return {"id": stage, "entered": len(self.entered[stage]), "open": c["open"], "stuck": c["stuck"],
                "converted": c["converted"], "left": c["left"],
                "conversion": round(c["converted"] / c["left"], 4) if c["left"] else None,
                "median_days": round(_quantile(days, 0.5), 2) if days else None,
                "p90_days": round(_quantile(days, 0.9), 2) if days else None,
                "sla_days": SLA.get(stage), "label": LABELS[stage]}


def _bottlenecks(stages: list[dict[str, Any]]) -> list[str]:
    """The fewest stages holding at least 80 % of the stuck records, largest first (ties: journey order)."""
    total = sum(s["stuck"] for s in stages)
    out, held = [], 0
    for s in sorted((s for s in stages if s["stuck"]), key=lambda s: -s["stuck"]):  # sorted() is stable
        if 5 * held >= 4 * total:
            break
        out.append(s["id"])
        held += s["stuck"]
    return out
