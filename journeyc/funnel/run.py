"""One funnel run: read the history files, map their pipelines and stages, run the SQL, assemble the result."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeyc.crm.pipelines import Exported
from journeyc.errors import JourneycError
from journeyc.funnel import local, mapping, sql
from journeyc.funnel.result import FunnelResult, Input, PipelineFlow, Skipped, StageFlow, Transition, by_pipeline
from journeyc.readers import history
from journeyc.wording import plural
from journeyc.workspace.model import Workspace

if TYPE_CHECKING:
    import duckdb

    from journeyc.funnel.preload import Preload


@dataclass(frozen=True)
class Options:
    as_of: dt.date | None = None   # default: today in `timezone` (the latest entry's day with `latest`)
    timezone: str = "UTC"          # how times without an offset are read
    pipeline: str | None = None    # the pipeline of rows that name none
    #: read the history as of the day of its latest entry: the same file gives the same numbers on any day
    #: (what `build` uses, so that its output stays byte-identical)
    latest: bool = False


@dataclass
class _Session:
    con: duckdb.DuckDBPyConnection
    mapping: mapping.Mapping
    inputs: tuple[Input, ...]
    as_of: str    # the date
    instant: str  # the UTC instant that ends it


@contextmanager
def _session(ws: Workspace, paths: Sequence[str], options: Options, early: Preload | None = None
             ) -> Iterator[_Session]:
    """The history files loaded into DuckDB (by `early` on its thread, if given: preload.py), and the mapping with
    the labels they hold."""
    from journeyc.funnel import load

    m = mapping.build(ws, options.pipeline)
    if not m.targets:
        raise JourneycError("the workspace has no journey with stages: nothing to lay the history over")
    assert early is None or (early.paths, early.timezone) == (tuple(paths), options.timezone)
    loaded = early.take() if early is not None else None  # raises what the read met, where it would be read here
    files = loaded[1] if loaded else [history.read(p, [e.pipeline.name for e in m.targets]) for p in paths]
    with tempfile.TemporaryDirectory(prefix="journeyc-funnel-") as spill:
        con, notes = (loaded[0], loaded[2]) if loaded else load.load_all(files, options.timezone, spill)
        try:
            as_of, instant = _as_of(con, options.as_of if not options.latest else _latest(con))
            keys = local.count_labels(con, instant)
            mapping.observe(m, {k for k, _ in keys}, keys)
            inputs = tuple(Input(f.path, f.format, f.delimiter, f.notes + n) for f, n in zip(files, notes, strict=True))
            yield _Session(con, m, inputs, as_of, instant)
        finally:
            con.close()


def analyse(ws: Workspace, paths: Sequence[str], options: Options, early: Preload | None = None) -> FunnelResult:
    """The funnel of the history files; `early`: preload.started(paths, options.timezone), reading them already."""
    with _session(ws, paths, options, early) as s:
        rows = _run(s.con, sql.mapping_statements(s.mapping))
        rows.update(local.run(s.con, s.instant))
        return assemble(ws, s.mapping, rows, s.as_of, options.timezone, s.inputs)


def emit_sql(ws: Workspace, paths: Sequence[str], options: Options, dialect: str) -> str:
    """The script for a warehouse; with history files, their labels that fold to known names are mapped too."""
    with _session(ws, paths, options) as s:
        head = (f"-- journeyc funnel, {dialect}: stage mapping and metrics as of {s.as_of} (end of day,"
                f" {options.timezone}), {s.instant} UTC.\n-- Input: a table or view journeyc_history(record_id,"
                " pipeline, stage, entered_at, exited_at), times as UTC TIMESTAMP.\n"
                "-- Each `-- result:` query returns one part of the funnel.\n\n")
        return head + sql.script(s.mapping, s.instant, dialect)


def _latest(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The day (in the session's time zone) of the history's latest entry, None for an empty history."""
    found = con.execute("SELECT CAST(max(entered_at) AS DATE) FROM journeyc_history").fetchone()
    day = found[0] if found else None
    return day if isinstance(day, dt.date) else None


def _as_of(con: duckdb.DuckDBPyConnection, day: dt.date | None) -> tuple[str, str]:
    """The as-of date and the UTC instant that ends it in the session's time zone."""
    if day is None:
        found = con.execute("SELECT CAST(CAST(current_timestamp AS TIMESTAMPTZ) AS DATE)").fetchone()
        assert found is not None
        day = found[0]
        assert isinstance(day, dt.date)
    end = (day + dt.timedelta(days=1)).isoformat() + " 00:00:00"
    found = con.execute("SELECT strftime(timezone('UTC', CAST(? AS TIMESTAMPTZ)), '%Y-%m-%d %H:%M:%S')",
                        [end]).fetchone()
    assert found is not None
    return day.isoformat(), str(found[0])


