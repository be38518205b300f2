"""The warehouse SQL gives the command's numbers: the emitted DuckDB script run on its own, and the PostgreSQL
script run on a real server (skipped, with the reason, when none is reachable)."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from funnelkit import AS_OF, Write
from test_funnel_cli import PLANTED

from journeyc.funnel import mapping, sql
from journeyc.funnel.result import to_json
from journeyc.funnel.run import Options, analyse, assemble, emit_sql
from journeyc.workspace.model import Workspace

HOSTILE_ROWS = "h1,deals,\"O'Brien; DROP TABLE x; --\",2026-01-01,\nh1,deals,mql,2026-01-02,\n"
POSTGRES = os.environ.get("JOURNEYC_TEST_POSTGRES", "")


def _named(script: str) -> list[str]:
    return re.findall(r"^-- result: (\w+)$", script, flags=re.MULTILINE)


def test_the_emitted_duckdb_script_alone_gives_the_commands_result(ws: Workspace, write: Write) -> None:
    path = write(PLANTED + HOSTILE_ROWS + "x,Partners,mql,2026-01-01,\n")
    expected = to_json(analyse(ws, [path], Options(as_of=AS_OF)))
    script = emit_sql(ws, [path], Options(as_of=AS_OF), "duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE TEMPORARY TABLE journeyc_history AS SELECT record_id, pipeline, stage,"
                f" CAST(entered_at AS TIMESTAMP) AS entered_at, CAST(exited_at AS TIMESTAMP) AS exited_at"
                f" FROM read_csv('{path}', all_varchar = true)")
    names, rows = _named(script), {}
    found = con.extract_statements(script)
    first_named = len(found) - len(names)  # the named queries are the last ones, in order
    for n, statement in enumerate(found):
        cursor = con.execute(statement)
        if n >= first_named:
            columns = [d[0] for d in cursor.description or ()]
            rows[names[n - first_named]] = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    got = to_json(assemble(ws, mapping.build(ws), rows, "2026-12-01", "UTC"))
    assert got["journeys"] == expected["journeys"]
    assert got["skipped"] == expected["skipped"]


@pytest.mark.parametrize("dialect", ["postgres", "snowflake", "bigquery"])
def test_each_dialects_script_parses_back_in_that_dialect(ws: Workspace, dialect: str) -> None:
    statements = sql.statements(mapping.build(ws), "2026-12-02 00:00:00", dialect)
    assert [st.name for st in statements if st.name] == ["stages", "transitions", "unmapped", "pipelines", "skipped"]
    for st in statements:
        assert sqlglot.parse_one(st.text, read=dialect) is not None
    assert "PERCENTILE" not in " ".join(st.text.upper() for st in statements)  # BigQuery has no such aggregate


def test_an_unknown_dialect_is_refused(ws: Workspace) -> None:
    with pytest.raises(Exception, match="choose one of duckdb, postgres, snowflake, bigquery"):
        sql.statements(mapping.build(ws), "2026-12-02 00:00:00", "oracle")


def _psql(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", POSTGRES, "-f", str(script)],
                          capture_output=True, text=True, check=False, timeout=120)


def _reachable() -> str | None:
    if not POSTGRES:
        return "no PostgreSQL server: set JOURNEYC_TEST_POSTGRES to a libpq connection string (.ci/run starts one)"
    if shutil.which("psql") is None:
        return "no psql client on PATH (Debian package postgresql-client)"
    done = subprocess.run(["psql", "-X", "-At", "-d", POSTGRES, "-c", "SELECT 1"], capture_output=True, text=True,
                          check=False, timeout=30)
    return None if done.returncode == 0 else f"PostgreSQL not reachable at {POSTGRES!r}: {done.stderr.strip()}"


def _value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return None if text == "" else text


def test_the_postgres_script_on_a_real_server_gives_the_commands_result(ws: Workspace, write: Write,
                                                                         tmp_path: Path) -> None:
    reason = _reachable()
    if reason:
        pytest.skip(reason)
    path = write(PLANTED + HOSTILE_ROWS)
    expected = to_json(analyse(ws, [path], Options(as_of=AS_OF)))
    m = mapping.build(ws)
    history = tmp_path / "history.csv"
    history.write_text("record_id,pipeline,stage,entered_at,exited_at\n" + PLANTED + HOSTILE_ROWS)
    lines = ["CREATE TEMPORARY TABLE journeyc_history (record_id TEXT, pipeline TEXT, stage TEXT,"
             " entered_at TIMESTAMP, exited_at TIMESTAMP);",
             f"\\copy journeyc_history FROM '{history}' WITH (FORMAT csv, HEADER true)"]
    names = []
    for st in sql.statements(m, "2026-12-02 00:00:00", "postgres"):
        lines.append((f"CREATE TEMPORARY TABLE journeyc_result_{st.name} AS " if st.name else "") + st.text + ";")
        names += [st.name] if st.name else []
    lines += [f"\\copy journeyc_result_{n} TO '{tmp_path / n}.csv' WITH (FORMAT csv, HEADER true)" for n in names]
    (tmp_path / "run.sql").write_text("\n".join(lines) + "\n")
    done = _psql(tmp_path / "run.sql")
    assert done.returncode == 0, done.stderr
    rows = {}
    for n in names:
        with open(tmp_path / f"{n}.csv", encoding="utf-8", newline="") as f:
            rows[n] = [{k: _value(v) for k, v in r.items()} for r in csv.DictReader(f)]
    got = to_json(assemble(ws, m, rows, "2026-12-01", "UTC"))
    assert got["journeys"] == expected["journeys"]
    assert got["skipped"] == expected["skipped"]
