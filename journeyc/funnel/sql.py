"""The funnel as SQL: the mapping tables, the metric queries, and the same script for other warehouses.

The script is written once, in DuckDB's dialect, in the portable subset that
PostgreSQL, Snowflake and BigQuery share (window functions, CASE, no
percentile aggregate: BigQuery has none, so quantiles are interpolated by hand
the way `percentile_cont` does). `--emit-sql DIALECT` prints it, transpiled
by sqlglot. `journeyc funnel` runs its mapping tables, its labels and its
final queries as they are, and its steps rewritten for one DuckDB process
(local.py: the same rows, to the bit, about twice as fast); a test compares them.
Its only input is a table `journeyc_history(record_id, pipeline, stage,
entered_at, exited_at)` with times as UTC timestamps without time zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyc.errors import JourneycError
from journeyc.funnel.mapping import Mapping

DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery")
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Statement:
    name: str   # a final query's name (its rows are read back), or "" for a step that creates a table
    text: str


TABLES = {
    "journeyc_pipelines": "jp INTEGER, journey_id VARCHAR, pipeline_id VARCHAR",
    "journeyc_pipeline_keys": "pipeline_key VARCHAR, jp INTEGER",
    "journeyc_stage_keys": "jp INTEGER, stage_key VARCHAR, position INTEGER",
    "journeyc_stages": "jp INTEGER, position INTEGER, stage_id VARCHAR, is_open INTEGER, is_lost INTEGER,"
                       " sla_days INTEGER, is_start INTEGER",
    "journeyc_exits": "jp INTEGER, from_pos INTEGER, to_pos INTEGER",
}


def literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "\x00" in text:
        raise JourneycError("a label holds a NUL character, which SQL text cannot carry")
    return "'" + text.replace("'", "''") + "'"


def _rows(m: Mapping) -> dict[str, list[tuple[object, ...]]]:
    """The mapping as small tables keyed by numbers: a pipeline by its index, a stage by its position in it."""
    jp = {(e.journey.id, e.pipeline.id): n for n, e in enumerate(m.targets)}
    pos = {(j, p, stage): position for j, p, stage, position, *_ in m.stages}
    return {
        "journeyc_pipelines": [(n, e.journey.id, e.pipeline.id) for n, e in enumerate(m.targets)],
        "journeyc_pipeline_keys": sorted((k, jp[v]) for k, v in m.pipeline_keys.items()),
        "journeyc_stage_keys": sorted((jp[(j, p)], k, pos[(j, p, v)]) for (j, p, k), v in m.stage_keys.items()),
        "journeyc_stages": [(jp[(j, p)], position, stage, *rest) for j, p, stage, position, *rest in m.stages],
        "journeyc_exits": [(jp[(j, p)], pos[(j, p, a)], pos[(j, p, b)]) for j, p, a, b in m.exits],
    }


def mapping_statements(m: Mapping) -> list[Statement]:
    """CREATE TEMPORARY TABLE and INSERT for each mapping table, rows in a stable order."""
    rows = _rows(m)
    out = []
    for table, columns in TABLES.items():
        out.append(Statement("", f"CREATE TEMPORARY TABLE {table} ({columns})"))
        values = [f"({', '.join(literal(v) for v in row)})" for row in rows[table]]
        for start in range(0, len(values), 1000):  # statements of bounded size for every warehouse
            out.append(Statement("", f"INSERT INTO {table} VALUES\n  " + ",\n  ".join(values[start:start + 1000])))
    return out


#: a record's time in a stage, in days: the sum of its stays, summed in whole microseconds and divided once, so
#: that it is exact to the last bit whatever order the engine adds the stays in (a sum of fractions of a day is not)
DAYS = (f"SUM(CASE WHEN left_at IS NOT NULL THEN DATE_DIFF('microsecond', entered_at, left_at) END)"
        f" / {US_PER_DAY}.0 AS days")


def quantile(q: int, name: str) -> str:
    """percentile_cont(q/10) over `days`, from row numbers `i` (0-based) and counts `n`, in exact arithmetic."""
    lo, hi, pos = f"FLOOR((n - 1) * {q} / 10.0)", f"CEIL((n - 1) * {q} / 10.0)", f"(n - 1) * {q}"
    return (f"MAX(CASE WHEN i = {lo} THEN days END) + MAX(({pos} - 10 * {lo}) / 10.0)"
            f" * (MAX(CASE WHEN i = {hi} THEN days END) - MAX(CASE WHEN i = {lo} THEN days END)) AS {name}")


#: the transitions' counts: (jp, position, next_pos, moves, records)
MOVES = """SELECT jp, position, next_pos, COUNT(*) AS moves, COUNT(DISTINCT record_id) AS records
  FROM journeyc_entries WHERE next_pos <> position GROUP BY jp, position, next_pos"""


def metric_statements(as_of: str, moves: str = MOVES) -> list[Statement]:
    """The steps and the final queries at `as_of`, a UTC instant ('YYYY-MM-DD HH:MM:SS'); `moves`: MOVES' rows."""
    at = timestamp(as_of)
    return [
        Statement("", labels(at)),
        Statement("", _entries(at)),
        Statement("", _record_stages(at)),
        Statement("stages", stages()),
        Statement("transitions", f"""SELECT p.journey_id, p.pipeline_id, f.stage_id AS from_id,
  t.stage_id AS to_id,
  e.moves, e.records, CASE WHEN x.jp IS NULL THEN 0 ELSE 1 END AS declared
FROM (
  {moves}
) AS e
JOIN journeyc_pipelines AS p ON p.jp = e.jp
JOIN journeyc_stages AS f ON f.jp = e.jp AND f.position = e.position
JOIN journeyc_stages AS t ON t.jp = e.jp AND t.position = e.next_pos
LEFT JOIN journeyc_exits AS x ON x.jp = e.jp AND x.from_pos = e.position AND x.to_pos = e.next_pos"""),
        Statement("unmapped", """SELECT p.journey_id, p.pipeline_id, MIN(l.stage) AS label,
  SUM(l.row_count) AS row_count
FROM journeyc_labels AS l JOIN journeyc_pipelines AS p ON p.jp = l.jp
WHERE l.position IS NULL AND l.stage IS NOT NULL
GROUP BY p.journey_id, p.pipeline_id, LOWER(TRIM(l.stage))"""),
        Statement("pipelines", _pipelines()),
        Statement("skipped", """SELECT MIN(pipeline) AS label, SUM(row_count) AS row_count,
  SUM(incomplete) AS incomplete,
  SUM(after_as_of) AS after_as_of, SUM(exit_before_entry) AS exit_before_entry,
  MAX(CASE WHEN jp IS NULL THEN 1 ELSE 0 END) AS unknown
FROM journeyc_labels GROUP BY LOWER(TRIM(pipeline))"""),
    ]


