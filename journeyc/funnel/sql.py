"""The funnel as SQL: the mapping tables, the metric queries, and the same script for other warehouses.

The script is written once, in DuckDB's dialect, in the portable subset that
PostgreSQL, Snowflake and BigQuery share (window functions, CASE, no
percentile aggregate: BigQuery has none, so quantiles are interpolated by hand
the way `percentile_cont` does). `journeyc funnel` runs exactly this text on
the history it loaded; `--emit-sql DIALECT` prints it, transpiled by sqlglot.
Its only input is a table `journeyc_history(record_id, pipeline, stage,
entered_at, exited_at)` with times as UTC timestamps without time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    "journeyc_pipeline_keys": "pipeline_key VARCHAR, journey_id VARCHAR, pipeline_id VARCHAR",
    "journeyc_stage_keys": "journey_id VARCHAR, pipeline_id VARCHAR, stage_key VARCHAR, stage_id VARCHAR",
    "journeyc_stages": "journey_id VARCHAR, pipeline_id VARCHAR, stage_id VARCHAR, position INTEGER,"
                       " is_open INTEGER, is_lost INTEGER, sla_days INTEGER, is_start INTEGER",
    "journeyc_exits": "journey_id VARCHAR, pipeline_id VARCHAR, from_id VARCHAR, to_id VARCHAR",
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


def mapping_statements(m: Mapping) -> list[Statement]:
    """CREATE TEMPORARY TABLE and INSERT for each mapping table, rows in a stable order."""
    rows: dict[str, Iterable[Sequence[object]]] = {
        "journeyc_pipeline_keys": sorted((k, *v) for k, v in m.pipeline_keys.items()),
        "journeyc_stage_keys": sorted((*k, v) for k, v in m.stage_keys.items()),
        "journeyc_stages": m.stages,
        "journeyc_exits": m.exits,
    }
    out = []
    for table, columns in TABLES.items():
        out.append(Statement("", f"CREATE TEMPORARY TABLE {table} ({columns})"))
        values = [f"({', '.join(literal(v) for v in row)})" for row in rows[table]]
        for start in range(0, len(values), 1000):  # statements of bounded size for every warehouse
            out.append(Statement("", f"INSERT INTO {table} VALUES\n  " + ",\n  ".join(values[start:start + 1000])))
    return out


def _days(start: str, end: str) -> str:
    return f"DATE_DIFF('microsecond', {start}, {end}) / {US_PER_DAY}.0"


def _quantile(q: int, name: str) -> str:
    """percentile_cont(q/10) over `days`, from row numbers `i` (0-based) and counts `n`, in exact arithmetic."""
    lo, hi, pos = f"FLOOR((n - 1) * {q} / 10.0)", f"CEIL((n - 1) * {q} / 10.0)", f"(n - 1) * {q}"
    return (f"MAX(CASE WHEN i = {lo} THEN days END) + MAX(({pos} - 10 * {lo}) / 10.0)"
            f" * (MAX(CASE WHEN i = {hi} THEN days END) - MAX(CASE WHEN i = {lo} THEN days END)) AS {name}")


JPR = "journey_id, pipeline_id, record_id"


def metric_statements(as_of: str) -> list[Statement]:
    """The steps and the final queries; `as_of` is the UTC instant the history is read at ('YYYY-MM-DD HH:MM:SS')."""
    at = f"CAST({literal(as_of)} AS TIMESTAMP)"
    return [
        Statement("", f"""CREATE TEMPORARY TABLE journeyc_rows AS
SELECT h.record_id, p.journey_id, p.pipeline_id, k.stage_id, h.stage AS label, h.entered_at,
  CASE WHEN h.exited_at <= {at} AND h.exited_at >= h.entered_at THEN h.exited_at END AS exited_at
FROM journeyc_history AS h
JOIN journeyc_pipeline_keys AS p ON p.pipeline_key = LOWER(TRIM(COALESCE(h.pipeline, '')))
LEFT JOIN journeyc_stage_keys AS k
  ON k.journey_id = p.journey_id AND k.pipeline_id = p.pipeline_id AND k.stage_key = LOWER(TRIM(h.stage))
WHERE h.record_id IS NOT NULL AND h.stage IS NOT NULL AND h.entered_at <= {at}"""),
        Statement("", """CREATE TEMPORARY TABLE journeyc_entries AS
SELECT r.journey_id, r.pipeline_id, r.record_id, r.stage_id, s.position, r.entered_at,
  MAX(r.exited_at) AS exited_at, COUNT(*) AS copies
