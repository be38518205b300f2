"""`crm/stages.csv`: one row per exported stage, safe to open in a spreadsheet.

Line endings are `\\n`, chosen on purpose: RFC 4180 says CRLF, but the file is
reviewed in git diffs and compared byte for byte, and Excel, LibreOffice and
Google Sheets all read LF. UTF-8 without a byte-order mark, for the same
reasons (Excel users: Data > From Text/CSV picks UTF-8). A cell that a
spreadsheet would run as a formula is neutralised with a leading `'` (OWASP
CSV injection guidance); the csv module quotes commas, quotes and newlines.
Control characters (NUL, ESC...) and bidi overrides become U+FFFD: a spreadsheet
shows them as nothing, or shows other text than the cell holds.
"""

from __future__ import annotations

import csv
import io
import re
from functools import partial
from pathlib import PurePosixPath
from typing import BinaryIO

from journeyc.crm import limits as crmlimits
from journeyc.crm.objects import CrmPipeline, CrmStage, CrmView
from journeyc.emitters import EmitOptions, Exported, Files, Written, crm_pipelines
from journeyc.workspace.model import Stage, Workspace

PATH = PurePosixPath("crm/stages.csv")

COLUMNS = ("journey", "journey_name", "pipeline", "pipeline_name", "object", "order", "stage", "label",
           "owner", "owner_team", "probability", "outcome", "terminal", "sla_days", "risk", "description")

#: first characters that make Excel, LibreOffice or Sheets evaluate a cell (and their full-width
#: forms, which some spreadsheets normalise); tab and CR because Excel strips them before the check
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: controls but tab, LF and CR (the csv module quotes those), bidi embeddings/overrides/isolates, lone surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe_cell(value: object) -> str:
    """The text of a cell, with a `'` before anything a spreadsheet would run as a formula."""
    text = _UNSAFE.sub("\ufffd", "" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _one_row(text: str) -> str:
    """The csv module quotes a cell that holds LF (it is in lineterminator) but not one that holds a lone CR,
    which every reader takes for the end of the row: a line break inside a cell is written as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def emit(ws: Workspace, options: EmitOptions) -> Files:
    buffer = io.BytesIO()
    _write(ws, buffer)
    return {PATH: buffer.getvalue()}


def stream(ws: Workspace, options: EmitOptions) -> dict[PurePosixPath, Written]:
    """`emit`'s file, written a part at a time (it lists every stage of every journey: 30 MB at 10,000)."""
    return {PATH: partial(_write, ws)}


#: characters of rows written at a time
CHUNK = 1 << 16


def _write(ws: Workspace, f: BinaryIO) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for e in crm_pipelines(ws):
        for order, stage in enumerate(e.stages):
            writer.writerow(_row(ws, e, order, stage))
        if buffer.tell() >= CHUNK:
            f.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    f.write(buffer.getvalue().encode("utf-8"))


def _row(ws: Workspace, e: Exported, order: int, stage: Stage) -> list[str]:
    team = ws.team(stage.owner)
    probability = crmlimits.probability_of(stage)
    row = (e.journey.id, e.journey.name, e.pipeline.id, e.pipeline.name, e.pipeline.object, order,
           stage.id, stage.label, stage.owner, team.name if team else None, probability,
           stage.outcome, "true" if stage.terminal else "false", stage.sla_days, stage.risk,
           stage.description)
    return [_one_row(safe_cell(v)) for v in row]


#: the stage columns of the file besides id, label, probability and outcome, as the diff names them
ROW_FIELDS = ("owner", "terminal", "sla_days", "risk", "description")


def view(ws: Workspace) -> CrmView:
    """The rows after the build: a row is its journey, pipeline and stage id, else (a renamed stage) its label."""
    out = []
    for e in crm_pipelines(ws):
        where = f"{e.journey.id}/{e.pipeline.id}"
        stages = tuple(CrmStage((f"{where}/{s.id}", f"label/{s.label.casefold()}"), s.label, s.label, s.id, s.outcome,
                                crmlimits.probability_of(s), tuple((f, getattr(s, f)) for f in ROW_FIELDS))
                       for s in e.stages)
        out.append(CrmPipeline((where,), where, e.pipeline.name, e.pipeline.object, e.journey.id, e.pipeline.id,
                               stages, (("object", e.pipeline.object),)))
    return CrmView("csv", tuple(out))