def _run(con: duckdb.DuckDBPyConnection, statements: Sequence[sql.Statement]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for st in statements:
        cursor = con.execute(st.text)
        if st.name:
            names = [d[0] for d in cursor.description or ()]
            out[st.name] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return out


def assemble(ws: Workspace, m: mapping.Mapping, rows: dict[str, list[dict[str, Any]]], as_of: str, timezone: str,
             inputs: tuple[Input, ...] = ()) -> FunnelResult:
    """The result from the rows of the final queries (the command's own run, or the emitted SQL run elsewhere)."""
    parts = {name: by_pipeline(rows[name]) for name in ("stages", "transitions", "unmapped", "pipelines")}
    flows = [_flow(e, {name: part.get((e.journey.id, e.pipeline.id), []) for name, part in parts.items()})
             for e in m.targets if (e.journey.id, e.pipeline.id) in parts["pipelines"]]
    skipped = _skipped(m, rows["skipped"])
    if not flows:
        raise JourneycError(_nothing_matched(m, skipped))
    return FunnelResult(as_of, timezone, tuple(flows), skipped, inputs)


def _flow(e: Exported, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> PipelineFlow:
    order = {st.id: i for i, st in enumerate(e.stages)}
    stages = tuple(_stage(e.stages[int(r["position"])].label, r)
                   for r in sorted(rows["stages"], key=lambda r: int(r["position"])))
    moves = sorted(rows["transitions"], key=lambda r: (order[r["from_id"]], order[r["to_id"]]))
    transitions = tuple(Transition(r["from_id"], r["to_id"], int(r["moves"]), int(r["records"]), bool(r["declared"]))
                        for r in moves)
    held = sorted((x for x in stages if x.bottleneck), key=lambda x: (-x.stuck, order[x.id]))
    bottlenecks = tuple(x.id for x in held)
    unmapped = tuple(sorted(((str(r["label"]), int(r["row_count"])) for r in rows["unmapped"]),
                            key=lambda x: (-x[1], x[0])))
    s = rows["pipelines"][0]
    return PipelineFlow(e.journey.id, e.journey.name, e.pipeline.id, e.pipeline.object, int(s["row_count"]),
                        int(s["records"]), stages, transitions, bottlenecks, unmapped, int(s["started_elsewhere"]),
                        int(s["closed_without_outcome"]), int(s["repeated_entries"]), int(s["duplicates"]))


def _stage(label: str, r: Mapping[str, Any]) -> StageFlow:
    def days(v: Any) -> float | None:
        return None if v is None else float(v)

    sla = None if r["sla_days"] is None else int(r["sla_days"])
    return StageFlow(r["stage_id"], label, int(r["entered"]), int(r["open_count"]), int(r["stuck"]),
                     int(r["converted"]), int(r["left_count"]), days(r["median_days"]), days(r["p90_days"]), sla,
                     bool(r["bottleneck"]))


def _skipped(m: mapping.Mapping, rows: list[dict[str, Any]]) -> Skipped:
    unknown = sorted(((str(r["label"]), int(r["row_count"])) for r in rows if r["unknown"]),
                     key=lambda x: (-x[1], x[0]))
    ambiguous = tuple(x for x in unknown if x[0].strip().lower() in m.ambiguous)
    total = {k: sum(int(r[k] or 0) for r in rows) for k in ("incomplete", "after_as_of", "exit_before_entry")}
    return Skipped(tuple(x for x in unknown if x not in ambiguous), ambiguous, **total)


def _nothing_matched(m: mapping.Mapping, skipped: Skipped) -> str:
    seen = ", ".join(f"{label!r} ({plural(n, 'row')})" if label else f"no pipeline ({plural(n, 'row')})"
                     for label, n in (skipped.unknown_pipelines + skipped.ambiguous_pipelines)[:5]) or "none"
    known = ", ".join(f"{e.journey.id}/{e.pipeline.id}" for e in m.targets[:8])
    hint = ("; rows that name no pipeline need --pipeline JOURNEY/PIPELINE" if len(m.targets) > 1 else "")
    return (f"no history row belongs to a pipeline of the workspace: the history names {seen};"
            f" the workspace has {known}{hint}")
