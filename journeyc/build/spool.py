"""Rendered SVGs kept on disk while a build runs, read back when an emitter asks for one.

At 10,000 journeys the diagrams are about 350 MB of SVG, which the build
would otherwise hold from rendering to the end of the emit phase (issue 17:
build under 1 GiB). The files live in a private temporary directory (not in
the output), named by a counter rather than by journey id, and are removed
when the build ends; a forked child (the docs aside, `build.parallel`) reads
them and never removes them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, MutableMapping
from types import TracebackType


class Spool(MutableMapping[str, bytes]):
    """key -> bytes, each value in its own file; iterates in sorted key order, as the renderer's dict did."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="journeyc-svg-")
        self._owner = os.getpid()
        self._files: dict[str, str] = {}
        self._made = 0  # names are never reused, even after a delete

    def __setitem__(self, key: str, data: bytes) -> None:
        name = self._files.get(key)
        if name is None:
            name, self._made = os.path.join(self._dir, f"{self._made}.svg"), self._made + 1
        with open(name, "wb") as f:
            f.write(data)
        self._files[key] = name

    def __getitem__(self, key: str) -> bytes:
        with open(self._files[key], "rb") as f:
            return f.read()

    def __delitem__(self, key: str) -> None:
        os.unlink(self._files.pop(key))

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def close(self) -> None:
        """Remove the files (only in the process that made them)."""
        if os.getpid() == self._owner:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._files.clear()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
