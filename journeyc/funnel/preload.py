"""The history files read into DuckDB on a thread while the command loads the workspace, which is Python.

DuckDB releases the GIL while it executes, so on two cores its read of the
files (the largest step on a large export) and the workspace's modules and YAML
overlap. `duckdb` itself is imported on the caller's thread first: an import
holds the GIL, and the overlap is the read against the Python that follows.
Only what does not depend on the workspace is read early: a HubSpot export
names its stage columns `Stage (Pipeline)`, split on the workspace's pipeline
names, so it is read after the workspace as before. An error the thread meets
is kept and raised by `take`, which run._session calls where it would read
the files itself: the messages and the order of the checks stay those of the
plain flow (a workspace error first, then the files in order, then the time
zone, then the rows).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from journeyc.funnel import load
from journeyc.readers import history

if TYPE_CHECKING:
    import duckdb

#: how long a failed command waits for the read it no longer needs to stop (seconds)
PATIENCE = 1.0

Loaded = tuple["duckdb.DuckDBPyConnection", list[history.HistoryFile], list[tuple[str, ...]]]


class Preload:
    def __init__(self, paths: Sequence[str], timezone: str, spill: str) -> None:
        self.paths, self.timezone, self.spill = tuple(paths), timezone, spill
        self._con: duckdb.DuckDBPyConnection | None = None
        self._loaded: Loaded | None = None
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._read, name="journeyc-funnel-read", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            files = [history.read(p) for p in self.paths]
            if any(f.format == "hubspot" for f in files) or self._stopped:
                return
            con, notes = load.load_all(files, self.timezone, self.spill, self._connected)
            self._loaded = (con, files, notes)
        except BaseException as exc:  # noqa: BLE001 - raised by take(), on the caller's thread
            self._error = exc

    def _connected(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def take(self) -> Loaded | None:
        """The connection with the files loaded, and the files; None: read them now (a HubSpot export)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        loaded, self._loaded = self._loaded, None
        return loaded

    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, patience: float = PATIENCE) -> None:
        """Interrupt a read still running (the command failed before it needed the rows), close what is left and
        forget what it met: nothing is handed over after this. A read that is in Python after `patience` seconds
        (naming a bad cell of a large file, which DuckDB cannot interrupt) is left to end with the process: the
        thread is a daemon, and the failure it would delay is not the file's."""
        import duckdb

        self._stopped = True
        deadline = time.monotonic() + patience
        while self._thread.is_alive() and time.monotonic() < deadline:
            if self._con is not None:
                try:
                    self._con.interrupt()  # again each time: an interrupt between two statements is lost
                except duckdb.Error:  # closed meanwhile by the failing read
                    pass
            self._thread.join(0.05)
        if self._thread.is_alive():
            return
        if self._loaded is not None:
            self._loaded[0].close()
        self._loaded = self._error = None


@contextmanager
def started(paths: Sequence[str], timezone: str) -> Iterator[Preload]:
    """Start reading `paths` (times without an offset in `timezone`); pass the result to run.analyse."""
    import duckdb  # noqa: F401 - here, before the thread starts: see the module's docstring

    with tempfile.TemporaryDirectory(prefix="journeyc-funnel-") as spill:
        early = Preload(paths, timezone, spill)
        try:
            yield early
        finally:
            early.stop()
