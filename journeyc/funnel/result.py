"""The funnel's result: aggregates only, per journey and pipeline, assembled from the rows of the final queries.

No field holds a record id, a name or an amount: only stage ids, CRM stage and
pipeline labels, counts, ratios and durations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from journeyc.wording import plural

Row = Mapping[str, Any]


@dataclass(frozen=True)
class StageFlow:
    id: str
    label: str
    entered: int
    open: int
    stuck: int
    converted: int
    left: int
    median_days: float | None
    p90_days: float | None
    sla_days: int | None
    bottleneck: bool

    @property
    def conversion(self) -> float | None:
        return self.converted / self.left if self.left else None


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    count: int
    records: int
    declared: bool


@dataclass(frozen=True)
class PipelineFlow:
    journey: str
    journey_name: str
    pipeline: str
    object: str  # deal | lead | ticket: how the report names records
    rows: int
    records: int
    stages: tuple[StageFlow, ...]
    transitions: tuple[Transition, ...]
    bottlenecks: tuple[str, ...]
    unmapped: tuple[tuple[str, int], ...]
    started_elsewhere: int
    closed_without_outcome: int
    repeated_entries: int
    duplicates: int

    @property
    def stuck(self) -> int:
        return sum(s.stuck for s in self.stages)

    def stage(self, stage_id: str) -> StageFlow | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class Skipped:
    unknown_pipelines: tuple[tuple[str, int], ...] = ()
    ambiguous_pipelines: tuple[tuple[str, int], ...] = ()
    incomplete: int = 0
    after_as_of: int = 0
    exit_before_entry: int = 0


@dataclass(frozen=True)
class Input:
    file: str
    format: str
    delimiter: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunnelResult:
    as_of: str
    timezone: str
    pipelines: tuple[PipelineFlow, ...]
    skipped: Skipped = Skipped()
    inputs: tuple[Input, ...] = field(default=())


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def clean(text: str) -> str:
    """Text from YAML or an export for a document people read: controls, bidi marks and lone surrogates as U+FFFD,
    then on one line."""
    return " ".join(_UNSAFE.sub("\ufffd", text).split())


def share(flow: PipelineFlow, stage: StageFlow) -> int:
    """The stage's share of the pipeline's stuck records, in whole percent."""
    return round(100 * stage.stuck / flow.stuck) if flow.stuck else 0


def sentence(flow: PipelineFlow) -> str:
    """The bottleneck in one sentence a sales manager can repeat."""
    if not flow.stuck:
        open_now = sum(s.open for s in flow.stages)
        return (f"No {flow.object} is stuck: {plural(open_now, f'open {flow.object}')}, none in its stage"
                " longer than the stage's SLA")
    held = [s for s in (flow.stage(b) for b in flow.bottlenecks) if s is not None]
    total = round(100 * sum(s.stuck for s in held) / flow.stuck)
    verb = "holds" if len(held) == 1 else "hold"
    parts = ", ".join(f"{s.label} ({share(flow, s)} %)" for s in held)
    return f"{len(held)} of {plural(len(flow.stages), 'stage')} {verb} {total} % of stuck {flow.object}s: {parts}"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def to_json(result: FunnelResult) -> dict[str, Any]:
    """The JSON contract of issue 14, with more keys beside the contracted ones."""
    return {
        "as_of": result.as_of,
        "timezone": result.timezone,
        "journeys": [_pipeline_json(p) for p in result.pipelines],
        "skipped": {
            "unknown_pipelines": [{"label": k, "rows": n} for k, n in result.skipped.unknown_pipelines],
            "ambiguous_pipelines": [{"label": k, "rows": n} for k, n in result.skipped.ambiguous_pipelines],
            "incomplete_rows": result.skipped.incomplete,
            "rows_after_as_of": result.skipped.after_as_of,
            "exits_before_entry": result.skipped.exit_before_entry,
        },
        "inputs": [{"file": i.file, "format": i.format, "delimiter": i.delimiter, "notes": list(i.notes)}
                   for i in result.inputs],
    }


def _pipeline_json(p: PipelineFlow) -> dict[str, Any]:
    return {
        "id": p.journey, "pipeline": p.pipeline, "records": p.records,
        "stages": [{"id": s.id, "entered": s.entered, "open": s.open, "stuck": s.stuck, "converted": s.converted,
                    "conversion": _round(s.conversion, 4), "median_days": _round(s.median_days, 2),
                    "p90_days": _round(s.p90_days, 2), "sla_days": s.sla_days, "left": s.left, "label": s.label}
                   for s in p.stages],
        "transitions": [{"from": t.source, "to": t.target, "count": t.count, "declared": t.declared,
                         "records": t.records} for t in p.transitions],
        "bottlenecks": list(p.bottlenecks),
        "unmapped": [{"label": label, "rows": n} for label, n in p.unmapped],
        "rows": p.rows, "stuck": p.stuck,
        "started_elsewhere": p.started_elsewhere, "closed_without_outcome": p.closed_without_outcome,
        "repeated_entries": p.repeated_entries, "duplicate_rows": p.duplicates,
    }


def by_pipeline(rows: Sequence[Row]) -> dict[tuple[str, str], list[Row]]:
    out: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        out.setdefault((row["journey_id"], row["pipeline_id"]), []).append(row)
    return out
