"""Stage-history exports (generic CSV, HubSpot deals or tickets, Salesforce OpportunityHistory) -> a plain table.

A reader reads only the head of a file (its header and the first rows): it
recognises the format, the delimiter and the columns, and says, as `Feed`s,
which column gives each field of the plain history table `record_id, pipeline,
stage, entered_at, exited_at`. The rows themselves are read by the funnel's SQL
engine (millions of rows are an ordinary export). The formats:

- generic: `record_id,pipeline,stage,entered_at` and optional `exited_at`
  (other columns, such as `amount` or `owner`, are ignored); one row per entry
  of a record into a stage. `pipeline` may be absent or empty.
- HubSpot: a deals or tickets export with `Record ID` and one `Date entered
  "<stage> (<pipeline>)"` column per stage (and `Date exited "..."`), or the
  internal names `hs_object_id`, `pipeline`, `hs_v2_date_entered_<stage id>`
  (`hs_date_entered_<stage id>`, the retired form, is read too).
- Salesforce: `OpportunityHistory` as Data Loader or `sf data query
  --result-format csv` writes it: `OpportunityId,StageName,CreatedDate` (any
  case), rows with `IsDeleted` true skipped. It has no pipeline column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from journeyc.errors import JourneycError

HEAD_BYTES = 1 << 20  # the header of a wide HubSpot export (300 columns) fits many times over
DELIMITERS = (",", ";", "\t", "|")  # `;` is what European spreadsheet tools write
_HS_LABEL = re.compile(r'^date (entered|exited) "(.*)"$', re.IGNORECASE | re.DOTALL)
_HS_NAME = re.compile(r"^hs_(?:v2_)?date_(entered|exited)_(.+)$", re.IGNORECASE)
_HS_RECORD = ("record id", "hs_object_id", "deal id", "ticket id")
GENERIC_HEADER = "record_id,pipeline,stage,entered_at[,exited_at]"
GENERIC = ("record_id", "stage", "entered_at")
SALESFORCE = ("OpportunityId", "StageName", "CreatedDate")


@dataclass(frozen=True)
class Feed:
    """Where each field of the history table comes from: a column index, or a fixed text (`str`)."""

    record: int
    stage: int | str
    pipeline: int | str | None  # None: empty (the workspace's only pipeline, or --pipeline)
    entered: int
    exited: int | None = None
    deleted: int | None = None  # Salesforce IsDeleted: rows where it reads true are not history
    optional: bool = False      # HubSpot: an empty date means the record never entered that stage


@dataclass(frozen=True)
class HistoryFile:
    path: str
    format: str  # generic | hubspot | salesforce
    delimiter: str
    header: tuple[str, ...]
    feeds: tuple[Feed, ...]
    notes: tuple[str, ...] = ()


def fold(text: str) -> str:
    """How labels are compared: case- and accent-insensitive, blanks collapsed (`Évaluation ` = `evaluation`)."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def read(path: str, pipelines: Iterable[str] = ()) -> HistoryFile:
    """Recognise a history file from its head; `pipelines` (names) help split HubSpot's `Stage (Pipeline)`."""
    head = _head(path)
    text = _decode(path, head)
    rows = _first_rows(text)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise JourneycError(f"{path}: empty file (expected a header such as {GENERIC_HEADER})")
    for delimiter in DELIMITERS:
        header = _split(rows[0], delimiter)
        found = _recognise(path, header, delimiter, {fold(p) for p in pipelines})
        if found is not None:
            if len(head) <= HEAD_BYTES and not _has_rows(text, delimiter):
                raise JourneycError(f"{path}: the header is there but there are no rows")
            return found
    header = max((_split(rows[0], d) for d in DELIMITERS), key=len)
    names = {h.strip().casefold() for h in header}
    for required, kind in (GENERIC, "generic"), (SALESFORCE, "Salesforce OpportunityHistory"):
        lacking = [c for c in required if c.casefold() not in names]
        if len(lacking) < len(required) - 1:  # most of the format is there: say what is missing
            raise JourneycError(f"{path}: missing column {', '.join(map(repr, lacking))} ({kind} format:"
                                f" {','.join(required)})")
    shown = ", ".join(repr(h) for h in header[:12])
    raise JourneycError(f"{path}: not a stage history: the header ({shown}) has none of the expected columns:"
                        f" {GENERIC_HEADER} (generic), Record ID with Date entered \"...\" columns (HubSpot),"
                        " or OpportunityId,StageName,CreatedDate (Salesforce OpportunityHistory)")


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(HEAD_BYTES + 1)
    except IsADirectoryError:
        raise JourneycError(f"{path}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise JourneycError(f"cannot read {path}: {exc.strerror or exc}") from None


def _decode(path: str, head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise JourneycError(f"{path}: UTF-16 text: save the export as CSV UTF-8")
    head = head.removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" starts with one
    cut = head[:HEAD_BYTES]
    try:
        text = cut.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(head) <= HEAD_BYTES or exc.start < len(cut) - 3:  # not merely a character cut by the head's end
            line = cut[:exc.start].count(b"\n") + 1
            raise JourneycError(f"{path}: line {line}: not UTF-8 text: save the export as CSV UTF-8") from None
        text = cut[:exc.start].decode("utf-8")
    if "\x00" in text:
        raise JourneycError(f"{path}: binary data (a NUL byte), not a CSV file")
    return text


def _first_rows(text: str) -> list[str]:
    """The first two lines of the head (a header is one line: HubSpot quotes its headers but never breaks them)."""
    return text.splitlines()[:2]


def _split(line: str, delimiter: str) -> tuple[str, ...]:
    return tuple(next(csv.reader(io.StringIO(line), delimiter=delimiter), []))


def _has_rows(text: str, delimiter: str) -> bool:
    return any(line.strip(delimiter + " \t") for line in text.splitlines()[1:])


def _recognise(path: str, header: tuple[str, ...], delimiter: str, pipelines: set[str]) -> HistoryFile | None:
    names = [h.strip().casefold() for h in header]
    index = {n: i for i, n in reversed(list(enumerate(names)))}  # the first of repeated names
    if {"record_id", "stage", "entered_at"} <= index.keys():
        feed = Feed(index["record_id"], index["stage"], index.get("pipeline"), index["entered_at"],
                    index.get("exited_at"))
        return HistoryFile(path, "generic", delimiter, header, (feed,))
    if {"opportunityid", "stagename", "createddate"} <= index.keys():
        feed = Feed(index["opportunityid"], index["stagename"], None, index["createddate"],
                    deleted=index.get("isdeleted"))
        return HistoryFile(path, "salesforce", delimiter, header, (feed,))
    record = next((index[n] for n in _HS_RECORD if n in index), None)
    return None if record is None else _hubspot(path, header, delimiter, record, index.get("pipeline"), pipelines)


def _hubspot(path: str, header: tuple[str, ...], delimiter: str, record: int, pipeline: int | None,
             pipelines: set[str]) -> HistoryFile | None:
    entered: dict[str, int] = {}
    exited: dict[str, int] = {}
    repeated = 0
    for i, name in enumerate(header):
        match = _HS_LABEL.match(name.strip()) or _HS_NAME.match(name.strip())
        if match:
            side = entered if match.group(1).casefold() == "entered" else exited
            key = match.group(2) if match.re is _HS_LABEL else match.group(2).casefold()
            repeated += key in side
            side.setdefault(key, i)  # HubSpot repeats a header when two properties share a label
    if not entered:
        return None
    feeds = []
    for key, column in entered.items():
        where: int | str | None = pipeline  # internal names: the record's own pipeline column
        stage = key
        if not _HS_NAME.match(header[column].strip()):
            stage, where = split_label(key, pipelines)
        feeds.append(Feed(record, stage, where, column, exited.get(key), optional=True))
    notes = (f"{repeated} repeated stage column(s) read once",) if repeated else ()
    return HistoryFile(path, "hubspot", delimiter, header, tuple(feeds), notes)


def split_label(text: str, pipelines: set[str]) -> tuple[str, str | None]:
    """`Stage (Pipeline)` -> (stage, pipeline); a split whose pipeline is known wins (labels may hold brackets)."""
    if not text.endswith(")"):
        return text, None
    cuts = [m.start() for m in re.finditer(r" \(", text)]
    for cut in cuts:
        if fold(text[cut + 2:-1]) in pipelines:
            return text[:cut], text[cut + 2:-1]
    return (text[:cuts[-1]], text[cuts[-1] + 2:-1]) if cuts else (text, None)


def locate(path: str, delimiter: str, columns: Collection[int],
           match: Callable[[str], bool]) -> tuple[int, int, str] | None:
    """The first cell among `columns` that `match`es: (line, 1-based; column; value), to point at a bad cell."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            start = 1
            for row in reader:
                if reader.line_num > 1:
                    for column in sorted(columns):
                        if column < len(row) and match(row[column].strip()):
                            return start, column, row[column].strip()
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None
