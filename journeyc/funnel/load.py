"""Stage-history files into DuckDB's `journeyc_history` table, every bad cell found and named before any metric.

DuckDB reads the CSV itself (in parallel, in bounded memory: it spills to a
temporary directory past `MEMORY_LIMIT`), so a 2 GB export never passes through
Python. Times are read with DuckDB's ISO 8601 parser: a date, or a date-time
with or without an offset; a time without an offset is read in `timezone`
(default UTC) and everything is stored as UTC.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from journeyc.errors import JourneycError
from journeyc.readers.history import Feed, HistoryFile, locate

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"
_LINE = re.compile(r"on line:? (\d+)", re.IGNORECASE)


def connect(timezone: str, spill: str) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    try:
        con.execute("SET TimeZone = ?", [timezone])
    except duckdb.Error:
        raise JourneycError(f"--timezone {timezone!r}: not a time zone name (e.g. UTC, Europe/Paris)") from None
    con.execute("CREATE TEMPORARY TABLE journeyc_history (record_id VARCHAR, pipeline VARCHAR, stage VARCHAR,"
                " entered_at TIMESTAMP, exited_at TIMESTAMP)")
    return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ts(column: str) -> str:
    """A cell as a UTC timestamp (NULL when empty or unreadable: `_check_dates` has refused unreadable ones)."""
    return f"timezone('UTC', try_cast(NULLIF(TRIM({column}), '') AS TIMESTAMPTZ))"


def _bad(column: str) -> str:
    parsed = f"try_cast(TRIM({column}) AS TIMESTAMPTZ)"
    return f"NULLIF(TRIM({column}), '') IS NOT NULL AND ({parsed} IS NULL OR NOT isfinite({parsed}))"


def _cell(source: int | str | None) -> str:
    if source is None:
        return "NULL"
    if isinstance(source, str):
        return _quote(source)
    return f"NULLIF(TRIM(c{source}), '')"


def load(con: duckdb.DuckDBPyConnection, f: HistoryFile, n: int) -> tuple[str, ...]:
    """Read one file into `journeyc_raw_<n>`, check its dates, append its rows to `journeyc_history`.

    Returns notes on what was left out (Salesforce rows in the recycle bin).
    """
    import duckdb

    raw = f"journeyc_raw_{n}"
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(f.header)))
    try:
        con.execute(f"CREATE TEMPORARY TABLE {raw} AS SELECT * FROM read_csv({_quote(f.path)}, header = true,"
                    f" auto_detect = false, delim = {_quote(f.delimiter)}, quote = '\"', escape = '\"',"
                    f" columns = {{{columns}}}, strict_mode = true)")
    except duckdb.Error as exc:
        raise JourneycError(f"{f.path}: {_csv_error(str(exc))}") from None
    notes = []
    for feed in f.feeds:
        _check_dates(con, f, raw, feed)
        where = "TRUE"
        if feed.deleted is not None:
            where = f"lower(TRIM(COALESCE(c{feed.deleted}, ''))) NOT IN ('true', '1')"
            found = con.execute(f"SELECT COUNT(*) FROM {raw} WHERE NOT ({where})").fetchone()
            notes += [f"{found[0]} deleted row(s) (IsDeleted) skipped"] if found and found[0] else []
        if feed.optional:
            where += f" AND NULLIF(TRIM(c{feed.entered}), '') IS NOT NULL"
        exited = "NULL" if feed.exited is None else _ts(f"c{feed.exited}")
        con.execute(f"INSERT INTO journeyc_history SELECT {_cell(feed.record)}, {_cell(feed.pipeline)},"
                    f" {_cell(feed.stage)}, {_ts(f'c{feed.entered}')}, {exited} FROM {raw} WHERE {where}")
    con.execute(f"DROP TABLE {raw}")
    return tuple(notes)


def _check_dates(con: duckdb.DuckDBPyConnection, f: HistoryFile, raw: str, feed: Feed) -> None:
    for column in (feed.entered, feed.exited):
        if column is None:
            continue
        bad = con.execute(f"SELECT TRIM(c{column}) FROM {raw} WHERE {_bad(f'c{column}')} LIMIT 1").fetchone()
        if bad is not None:
            value = str(bad[0])
            line = locate(f.path, f.delimiter, column, value)
            where = f"line {line}" if line is not None else "a row"
            raise JourneycError(f"{f.path}: {where}: column {f.header[column].strip()!r}: cannot read {value[:40]!r}"
                                " as a date (ISO 8601 expected: 2026-01-31, 2026-01-31 09:30 or 2026-01-31T09:30:00Z)")


def _csv_error(message: str) -> str:
    """DuckDB's CSV error in one line, without the row it quotes (an export carries names and e-mails)."""
    line = _LINE.search(message)
    where = f"line {line.group(1)}: " if line else ""
    if "unicode" in message.lower() or "utf-8" in message.lower():
        return f"{where}not UTF-8 text: save the export as CSV UTF-8"
    if "expected" in message.lower() and "column" in message.lower():
        return f"{where}a row has more or fewer fields than the header"
    if "quote" in message.lower():
        return f"{where}an unterminated quoted field"
    first = message.splitlines()[0] if message else "unreadable CSV"
    return where + first.split(". ")[0][:200]
