"""The SQL against the definitions read plainly (oracle.py) on random histories with planted trouble.

Each history is what a real export holds, in random proportions: records
walking the map, some skipping a stage or going back (undeclared moves), many
left waiting in one stage (a planted bottleneck), re-entries, duplicate rows,
equal times, rows in any order, exits (some before the entry, some after the
as-of day), entries after the as-of day, records starting elsewhere, records
closed without an outcome, unmapped labels, and rows of a pipeline the
workspace lacks. Every number of the pipeline's JSON must be the oracle's.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from funnelkit import AS_OF, Write
from oracle import OPEN, STAGES, Row, funnel

from journeyc.funnel.result import to_json
from journeyc.funnel.run import Options, analyse
from journeyc.workspace.model import Workspace

_START = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
_FORWARD = {"mql": "sql", "sql": "evaluation", "evaluation": "validation-achats", "validation-achats": "won"}


def _history(seed: int) -> list[Row]:
    rnd = random.Random(seed)
    trap = rnd.choice(list(_FORWARD))                  # the planted bottleneck: where many records wait
    rows: list[Row] = []
    for n in range(rnd.randrange(20, 60)):
        record, t = f"D{n}", _START + dt.timedelta(seconds=rnd.randrange(0, 170 * 86400))
        stage = "mql" if rnd.random() < 0.85 else rnd.choice(STAGES[1:4])   # some start elsewhere
        for _ in range(rnd.randrange(1, 7)):
            rows += _entries(rnd, record, stage, t)
            if stage not in OPEN or (stage == trap and rnd.random() < 0.6):
                break
            t += dt.timedelta(seconds=rnd.choice([0, rnd.randrange(60, 25 * 86400)]))   # 0: equal times
            stage = _next(rnd, stage)
    rows += [Row(f"D{rnd.randrange(0, 20)}", "deals", "Old stage", _START, None) for _ in range(rnd.randrange(0, 3))]
    rows += [Row("P1", "Partners", "mql", _START, None)] * rnd.randrange(0, 2)
    rnd.shuffle(rows)
    return rows


def _entries(rnd: random.Random, record: str, stage: str, t: dt.datetime) -> list[Row]:
    """One entry, sometimes with an exit (before the entry, or after the as-of day), written once or twice."""
    exited = None
    if rnd.random() < 0.2:
        exited = t + dt.timedelta(seconds=rnd.randrange(-86400, 300 * 86400))
    row = Row(record, "deals", stage, t, exited)
    return [row, row] if rnd.random() < 0.05 else [row]


def _next(rnd: random.Random, stage: str) -> str:
    roll = rnd.random()
    if roll < 0.65:
        return _FORWARD[stage]
    if roll < 0.8:
        return "lost"
    if roll < 0.88:
        return stage                                                            # a re-entry (an amount changed)
    return rnd.choice([s for s in STAGES if s not in (stage, _FORWARD[stage], "lost")])  # a move the map lacks


def _csv(rows: list[Row]) -> str:
    def stamp(t: dt.datetime | None) -> str:
        return "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")

    return "".join(f"{r.record},{r.pipeline},{r.stage},{stamp(r.entered)},{stamp(r.exited)}\n" for r in rows)


@pytest.mark.parametrize("seed", range(40))
def test_every_number_is_the_definitions(seed: int, write: Write, ws: Workspace) -> None:
    rows = _history(seed)
    as_of = AS_OF if seed % 4 else dt.date(2026, 10, 1)   # some entries and exits fall after the as-of day
    found = to_json(analyse(ws, [write(_csv(rows))], Options(as_of=as_of)))
    mine = next(j for j in found["journeys"] if j["id"] == "new-business")
    expected = funnel(rows, as_of)
    for key, value in expected.items():
        if key != "stages":
            assert mine[key] == value, key
    for got, want in zip(mine["stages"], expected["stages"], strict=True):
        # exactly: both add a record's stays in whole microseconds and divide once
        assert {k: got[k] for k in want} == want