def label_rows(at: str) -> str:
    """Each (pipeline, stage) label pair of the history once, with its row counts."""
    return f"""SELECT COALESCE(pipeline, '') AS pipeline, stage, COUNT(*) AS row_count,
    SUM(CASE WHEN record_id IS NULL OR stage IS NULL OR entered_at IS NULL THEN 1 ELSE 0 END) AS incomplete,
    SUM(CASE WHEN entered_at > {at} THEN 1 ELSE 0 END) AS after_as_of,
    SUM(CASE WHEN exited_at < entered_at THEN 1 ELSE 0 END) AS exit_before_entry
  FROM journeyc_history GROUP BY COALESCE(pipeline, ''), stage"""


def labels(at: str, rows: str = "") -> str:
    """The label pairs (`rows`: label_rows's, by default counted here) with what each maps to."""
    return f"""CREATE TEMPORARY TABLE journeyc_labels AS
SELECT l.*, p.jp, k.position, s.is_open, s.is_lost, s.is_start, s.sla_days
FROM (
  {rows or label_rows(at)}
) AS l
LEFT JOIN journeyc_pipeline_keys AS p ON p.pipeline_key = LOWER(TRIM(l.pipeline))
LEFT JOIN journeyc_stage_keys AS k ON k.jp = p.jp AND k.stage_key = LOWER(TRIM(l.stage))
LEFT JOIN journeyc_stages AS s ON s.jp = p.jp AND s.position = k.position"""


