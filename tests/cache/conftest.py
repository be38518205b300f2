"""Fixtures of the cache tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyc.cache import location, store


@pytest.fixture(params=["decoded as read", "lines decoded when asked"])
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """The cache of this test: a directory of its own (JOURNEYC_CACHE_DIR), the cache on; each test runs with
    segments decoded as they are read (a small workspace's) and with lines decoded on demand (a large one's)."""
    if request.param == "lines decoded when asked":
        monkeypatch.setattr(store, "LAZY_BYTES", 0)
    where = tmp_path / "cache"
    monkeypatch.setenv(location.ENV_DIR, str(where))
    monkeypatch.delenv(location.ENV_OFF, raising=False)
    return where
