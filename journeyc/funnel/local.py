"""The command's own run of the funnel SQL in DuckDB: sql.py's metrics in one statement, several times faster.

sql.py's script is portable: each step a table, a window per record, quantiles
from row numbers. Here the steps are CTEs kept in memory; the entries are sorted
once, by record then time, and their neighbours read in that order (a neighbour
counts when it is the same record's), the stages' facts joined after; only the
records that go back or stay are grouped by stage (any other enters each stage
once); a quantile is read from the stage's sorted times with the arithmetic of
the portable form (the same bits). tests/funnel/test_funnel_local.py runs both
on histories full of edge cases and compares every row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from journeyc.errors import JourneycError
from journeyc.funnel import sql

if TYPE_CHECKING:
    import duckdb

#: the final queries this statement answers, each as a list of rows; the others run as sql.py writes them
RESULTS = ("stages", "transitions", "pipelines")


def _entries(at: str) -> str:
    """sql._entries's rows: sorted, then read by window functions with an empty OVER, which keep that order (DuckDB
    streams them; one window with the ORDER BY cost a fifth more); `unordered`: a row after a greater one."""
    same = "CASE WHEN {0}(jp) OVER () = jp AND {0}(record_id) OVER () = record_id THEN {0}({1}) OVER () END"
    exited = f"CASE WHEN exited_at <= {at} AND exited_at >= entered_at THEN exited_at END"
    neighbours = ",\n    ".join(same.format(way, column) + f" AS {name}" for way, column, name in (
        ("LAG", "position", "prev_pos"), ("LAG", "entered_at", "prev_at"), ("LEAD", "position", "next_pos"),
        ("LEAD", "entered_at", "next_at")))
    key = ("jp", "record_id", "entered_at", "position", "exited_at")  # compared as rows, NULL is the greatest
    previous = ", ".join(f"LAG({k}) OVER ()" for k in key)
    return f"""SELECT e.jp, e.record_id, e.position, e.entered_at, e.seq, e.prev_pos, e.prev_at, e.next_pos,
  s.is_open, s.is_start, s.sla_days, n.is_lost AS next_lost,
  CASE WHEN e.next_at IS NOT NULL THEN e.next_at WHEN s.is_open = 1 THEN e.exited_at END AS left_at, e.unordered
FROM (
  SELECT jp, record_id, position, entered_at, {exited} AS exited_at, ROW_NUMBER() OVER () AS seq,
    {neighbours},
    ROW_NUMBER() OVER () > 1 AND ({previous}) > ({', '.join(key)}) AS unordered
  FROM (
    SELECT l.jp, h.record_id, l.position, h.entered_at, h.exited_at
    FROM journeyc_history AS h
    JOIN journeyc_labels AS l ON l.pipeline = COALESCE(h.pipeline, '') AND l.stage = h.stage
    WHERE l.position IS NOT NULL AND h.record_id IS NOT NULL AND h.entered_at <= {at}
    ORDER BY l.jp, h.record_id, h.entered_at, l.position, h.exited_at
  ) AS o
) AS e
JOIN journeyc_stages AS s ON s.jp = e.jp AND s.position = e.position
LEFT JOIN journeyc_stages AS n ON n.jp = e.jp AND n.position = e.next_pos"""


def _record_stages(at: str) -> str:
    """sql._record_stages's rows (without record_id): the last entry (the highest `seq`, unique) wins MAX(seq * 16 +
    its flags), among the entries of a record that goes back; any other entry is a group of one."""
    flags = sql.last_flags(at)
    packed = " + ".join(f"CASE WHEN {flag} THEN {1 << bit} ELSE 0 END" for bit, flag in enumerate(flags.values()))
    unpacked = ", ".join(f"(last >> {bit}) & 1 AS {name}" for bit, name in enumerate(flags))
    days = "CASE WHEN left_at IS NOT NULL THEN DATE_DIFF('microsecond', entered_at, left_at) END"
    return f"""SELECT jp, position, days, {unpacked}
FROM (
  SELECT jp, position, {sql.DAYS}, MAX(seq * {1 << len(flags)} + {packed}) % {1 << len(flags)} AS last
  FROM journeyc_entries AS e SEMI JOIN {_BACK_RECORD} GROUP BY jp, record_id, position
  UNION ALL
  SELECT jp, position, CAST({days} AS HUGEINT) / {sql.US_PER_DAY}.0, ({packed}) AS last
  FROM journeyc_entries AS e ANTI JOIN {_BACK_RECORD}
) AS r"""


#: the records that go back or stay at some step: one that only moves forward (each entry into a later stage than
#: the one before) enters each stage once. Joined SEMI or ANTI (NOT EXISTS grouped the million entries by record)
_BACK_RECORD = "journeyc_back AS b ON b.jp = e.jp AND b.record_id = e.record_id"
_BACK = "journeyc_back AS (SELECT DISTINCT jp, record_id FROM journeyc_entries WHERE prev_pos >= position)"

#: sql.MOVES: a record that only moves forward takes each transition once
_MOVES = f"""SELECT jp, position, next_pos, SUM(moves) AS moves, SUM(records) AS records FROM (
    SELECT jp, position, next_pos, COUNT(*) AS moves, COUNT(*) AS records
    FROM journeyc_entries AS e ANTI JOIN {_BACK_RECORD} WHERE next_pos <> position GROUP BY jp, position, next_pos
    UNION ALL
    SELECT jp, position, next_pos, COUNT(*) AS moves, COUNT(DISTINCT record_id) AS records
    FROM journeyc_entries AS e SEMI JOIN {_BACK_RECORD} WHERE next_pos <> position GROUP BY jp, position, next_pos
  ) AS m GROUP BY jp, position, next_pos"""


def _quantile(q: int, name: str) -> str:
    """sql.quantile's interpolation, its two days read from the sorted list `s` (1-based) of `n` days."""
    lo, hi, pos = f"FLOOR((n - 1) * {q} / 10.0)", f"CEIL((n - 1) * {q} / 10.0)", f"(n - 1) * {q}"
    at_lo, at_hi = f"s[CAST({lo} AS BIGINT) + 1]", f"s[CAST({hi} AS BIGINT) + 1]"
    return f"{at_lo} + ({pos} - 10 * {lo}) / 10.0 * ({at_hi} - {at_lo}) AS {name}"