def timestamp(instant: str) -> str:
    """The SQL of a UTC instant ('YYYY-MM-DD HH:MM:SS')."""
    return f"CAST({literal(instant)} AS TIMESTAMP)"


def _entries(at: str) -> str:
    """Every entry of a record into a mapped stage, in time order (equal times: journey order), with its
    neighbours: one sort, and what the stages are comes with the labels. An entry into the stage the record
    is already in continues its stay."""
    w = "OVER (PARTITION BY l.jp, h.record_id ORDER BY h.entered_at, l.position, h.exited_at)"
    exited = f"CASE WHEN h.exited_at <= {at} AND h.exited_at >= h.entered_at THEN h.exited_at END"
    return f"""CREATE TEMPORARY TABLE journeyc_entries AS
SELECT e.*, CASE WHEN e.next_at IS NOT NULL THEN e.next_at WHEN e.is_open = 1 THEN e.exited_at END AS left_at
FROM (
  SELECT l.jp, h.record_id, l.position, l.is_open, l.is_start, l.sla_days, h.entered_at, {exited} AS exited_at,
    ROW_NUMBER() {w} AS seq, LAG(l.position) {w} AS prev_pos, LAG(h.entered_at) {w} AS prev_at,
    LEAD(l.position) {w} AS next_pos, LEAD(h.entered_at) {w} AS next_at, LEAD(l.is_lost) {w} AS next_lost
  FROM journeyc_history AS h
  JOIN journeyc_labels AS l ON l.pipeline = COALESCE(h.pipeline, '') AND l.stage = h.stage
  WHERE l.position IS NOT NULL AND h.record_id IS NOT NULL AND h.entered_at <= {at}
) AS e"""


def last_flags(at: str) -> dict[str, str]:
    """What a record's last entry into a stage did, each a condition on that entry's row of journeyc_entries."""
    open_now = "next_pos IS NULL AND is_open = 1 AND left_at IS NULL"
    age = f"DATE_DIFF('microsecond', entered_at, {at}) > sla_days * {US_PER_DAY}"
    return {"has_left": "left_at IS NOT NULL", "converted": "next_pos IS NOT NULL AND next_lost = 0",
            "is_open_here": open_now, "stuck": f"{open_now} AND sla_days IS NOT NULL AND {age}"}


def _record_stages(at: str) -> str:
    """One row per record and stage: its time there (all its stays), and what its last entry there (the highest
    `seq`) did: 1 when it has the flag, else 0."""
    last = "CASE WHEN MAX(seq) = MAX(CASE WHEN {} THEN seq END) THEN 1 ELSE 0 END AS {}"
    flags = ",\n  ".join(last.format(flag, name) for name, flag in last_flags(at).items())
    return f"""CREATE TEMPORARY TABLE journeyc_record_stages AS
SELECT jp, record_id, position,
  {DAYS},
  {flags}
FROM journeyc_entries GROUP BY jp, record_id, position"""


def _ranked_quantiles() -> str:
    return f"""ranked AS (
  SELECT jp, position, days,
    ROW_NUMBER() OVER (PARTITION BY jp, position ORDER BY days) - 1 AS i,
    COUNT(*) OVER (PARTITION BY jp, position) AS n
  FROM journeyc_record_stages WHERE has_left = 1
), quantiles AS (
  SELECT jp, position, {quantile(5, 'median_days')}, {quantile(9, 'p90_days')}
  FROM ranked GROUP BY jp, position
)"""


_COUNTS = """counts AS (
  SELECT s.jp, s.position, s.stage_id, s.sla_days,
    COUNT(r.record_id) AS entered, COALESCE(SUM(r.has_left), 0) AS left_count,
    COALESCE(SUM(r.converted), 0) AS converted, COALESCE(SUM(r.is_open_here), 0) AS open_count,
    COALESCE(SUM(r.stuck), 0) AS stuck
  FROM journeyc_stages AS s
  LEFT JOIN journeyc_record_stages AS r ON r.jp = s.jp AND r.position = s.position
  GROUP BY s.jp, s.position, s.stage_id, s.sla_days
)"""