FROM journeyc_rows AS r
JOIN journeyc_stages AS s ON s.journey_id = r.journey_id AND s.pipeline_id = r.pipeline_id AND s.stage_id = r.stage_id
GROUP BY r.journey_id, r.pipeline_id, r.record_id, r.stage_id, s.position, r.entered_at"""),
        Statement("", _visits()),
        Statement("", _per_record(at)),
        Statement("stages", _stages()),
        Statement("transitions", """SELECT v.journey_id, v.pipeline_id, v.stage_id AS from_id, v.next_stage AS to_id,
  COUNT(*) AS moves, COUNT(DISTINCT v.record_id) AS records,
  MAX(CASE WHEN x.to_id IS NULL THEN 0 ELSE 1 END) AS declared
FROM journeyc_visits AS v
LEFT JOIN journeyc_exits AS x
  ON x.journey_id = v.journey_id AND x.pipeline_id = v.pipeline_id AND x.from_id = v.stage_id AND x.to_id = v.next_stage
WHERE v.next_stage IS NOT NULL
GROUP BY v.journey_id, v.pipeline_id, v.stage_id, v.next_stage"""),
        Statement("unmapped", """SELECT journey_id, pipeline_id, MIN(label) AS label, COUNT(*) AS row_count
FROM journeyc_rows WHERE stage_id IS NULL
GROUP BY journey_id, pipeline_id, LOWER(TRIM(label))"""),
        Statement("pipelines", _pipelines()),
        Statement("skipped", f"""SELECT MIN(COALESCE(h.pipeline, '')) AS label, COUNT(*) AS row_count,
  SUM(CASE WHEN h.record_id IS NULL OR h.stage IS NULL OR h.entered_at IS NULL THEN 1 ELSE 0 END) AS incomplete,
  SUM(CASE WHEN h.entered_at > {at} THEN 1 ELSE 0 END) AS after_as_of,
  SUM(CASE WHEN h.exited_at < h.entered_at THEN 1 ELSE 0 END) AS exit_before_entry,
  MAX(CASE WHEN p.pipeline_key IS NULL THEN 1 ELSE 0 END) AS unknown
FROM journeyc_history AS h
LEFT JOIN journeyc_pipeline_keys AS p ON p.pipeline_key = LOWER(TRIM(COALESCE(h.pipeline, '')))
GROUP BY LOWER(TRIM(COALESCE(h.pipeline, '')))"""),
    ]


def _visits() -> str:
    """Entries in time order (equal times: journey order); consecutive entries of one stage are one visit."""
    order = "ORDER BY entered_at, position, stage_id"
    return f"""CREATE TEMPORARY TABLE journeyc_visits AS
