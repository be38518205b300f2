"""The command's own statement (funnel/local.py) gives, row for row and to the last bit, the rows of the portable
script (funnel/sql.py) that `--emit-sql` prints: on histories full of the edge cases the metrics define."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from funnelkit import AS_OF, Write

from journeyc.errors import JourneycError
from journeyc.funnel import local, sql
from journeyc.funnel.run import Options, _run, _session
from journeyc.workspace.model import Workspace

STAGES = {"deals": ["mql", "MQL", "sql", "evaluation", "Évaluation technique", "validation-achats", "won", "lost",
                    "Old stage"],
          "renewals": ["renewal", "renewed", "churned"], "Partners": ["mql"], "": ["mql"]}
FORWARD = {"deals": ["mql", "sql", "Évaluation technique", "validation-achats", "won"],
           "renewals": ["renewal", "renewed"]}


def _stamp(rnd: random.Random, day: int) -> str:
    """A date, or a date-time; some days past the as-of date (2026-12-01), some times equal."""
    date = (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat()
    return date if rnd.random() < 0.3 else f"{date} {rnd.choice((0, 9, 9, 17)):02d}:{rnd.choice((0, 30)):02d}:00"


def _history(seed: int, scale: int = 1) -> str:
    """Records that re-enter stages, go back, close without an outcome, repeat rows, exit before they enter."""
    rnd = random.Random(seed)
    lines = []
    for record in range(rnd.randrange(20, 120) * scale):
        pipeline = rnd.choice(("deals", "deals", "deals", "renewals", "Partners", ""))
        day = rnd.randrange(0, 300)
        for _ in range(rnd.randrange(1, 8)):
            day += rnd.choice((0, 0, 1, 2, 5, 9, 20, -3))  # past 2026-12-01 after day 334
            exited = _stamp(rnd, day + rnd.randrange(-2, 30)) if rnd.random() < 0.3 else ""
            stage = rnd.choice(STAGES[pipeline])
            row = f"r{record % (97 * scale)},{pipeline},{stage},{_stamp(rnd, max(day, 0))},{exited}\n"
            lines += [row] * (2 if rnd.random() < 0.05 else 1)
    lines += _forward(rnd)
    rnd.shuffle(lines)  # the engine orders the entries, not the file
    return "".join(lines) + ",deals,mql,2026-01-01,\nr1,deals,,2026-01-01,\n"


def _forward(rnd: random.Random) -> list[str]:
    """Records that only move forward, through some of the stages in the journey's order, times equal or not."""
    lines = []
    for record in range(rnd.randrange(5, 15)):
        pipeline, order = rnd.choice((("deals", FORWARD["deals"]), ("renewals", FORWARD["renewals"])))
        day = rnd.randrange(0, 340)
        for stage in sorted(rnd.sample(order, rnd.randrange(1, len(order) + 1)), key=order.index):
            lines.append(f"f{record},{pipeline},{stage},{_stamp(rnd, day)},\n")
            day += rnd.choice((0, 1, 4, 30))
    return lines


Rows = dict[str, list[dict[str, Any]]]


def _exact(rows: Rows) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
    """Each result's rows in a fixed order, every value as it came (floats unrounded)."""
    return {name: sorted((tuple(sorted(row.items())) for row in found), key=repr) for name, found in rows.items()}


#: the kinds of records with more than one entry: whether they go back (or stay) at some step, which local.py groups
_KINDS = """WITH journeyc_entries AS ({}) SELECT DISTINCT back FROM (
  SELECT jp, record_id, bool_or(prev_pos >= position) AS back FROM journeyc_entries GROUP BY jp, record_id
  HAVING COUNT(*) > 1)"""


def _both(ws: Workspace, path: str, threads: int | None = None) -> tuple[Rows, Rows, list[tuple[Any, ...]]]:
    """The command's own rows, the portable script's, and the kinds of records (_KINDS) the history holds."""
    with _session(ws, [path], Options(as_of=AS_OF)) as s:
        if threads is not None:  # else DuckDB's default, one per CPU
            s.con.execute(f"SET threads = {threads}")
        _run(s.con, sql.mapping_statements(s.mapping))
        own = local.run(s.con, s.instant)
        kinds = s.con.execute(_KINDS.format(local._entries(sql.timestamp(s.instant)))).fetchall()
        s.con.execute("DROP TABLE journeyc_labels")  # the portable script counts the labels itself
        return own, _run(s.con, sql.metric_statements(s.instant)), kinds


@pytest.mark.parametrize("seed", range(12))
def test_the_commands_own_statement_gives_the_portable_scripts_rows(ws: Workspace, write: Write, seed: int) -> None:
    own, portable, kinds = _both(ws, write(_history(seed)))
    assert sorted(own) == ["pipelines", "skipped", "stages", "transitions", "unmapped"]
    assert _exact(own) == _exact(portable)
    assert any(r["repeated_entries"] for r in own["pipelines"])  # the histories hold what they are meant to
    assert any(r["median_days"] is not None for r in own["stages"])
    assert sorted(kinds) == [(False,), (True,)]  # records that only move forward (not grouped) and others



def test_the_entries_keep_their_order_across_chunks_and_threads(ws: Workspace, write: Write) -> None:
    """local._entries reads its neighbours in the order of a sorted subquery: 20,000 rows make chunks and threads."""
    history = _history(3, scale=100)
    own, portable, _ = _both(ws, write(history), threads=4)
    assert history.count("\n") > 20_000
    assert _exact(own) == _exact(portable)


def test_entries_out_of_order_stop_the_run(ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the engine to lose the sorted order, the run would stop rather than give wrong numbers."""
    entries = local._entries
    monkeypatch.setattr(local, "_entries", lambda at: entries(at).replace("ORDER BY", "-- ORDER BY"))
    with pytest.raises(JourneycError) as caught:
        _both(ws, write(_history(0)))
    assert str(caught.value) == "internal error: the engine did not keep the entries in order (please report this)"
