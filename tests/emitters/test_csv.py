"""crm/stages.csv: golden file, one row per exported stage, LF endings, no formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from journeyc.emitters.csv_stages import COLUMNS, safe_cell


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_example_matches_golden(example, emit, golden) -> None:
    files, _ = emit("csv", example)
    golden("csv", files)


@pytest.mark.parametrize("chunk", [1, 200])
def test_streamed_in_parts_is_the_golden_file(example, golden, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build writes stages.csv a part at a time (`stream`), wherever the parts end: the same bytes."""
    from journeyc.emitters import EmitOptions, csv_stages

    monkeypatch.setattr(csv_stages, "CHUNK", chunk)
    writes: list[bytes] = []
    (written,) = csv_stages.stream(example, EmitOptions()).values()
    written(_Logged(writes))
    assert len(writes) > 3                                      # written in parts, not whole
    golden("csv", {csv_stages.PATH: b"".join(writes)})


class _Logged(io.RawIOBase):
    def __init__(self, writes: list[bytes]) -> None:
        self.writes = writes

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(bytes(data))
        return len(data)


def test_one_row_per_exported_stage(example, emit) -> None:
    (data,) = emit("csv", example)[0].values()
    rows = _rows(data)
    exported = [(j.id, p.id, s.id) for j in sorted(example.journeys, key=lambda j: j.id)
                for p, stages in j.export_pipelines() for s in stages]
    assert [(r["journey"], r["pipeline"], r["stage"]) for r in rows] == exported
    assert "nurture" not in {r["stage"] for r in rows}   # a stage with no pipeline stays out of the CRM
    assert list(rows[0]) == list(COLUMNS)


def test_line_endings_are_lf_only(example, emit) -> None:
    (data,) = emit("csv", example)[0].values()
    assert b"\r\n" not in data and data.endswith(b"\n")


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\tTabbed", "\rCR", "\uff1d1+1"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Demo", "a=b", "1-2", "", "'quoted"])
def test_other_cells_are_kept(text: str) -> None:
    assert safe_cell(text) == text


def test_hostile_workspace_has_no_cell_a_spreadsheet_would_run(make_workspace, emit, hostile) -> None:
    (data,) = emit("csv", make_workspace(hostile))[0].values()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_stage = {r["stage"]: r for r in _rows(data)}
    assert by_stage["formula"]["label"] == "'=cmd|' /C calc'!A0"
    assert by_stage["formula"]["owner_team"] == "'=SUM(A1:A2)"
    assert by_stage["demo"]["label"] == hostile["stages"][1]["term"]   # quotes, pipes, backslashes: just data
    assert len(rows) == 1 + len(hostile["stages"])                      # newlines stayed inside their cells
