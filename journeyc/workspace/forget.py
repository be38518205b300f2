"""What a check lets go of once a file of journeys is loaded and modelled, and how it comes back when asked for.

A file's decoded text and its documents' plain data are most of what a loaded
workspace weighs, and a check reads neither once the model is built, but for
a finding (positions, the lines around one, a mapping's line) or a
suppression comment. A file of journeys that loaded without any diagnostic and
holds no `journeyc:` comment has its journeys modelled at once, then lets its
text and data go: asked for again, the file is read again, and its bytes must
be those loaded (the cache's digest, else length and CRC-32), or the check stops, since its positions
would point into another text. Teams, vocabularies and the configuration keep
theirs (rules and the cache read them as written).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from journeyc.errors import JourneycError
from journeyc.workspace.filepart import FileResult
from journeyc.workspace.limits import Limits
from journeyc.workspace.loading import Document, decode, load_text
from journeyc.workspace.model import Journey, Ref
from journeyc.workspace.resolve import journey_from

#: the bytes of such files a check keeps before it lets go of the next ones. Letting go costs time (the data is
#: freed during the run: a warm check of 1,000 journeys, 12 MB, took 8% longer) and saves memory only where
#: there is much of it; past this budget each file lets go (10,000 journeys, 120 MB, peak under 500 MiB)
KEEP_BYTES = 16 << 20
#: what every suppression comment holds (journeyc.workspace.suppress): a file without it has none
MARKER = b"journeyc:"


def needless(found: FileResult, raw: bytes) -> bool:
    """Whether a file judged from `raw` can let go: journeys only, no diagnostic, no suppression comment."""
    loaded = found.loaded
    return loaded.source is not None and bool(loaded.documents) and not loaded.diagnostics and not found.schema \
        and not loaded.failed and all(d.kind == "Journey" for d in loaded.documents) and MARKER not in raw


def forget(found: FileResult, raw: bytes, read: Callable[[], bytes | None], limits: Limits) -> list[Journey]:
    """The journeys of the file judged from `raw` (`needless`), whose text and data then go; `read` gives the
    file's bytes again, and `limits` are those it was loaded within."""
    source = found.loaded.source
    assert source is not None
    shown, same = source.path, found.same or _crc(raw)

    def text() -> str:
        now = read()
        if now is None or not same(now):
            raise JourneycError(f"{shown} changed while journeyc was checking it: run the check again")
        decoded, _ = decode(shown, now)
        assert decoded is not None, "the same bytes decoded when they were loaded"
        return decoded

    journeys = []
    for doc in found.loaded.documents:
        if isinstance(doc.data.get("id"), str) and doc.data["id"]:  # as build_workspace models one
            journeys.append(journey_from(doc.data, Ref(doc)))
        doc.forget(_data_again(doc, limits))
    source.forget(text)
    source.uncommented = True  # MARKER is not in its bytes
    return journeys


def _crc(raw: bytes) -> Callable[[bytes], bool]:
    size, crc = len(raw), zlib.crc32(raw)
    return lambda now: len(now) == size and zlib.crc32(now) == crc


def _data_again(doc: Document, limits: Limits) -> Callable[[], tuple[dict[str, Any], dict[int, int]]]:
    def again() -> tuple[dict[str, Any], dict[int, int]]:
        loaded = load_text(doc.source.path, doc.source.text, limits)
        same = next(d for d in loaded.documents if d.index == doc.index)
        return same.data, same.lines

    return again