_QUANTILES = f"""quantiles AS (
  SELECT jp, position, {_quantile(5, 'median_days')}, {_quantile(9, 'p90_days')}
  FROM (
    SELECT jp, position, COUNT(*) AS n, list_sort(LIST(days)) AS s
    FROM journeyc_record_stages WHERE has_left = 1 GROUP BY jp, position
  ) AS l
)"""


#: sql._COUNTS, the record stages counted per stage before they meet the stages (nine rows, not a million)
_COUNTS = """counts AS (
  SELECT s.jp, s.position, s.stage_id, s.sla_days, COALESCE(r.entered, 0) AS entered,
    COALESCE(r.left_count, 0) AS left_count, COALESCE(r.converted, 0) AS converted,
    COALESCE(r.open_count, 0) AS open_count, COALESCE(r.stuck, 0) AS stuck
  FROM journeyc_stages AS s
  LEFT JOIN (
    SELECT jp, position, COUNT(*) AS entered, SUM(has_left) AS left_count, SUM(converted) AS converted,
      SUM(is_open_here) AS open_count, SUM(stuck) AS stuck
    FROM journeyc_record_stages GROUP BY jp, position
  ) AS r ON r.jp = s.jp AND r.position = s.position
)"""


def statement(as_of: str) -> str:
    """The steps as CTEs (a CTE shadows the table of that name), then the final queries, each as one list."""
    at = sql.timestamp(as_of)
    named = {st.name: st.text for st in sql.metric_statements(as_of, _MOVES) if st.name}
    named["stages"] = sql.stages(_QUANTILES, _COUNTS)
    steps = [f"journeyc_entries AS MATERIALIZED (\n{_entries(at)}\n)", _BACK,
             f"journeyc_record_stages AS MATERIALIZED (\n{_record_stages(at)}\n)"]
    finals = [f"journeyc_result_{name} AS (\n{named[name]}\n)" for name in RESULTS]
    lists = ", ".join(f"(SELECT LIST(r) FROM journeyc_result_{name} AS r) AS {name}" for name in RESULTS)
    return ("WITH " + ",\n".join(steps + finals) + "\nSELECT " + lists
            + ", (SELECT COUNT(*) FROM journeyc_entries WHERE unordered) AS unordered")


def count_labels(con: duckdb.DuckDBPyConnection, as_of: str) -> list[tuple[str, str]]:
    """Count the history's label pairs once (sql.label_rows), for the labels step and for the mapping: the pairs,
    lower-cased and trimmed, that mapping.observe folds (a few hundred labels, not a million rows)."""
    con.execute(f"CREATE TEMPORARY TABLE journeyc_label_rows AS {sql.label_rows(sql.timestamp(as_of))}")
    return [(str(p), str(s)) for p, s in con.execute(
        "SELECT DISTINCT LOWER(TRIM(pipeline)), LOWER(TRIM(stage)) FROM journeyc_label_rows WHERE stage IS NOT NULL"
    ).fetchall()]


def run(con: duckdb.DuckDBPyConnection, as_of: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of sql.metric_statements's final queries, after count_labels and the mapping tables; `as_of` as
    there ('YYYY-MM-DD HH:MM:SS', UTC)."""
    con.execute(sql.labels(sql.timestamp(as_of), "SELECT * FROM journeyc_label_rows"))
    out: dict[str, list[dict[str, Any]]] = {}
    for st in sql.metric_statements(as_of):
        if st.name and st.name not in RESULTS:
            cursor = con.execute(st.text)
            names = [d[0] for d in cursor.description or ()]
            out[st.name] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    found = con.execute(statement(as_of)).fetchone()
    assert found is not None  # an aggregate without GROUP BY gives one row
    *lists, unordered = found
    if unordered:  # _entries's order was not kept: no number from this run can be trusted
        raise JourneycError("internal error: the engine did not keep the entries in order (please report this)")
    out.update({name: list(rows or ()) for name, rows in zip(RESULTS, lists, strict=True)})
    return out