WITH flagged AS (
  SELECT e.*, CASE WHEN LAG(stage_id) OVER (PARTITION BY {JPR} {order}) = stage_id THEN 0 ELSE 1 END AS starts
  FROM journeyc_entries AS e
), numbered AS (
  SELECT f.*, SUM(starts) OVER (PARTITION BY {JPR} {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit
  FROM flagged AS f
), merged AS (
  SELECT {JPR}, visit, MIN(stage_id) AS stage_id, MIN(entered_at) AS entered_at, MAX(exited_at) AS exited_at,
    COUNT(*) AS entries
  FROM numbered GROUP BY {JPR}, visit
), linked AS (
  SELECT m.*, LEAD(stage_id) OVER (PARTITION BY {JPR} ORDER BY visit) AS next_stage,
    LEAD(entered_at) OVER (PARTITION BY {JPR} ORDER BY visit) AS next_at,
    COUNT(*) OVER (PARTITION BY {JPR}) AS visits
  FROM merged AS m
)
SELECT l.*, s.is_open, s.is_start, s.sla_days, COALESCE(n.is_lost, 0) AS next_lost,
  CASE WHEN l.next_at IS NOT NULL THEN l.next_at WHEN s.is_open = 1 THEN l.exited_at END AS left_at,
  CASE WHEN l.visit = l.visits THEN 1 ELSE 0 END AS is_last
FROM linked AS l
JOIN journeyc_stages AS s ON s.journey_id = l.journey_id AND s.pipeline_id = l.pipeline_id AND s.stage_id = l.stage_id
LEFT JOIN journeyc_stages AS n
  ON n.journey_id = l.journey_id AND n.pipeline_id = l.pipeline_id AND n.stage_id = l.next_stage"""


def _per_record(at: str) -> str:
    """One row per record and stage: its time there, and what its last visit there did."""
    last = "back = 1"
    open_now = f"{last} AND is_last = 1 AND is_open = 1 AND left_at IS NULL"
    return f"""CREATE TEMPORARY TABLE journeyc_record_stages AS
WITH backwards AS (
  SELECT v.*, ROW_NUMBER() OVER (PARTITION BY {JPR}, stage_id ORDER BY visit DESC) AS back FROM journeyc_visits AS v
)
SELECT {JPR}, stage_id,
  SUM(CASE WHEN left_at IS NOT NULL THEN {_days('entered_at', 'left_at')} END) AS days,
  MAX(CASE WHEN {last} AND left_at IS NOT NULL THEN 1 ELSE 0 END) AS has_left,
  MAX(CASE WHEN {last} AND next_stage IS NOT NULL AND next_lost = 0 THEN 1 ELSE 0 END) AS converted,
  MAX(CASE WHEN {open_now} THEN 1 ELSE 0 END) AS is_open_here,
  MAX(CASE WHEN {open_now} AND sla_days IS NOT NULL
      AND DATE_DIFF('microsecond', entered_at, {at}) > sla_days * {US_PER_DAY} THEN 1 ELSE 0 END) AS stuck
FROM backwards GROUP BY {JPR}, stage_id"""


def _stages() -> str:
    return f"""WITH ranked AS (
  SELECT journey_id, pipeline_id, stage_id, days,
    ROW_NUMBER() OVER (PARTITION BY journey_id, pipeline_id, stage_id ORDER BY days) - 1 AS i,
    COUNT(*) OVER (PARTITION BY journey_id, pipeline_id, stage_id) AS n
  FROM journeyc_record_stages WHERE has_left = 1
), quantiles AS (
  SELECT journey_id, pipeline_id, stage_id, {_quantile(5, 'median_days')}, {_quantile(9, 'p90_days')}
  FROM ranked GROUP BY journey_id, pipeline_id, stage_id
), counts AS (
  SELECT s.journey_id, s.pipeline_id, s.stage_id, s.position, s.sla_days,
    COUNT(r.record_id) AS entered, COALESCE(SUM(r.has_left), 0) AS left_count,
    COALESCE(SUM(r.converted), 0) AS converted, COALESCE(SUM(r.is_open_here), 0) AS open_count,
    COALESCE(SUM(r.stuck), 0) AS stuck
  FROM journeyc_stages AS s
  LEFT JOIN journeyc_record_stages AS r
    ON r.journey_id = s.journey_id AND r.pipeline_id = s.pipeline_id AND r.stage_id = s.stage_id
  GROUP BY s.journey_id, s.pipeline_id, s.stage_id, s.position, s.sla_days
), shares AS (
  SELECT c.*, SUM(stuck) OVER (PARTITION BY journey_id, pipeline_id) AS total_stuck,
    COALESCE(SUM(stuck) OVER (PARTITION BY journey_id, pipeline_id ORDER BY stuck DESC, position
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS stuck_before
  FROM counts AS c
)
SELECT sh.journey_id, sh.pipeline_id, sh.stage_id, sh.position, sh.entered, sh.open_count, sh.stuck, sh.converted,
  sh.left_count, q.median_days, q.p90_days, sh.sla_days,
  CASE WHEN sh.stuck > 0 AND 5 * sh.stuck_before < 4 * sh.total_stuck THEN 1 ELSE 0 END AS bottleneck
FROM shares AS sh
LEFT JOIN quantiles AS q
  ON q.journey_id = sh.journey_id AND q.pipeline_id = sh.pipeline_id AND q.stage_id = sh.stage_id"""


def _pipelines() -> str:
    return """WITH entries AS (
  SELECT journey_id, pipeline_id, SUM(copies - 1) AS duplicates FROM journeyc_entries GROUP BY journey_id, pipeline_id
), flow AS (
  SELECT journey_id, pipeline_id, COUNT(DISTINCT record_id) AS records,
    SUM(CASE WHEN visit = 1 AND is_start = 0 THEN 1 ELSE 0 END) AS started_elsewhere,
    SUM(CASE WHEN is_last = 1 AND is_open = 1 AND left_at IS NOT NULL THEN 1 ELSE 0 END) AS closed_without_outcome,
    SUM(entries - 1) AS repeated_entries
  FROM journeyc_visits GROUP BY journey_id, pipeline_id
), rowcounts AS (
  SELECT journey_id, pipeline_id, COUNT(*) AS row_count FROM journeyc_rows GROUP BY journey_id, pipeline_id
)
SELECT r.journey_id, r.pipeline_id, r.row_count, COALESCE(f.records, 0) AS records,
  COALESCE(f.started_elsewhere, 0) AS started_elsewhere,
  COALESCE(f.closed_without_outcome, 0) AS closed_without_outcome,
  COALESCE(f.repeated_entries, 0) AS repeated_entries, COALESCE(e.duplicates, 0) AS duplicates
FROM rowcounts AS r
LEFT JOIN flow AS f ON f.journey_id = r.journey_id AND f.pipeline_id = r.pipeline_id
LEFT JOIN entries AS e ON e.journey_id = r.journey_id AND e.pipeline_id = r.pipeline_id"""


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