def stages(quantiles: str = "", counts: str = _COUNTS) -> str:
    """The per-stage query over `journeyc_record_stages`; `quantiles`: CTEs ending in `quantiles(jp, position,
    median_days, p90_days)`, by default the portable ones (row numbers); `counts`: the CTE `counts(jp, position,
    stage_id, sla_days, entered, left_count, converted, open_count, stuck)`, one row per stage."""
    return f"""WITH {quantiles or _ranked_quantiles()}, {counts}, shares AS (
  SELECT c.*, SUM(stuck) OVER (PARTITION BY jp) AS total_stuck,
    COALESCE(SUM(stuck) OVER (PARTITION BY jp ORDER BY stuck DESC, position
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS stuck_before
  FROM counts AS c
)
SELECT p.journey_id, p.pipeline_id, sh.stage_id, sh.position, sh.entered, sh.open_count, sh.stuck, sh.converted,
  sh.left_count, q.median_days, q.p90_days, sh.sla_days,
  CASE WHEN sh.stuck > 0 AND 5 * sh.stuck_before < 4 * sh.total_stuck THEN 1 ELSE 0 END AS bottleneck
FROM shares AS sh
JOIN journeyc_pipelines AS p ON p.jp = sh.jp
LEFT JOIN quantiles AS q ON q.jp = sh.jp AND q.position = sh.position"""


def _pipelines() -> str:
    return """WITH flow AS (
  SELECT jp, SUM(CASE WHEN prev_pos IS NULL THEN 1 ELSE 0 END) AS records,
    SUM(CASE WHEN prev_pos IS NULL AND is_start = 0 THEN 1 ELSE 0 END) AS started_elsewhere,
    SUM(CASE WHEN next_pos IS NULL AND is_open = 1 AND left_at IS NOT NULL THEN 1 ELSE 0 END)
      AS closed_without_outcome,
    SUM(CASE WHEN prev_pos = position AND prev_at < entered_at THEN 1 ELSE 0 END) AS repeated_entries,
    SUM(CASE WHEN prev_pos = position AND prev_at = entered_at THEN 1 ELSE 0 END) AS duplicates
  FROM journeyc_entries GROUP BY jp
), rowcounts AS (
  SELECT jp, SUM(row_count) AS row_count FROM journeyc_labels WHERE jp IS NOT NULL GROUP BY jp
)
SELECT p.journey_id, p.pipeline_id, r.row_count, COALESCE(f.records, 0) AS records,
  COALESCE(f.started_elsewhere, 0) AS started_elsewhere,
  COALESCE(f.closed_without_outcome, 0) AS closed_without_outcome,
  COALESCE(f.repeated_entries, 0) AS repeated_entries, COALESCE(f.duplicates, 0) AS duplicates
FROM rowcounts AS r
JOIN journeyc_pipelines AS p ON p.jp = r.jp
LEFT JOIN flow AS f ON f.jp = r.jp"""


def statements(m: Mapping, as_of: str, dialect: str) -> list[Statement]:
    """Every statement of the script in `dialect`: the mapping tables, the steps, the named final queries."""
    if dialect not in DIALECTS:
        raise JourneycError(f"--emit-sql {dialect!r}: choose one of {', '.join(DIALECTS)}")
    out = mapping_statements(m) + metric_statements(as_of)
    return out if dialect == "duckdb" else [Statement(st.name, _transpile(st.text, dialect)) for st in out]


def script(m: Mapping, as_of: str, dialect: str) -> str:
    """The whole script, each statement ending with `;`, each final query named in a comment."""
    return "\n".join((f"-- result: {st.name}\n" if st.name else "") + st.text + ";\n"
                     for st in statements(m, as_of, dialect))


def _transpile(text: str, dialect: str) -> str:
    import sqlglot

    return str(sqlglot.transpile(text, read="duckdb", write=dialect, pretty=True)[0])
