"""Stage-history files into DuckDB's `journeyc_history` table, every bad cell found and named before any metric.

DuckDB reads the CSV itself (in parallel, in bounded memory: it spills to a
temporary directory past `MEMORY_LIMIT`), so a 2 GB export never passes through
Python. Times are read with DuckDB's ISO 8601 parser: a date, or a date-time
with or without an offset; a time without an offset is read in `timezone`
(default UTC) and everything is stored as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from journeyc.errors import JourneycError
from journeyc.readers.history import HistoryFile, locate

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"
_LINE = re.compile(r"on line:? (\d+)", re.IGNORECASE)


def connect(timezone: str, spill: str) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    con.execute("SET enable_progress_bar = false")  # a long read must not draw on the terminal
    try:
        con.execute("SET TimeZone = ?", [timezone])
    except duckdb.Error:
        raise JourneycError(f"--timezone {timezone!r}: not a time zone name (e.g. UTC, Europe/Paris)") from None
    con.execute("CREATE TEMPORARY TABLE journeyc_history (record_id VARCHAR, pipeline VARCHAR, stage VARCHAR,"
                " entered_at TIMESTAMP, exited_at TIMESTAMP)")
    return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(source: int | str | None) -> str:
    if source is None:
        return "NULL"
    if isinstance(source, str):
        return _quote(source)
    return f"c{source}"  # the CSV reader gives NULL for an empty cell, quoted or not; TRIM would cost a third


def _utc(column: int | None) -> str:
    """The cell's instant as a UTC timestamp: its microseconds since 1970, what timezone('UTC', ...) gives without
    a time-zone lookup per cell (that lookup was a third of the load); ±infinity still goes through timezone()
    so that _check_finite finds it (make_timestamp would make it NULL: a row silently incomplete)."""
    if column is None:
        return "NULL"
    return f"CASE WHEN isfinite(c{column}) THEN make_timestamp(epoch_us(c{column})) ELSE timezone('UTC', c{column}) END"


def _source(f: HistoryFile) -> str:
    """read_csv of the file: every column by number, the date columns parsed as they are read (typed, fast)."""
    dates = {c for feed in f.feeds for c in (feed.entered, feed.exited) if c is not None}
    columns = ", ".join(f"'c{i}': '{'TIMESTAMPTZ' if i in dates else 'VARCHAR'}'" for i in range(len(f.header)))
    return (f"read_csv({_quote(f.path)}, header = true, auto_detect = false, delim = {_quote(f.delimiter)},"
            f" quote = '\"', escape = '\"', columns = {{{columns}}}, strict_mode = true)")


def load(con: duckdb.DuckDBPyConnection, f: HistoryFile, n: int) -> tuple[str, ...]:
    """Append the rows of one file to `journeyc_history`; a cell that is not a date stops it with its line.

    Returns notes on what was left out (Salesforce rows in the recycle bin).
    """
    import duckdb

    source, notes = _source(f), []
    try:
        if len(f.feeds) > 1:  # HubSpot: one feed per stage column, all from one read of the file
            used = sorted({c for feed in f.feeds for c in (feed.record, feed.stage, feed.pipeline, feed.entered,
                                                            feed.exited) if isinstance(c, int)})
            con.execute(f"CREATE TEMPORARY TABLE journeyc_raw_{n} AS SELECT {', '.join(f'c{c}' for c in used)}"
                        f" FROM {source}")
            source = f"journeyc_raw_{n}"
        for feed in f.feeds:
            where = "TRUE" if not feed.optional else f"c{feed.entered} IS NOT NULL"
            if feed.deleted is not None:
                deleted = f"lower(TRIM(COALESCE(c{feed.deleted}, ''))) IN ('true', '1')"
                found = con.execute(f"SELECT COUNT(*) FROM {source} WHERE {deleted}").fetchone()
                notes += [f"{found[0]} deleted row(s) (IsDeleted) skipped"] if found and found[0] else []
                where += f" AND NOT {deleted}"
            con.execute(f"INSERT INTO journeyc_history SELECT {_cell(feed.record)}, {_cell(feed.pipeline)},"
                        f" {_cell(feed.stage)}, {_utc(feed.entered)}, {_utc(feed.exited)} FROM {source} WHERE {where}")
    except duckdb.Error as exc:
        raise JourneycError(f"{f.path}: {_csv_error(f, str(exc))}") from None
    _check_finite(con, f)
    con.execute(f"DROP TABLE IF EXISTS journeyc_raw_{n}")
    return tuple(notes)


def load_all(files: Sequence[HistoryFile], timezone: str, spill: str,
             connected: Callable[[duckdb.DuckDBPyConnection], None] = lambda con: None,
             ) -> tuple[duckdb.DuckDBPyConnection, list[tuple[str, ...]]]:
    """A connection with every file loaded, in order, and each file's notes; closed again if one fails.
    `connected` is given the connection before the rows are read (preload.py interrupts a read it no longer needs)."""
    con = connect(timezone, spill)
    connected(con)
    try:
        return con, [load(con, f, n) for n, f in enumerate(files)]
    except BaseException:
        con.close()
        raise


def _check_finite(con: duckdb.DuckDBPyConnection, f: HistoryFile) -> None:
    """`infinity` reads as a timestamp; no history holds one."""
    found = con.execute("SELECT COUNT(*) FROM journeyc_history WHERE NOT isfinite(entered_at)"
                        " OR NOT isfinite(exited_at)").fetchone()
    if found and found[0]:
        at = locate(f.path, f.delimiter, _date_columns(f), lambda v: v.strip().lower().lstrip("+-") == "infinity")
        raise JourneycError(_bad_date(f, at, "infinity"))


def _date_columns(f: HistoryFile) -> set[int]:
    return {c for feed in f.feeds for c in (feed.entered, feed.exited) if c is not None}


def _bad_date(f: HistoryFile, at: tuple[int, int, str] | None, value: str) -> str:
    if at is None:
        return f"{f.path}: cannot read {value[:40]!r} as a date"
    line, column, value = at
    return (f"{f.path}: line {line}: column {f.header[column].strip()!r}: cannot read {value[:40]!r} as a date"
            " (ISO 8601 expected: 2026-01-31, 2026-01-31 09:30 or 2026-01-31T09:30:00Z)")


_CONVERT = re.compile(r'Could not convert string "(.*?)" to', re.DOTALL)


def _csv_error(f: HistoryFile, message: str) -> str:
    """DuckDB's CSV error in one line, without the row it quotes (an export carries names and e-mails)."""
    bad = _CONVERT.search(message)
    if bad is not None:
        value = bad.group(1)
        at = locate(f.path, f.delimiter, _date_columns(f), lambda v: v == value)
        return _bad_date(f, at, value).removeprefix(f"{f.path}: ")
    line = _LINE.search(message)
    where = f"line {line.group(1)}: " if line else ""
    lowered = message.lower()
    if "unicode" in lowered or "utf-8" in lowered:
        return f"{where}not UTF-8 text: save the export as CSV UTF-8"
    if "expected" in lowered and "column" in lowered:
        return f"{where}a row has more or fewer fields than the header"
    if "quote" in lowered:
        return f"{where}an unterminated quoted field"
    first = message.splitlines()[0] if message else "unreadable CSV"
    return where + first.split(". ")[0][:200]
